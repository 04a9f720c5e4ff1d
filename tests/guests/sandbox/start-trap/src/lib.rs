//! A component that panics while declaring its routes: it cannot be loaded, and the host
//! must say which component and why, and refuse to start.

/// The app, which never gets built.
pub fn app() -> switchyard_sdk::App {
    panic!("this guest cannot declare its routes")
}

switchyard_sdk::export!(app);
