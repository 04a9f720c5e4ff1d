//! A user's own project: `switchyard new`, `build` and `invoke`, as the README tells them.

use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};

use crate::serve::SwitchyardServe;
use crate::support::{run_switchyard, switchyard_bin, workspace};

fn switchyard(args: &[&str], cwd: &Path, stdin: &str) -> Output {
    let out = run_switchyard(
        |cmd| {
            // The scaffold's dependencies build once per machine, not once per run.
            cmd.args(args)
                .current_dir(cwd)
                .env("CARGO_TARGET_DIR", workspace().join("target/scaffold"));
        },
        stdin,
    );
    assert!(
        out.status.success(),
        "switchyard {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn a_new_project_builds_into_a_bundle_that_answers() {
    let scratch = Scratch::new("project");
    let dir = &scratch.0;

    switchyard(
        &["new", "hello-api", "--path", workspace().to_str().unwrap()],
        dir,
        "",
    );
    let project = dir.join("hello-api");
    for file in ["Cargo.toml", "src/lib.rs", "switchyard.json", ".gitignore"] {
        assert!(project.join(file).exists(), "{file}");
    }
    // A teammate's clone beside this checkout resolves the same path.
    let manifest = std::fs::read_to_string(project.join("Cargo.toml")).unwrap();
    let workspace_text = std::fs::canonicalize(workspace()).unwrap();
    assert!(
        manifest.contains(r#"switchyard-sdk = { path = "../../../../guest-sdk" }"#)
            && !manifest.contains(workspace_text.to_str().unwrap()),
        "{manifest}"
    );

    // The template asks for LTO and is also an rlib (its tests call the handlers), for which
    // `cargo build` would skip LTO: `build` makes the component as a cdylib alone.
    let manifest = std::fs::read_to_string(project.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains(r#"crate-type = ["cdylib", "rlib"]"#) && manifest.contains("lto = true")
    );
    let wasm_release = workspace().join("target/scaffold/wasm32-wasip2/release");
    let rlibs = || {
        [wasm_release.clone(), wasm_release.join("deps")]
            .iter()
            .flat_map(|dir| std::fs::read_dir(dir).into_iter().flatten().flatten())
            .map(|entry| entry.path())
            .filter(|path| {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                name.starts_with("libhello_api") && name.ends_with(".rlib")
            })
            .collect::<Vec<_>>()
    };
    for stale in rlibs() {
        std::fs::remove_file(stale).unwrap();
    }

    let built = switchyard(&["build"], &project, "");
    assert_eq!(
        rlibs(),
        Vec::<std::path::PathBuf>::new(),
        "built as a cdylib only"
    );
    let bundle = project.join("target/bundle");
    assert_eq!(
        String::from_utf8_lossy(&built.stdout).trim(),
        "target/bundle",
        "the bundle directory is printed"
    );
    assert!(bundle.join("hello_api.cwasm").exists(), "precompiled");
    // Off a terminal the progress bars are hidden and each component gets a line instead.
    let log = String::from_utf8_lossy(&built.stderr);
    assert!(
        log.contains("built hello-api: hello_api.wasm ("),
        "a line per component: {log}"
    );

    let event = json!({"httpMethod": "GET", "path": "/hello/ann", "requestContext": {}});
    let answer = switchyard(
        &["invoke", "--bundle", "target/bundle", "-"],
        &project,
        &event.to_string(),
    );
    let answer: Value = serde_json::from_slice(&answer.stdout).unwrap();
    assert_eq!(answer["statusCode"], 200, "{answer}");
    assert_eq!(answer["body"], r#"{"message":"hello, ann"}"#);

    let again = run_switchyard(
        |cmd| {
            cmd.args(["new", "hello-api"]).current_dir(dir);
        },
        "",
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

/// Two components in one workspace, one bundle: `build` makes each from its own package.
#[test]
fn a_workspace_of_two_components_builds_into_one_bundle() {
    let scratch = Scratch::new("workspace");
    let dir = &scratch.0;
    for name in ["users", "orders"] {
        switchyard(
            &["new", name, "--path", workspace().to_str().unwrap()],
            dir,
            "",
        );
        // Members of the workspace below, not crates of their own: no profile, no [workspace].
        let manifest = dir.join(name).join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        let profile = text.find("\n# `switchyard build` and").unwrap();
        std::fs::write(&manifest, &text[..profile]).unwrap();
    }
    // `orders` is mounted as a router: validation is the app's to set.
    let orders = dir.join("orders/src/lib.rs");
    let code = std::fs::read_to_string(&orders).unwrap();
    std::fs::write(&orders, code.replace("        .enable_validation()\n", "")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"users\", \"orders\"]\n\n\
         [profile.release]\ncodegen-units = 1\nlto = true\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("switchyard.json"),
        json!({
            "name": "shop",
            "components": [
                {"name": "users", "file": "users.wasm"},
                {"name": "orders", "file": "orders.wasm", "prefix": "/orders"},
            ],
        })
        .to_string(),
    )
    .unwrap();

    let built = switchyard(&["build"], dir, "");
    let log = String::from_utf8_lossy(&built.stderr);
    for line in ["built users: users.wasm (", "built orders: orders.wasm ("] {
        assert!(log.contains(line), "{line}: {log}");
    }
    for (path, message) in [
        ("/hello/ann", "hello, ann"),
        ("/orders/hello/bob", "hello, bob"),
    ] {
        let event = json!({"httpMethod": "GET", "path": path, "requestContext": {}});
        let answer = switchyard(
            &["invoke", "--bundle", "target/bundle", "-"],
            dir,
            &event.to_string(),
        );
        let answer: Value = serde_json::from_slice(&answer.stdout).unwrap();
        assert_eq!(answer["statusCode"], 200, "{path}: {answer}");
        assert_eq!(
            answer["body"],
            json!({"message": message}).to_string(),
            "{path}"
        );
    }

    // Packaged as one project: both components, precompiled for the Lambda CPU.
    let packaged = switchyard(
        &["package", "--only", "bundle", "--out-dir", "lambda"],
        dir,
        "",
    );
    assert_eq!(String::from_utf8_lossy(&packaged.stdout).trim(), "lambda");
    let mut files: Vec<String> = std::fs::read_dir(dir.join("lambda/bundle"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "orders.cwasm",
            "orders.wasm",
            "switchyard.json",
            "users.cwasm",
            "users.wasm"
        ]
    );
    assert!(
        !dir.join("lambda/bootstrap").exists(),
        "`--only bundle` has no host"
    );
}

/// `switchyard watch`: a saved change is rebuilt and swapped in, and the very next request
/// after the swap is logged gets it; a change that does not build leaves the last version
/// serving.
#[test]
fn watch_swaps_in_a_saved_change_before_the_next_request() {
    let scratch = Scratch::new("watch");
    let dir = &scratch.0;
    switchyard(
        &["new", "live-api", "--path", workspace().to_str().unwrap()],
        dir,
        "",
    );
    let project = dir.join("live-api");
    let mut command = std::process::Command::new(switchyard_bin());
    command
        .args(["watch", "--port", "0"])
        .current_dir(&project)
        .env("CARGO_TARGET_DIR", workspace().join("target/scaffold"));
    let server = SwitchyardServe::spawn(command, &[]);
    assert_eq!(
        server.get("/hello/ann").json(),
        json!({"message": "hello, ann"})
    );

    let lib = project.join("src/lib.rs");
    let code = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, code.replace("\"hello, {name}\"", "\"howdy, {name}\"")).unwrap();
    assert!(
        server.wait_for_log("swapped in the rebuilt bundle"),
        "{}",
        server.stderr()
    );
    assert_eq!(
        server.get("/hello/ann").json(),
        json!({"message": "howdy, ann"}),
        "the first request after the swap"
    );

    let howdy = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, howdy.replace("pub fn hello(", "pub fn hello(;")).unwrap();
    assert!(
        server.wait_for_log("the change was not swapped in"),
        "{}",
        server.stderr()
    );
    assert_eq!(
        server.get("/hello/ann").json(),
        json!({"message": "howdy, ann"}),
        "a change that does not build leaves the last version serving"
    );
}

/// A scratch directory, removed however the test ends.
struct Scratch(std::path::PathBuf);

impl Scratch {
    /// An empty `target/tmp/NAME-PID`.
    fn new(name: &str) -> Self {
        let dir = workspace()
            .join("target/tmp")
            .join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
