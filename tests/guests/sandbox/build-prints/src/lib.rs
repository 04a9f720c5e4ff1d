//! Prints while its app is built, so wasi-libc holds the stdout stream's handle afterwards. A
//! snapshot would keep that handle, which no later instance has: this component is not
//! pre-initialised.

/// `GET /print`: prints again and answers.
pub fn print() -> String {
    println!("handling a request");
    "printed".to_string()
}

/// The app.
pub fn app() -> switchyard_sdk::App {
    println!("building the app");
    switchyard_sdk::App::new().get("/print", print)
}

switchyard_sdk::export!(app);
