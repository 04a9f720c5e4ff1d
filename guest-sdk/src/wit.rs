//! The generated WIT bindings: the only place WIT types exist on the guest side.

wit_bindgen::generate!({
    world: "handler",
    path: "../wit",
    pub_export_macro: true,
    export_macro_name: "export_component",
    default_bindings_module: "switchyard_sdk::__private::wit",
});
