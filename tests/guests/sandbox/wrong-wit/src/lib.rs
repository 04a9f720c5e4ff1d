//! A component built against `switchyard:handler@0.9.0`, which this host does not speak.

#![expect(missing_docs, reason = "wit-bindgen-generated code")]

wit_bindgen::generate!({ world: "handler", path: "wit" });

struct Component;

impl Guest for Component {
    fn manifest() -> String {
        switchyard::handler::host::log("declaring");
        "{}".into()
    }

    fn handle(path: String) -> String {
        switchyard::handler::host::log(&path);
        path
    }
}

export!(Component);
