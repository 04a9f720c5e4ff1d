//! `switchyard new`: scaffold a handler crate, as `cargo lambda new` and `spin new` do.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::event::from_http::{self, HttpRequest};
use crate::request::EventSource;

/// Create a handler project a team can commit and share.
///
/// Writes a handler crate (`src/lib.rs`: a `GET` route and a validated `POST`), its tests
/// through the real host (`tests/handlers.rs`), sample events (`events/*.json`), the bundle
/// manifest, a `Makefile` (`make run`, `make test`), a SAM template that deploys this
/// project (`sam build && sam deploy --guided`), a README and a `.gitignore`.
///
/// The crate depends on Switchyard's SDK (and, for its tests, the host) from a git
/// repository (`--git`, pinned with `--rev`) or a checkout (`--path`, written relative to
/// the project so a teammate's clone beside it resolves too). Without either, the checkout
/// this `switchyard` was built from, as a relative path.
///
/// Examples:
///   switchyard new hello-api
///   switchyard new hello-api --git https://github.com/acme/switchyard --rev v0.1.0
///   switchyard new hello-api --dir services/ --path ../switchyard
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct NewCommand {
    /// The crate's name (lower case letters, digits, `-` and `_`); also its directory.
    name: String,
    /// Where to create the project's directory.
    #[arg(long, value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// Depend on Switchyard from this git repository.
    #[arg(long, value_name = "URL", conflicts_with = "path")]
    git: Option<String>,
    /// The commit or tag of `--git` to pin.
    #[arg(long, value_name = "REV", requires = "git")]
    rev: Option<String>,
    /// Depend on the Switchyard checkout at this path (written relative to the project).
    #[arg(long, value_name = "DIR")]
    path: Option<PathBuf>,
    /// A Python project (reserved: not available yet).
    #[arg(long)]
    python: bool,
}

impl NewCommand {
    pub(super) fn execute(self) -> anyhow::Result<()> {
        if self.python {
            anyhow::bail!(
                "`--python` is reserved for Python handler projects, which are not available yet; leave it out for a Rust project"
            );
        }
        check_name(&self.name)?;
        let root = super::build::tidy_join(&self.dir, &self.name);
        if root.exists() {
            anyhow::bail!(
                "`{}` already exists; pick another name or `--dir`",
                root.display()
            );
        }
        let parent = std::fs::canonicalize(&self.dir)
            .with_context(|| format!("`--dir {}` does not exist", self.dir.display()))?;
        let source = match (self.git, self.path) {
            (Some(url), _) => Source::Git { url, rev: self.rev },
            (None, Some(path)) => Source::path(&path, &parent.join(&self.name))?,
            (None, None) => {
                let built_from = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
                let source = Source::path(&built_from, &parent.join(&self.name)).context(
                    "the Switchyard source this `switchyard` was built from is gone: pass `--git URL` (and `--rev`) or `--path DIR`",
                )?;
                eprintln!(
                    "depending on Switchyard at `{}` (the checkout this switchyard was built from); `--git URL --rev REV` pins a repository instead (see the project's README)",
                    source.describe()
                );
                source
            }
        };
        for (file, text) in files(&self.name, &source)? {
            let path = root.join(file);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create `{}`", parent.display()))?;
            }
            std::fs::write(&path, text)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
        }
        eprintln!(
            "created `{}`; next:\n  cd {}\n  make run    # http://127.0.0.1:3000/hello/you, rebuilt on every save\n  make test   # the handlers through the real host",
            root.display(),
            root.display()
        );
        Ok(())
    }
}

/// Where the project gets Switchyard's crates (`switchyard-sdk`, and `switchyard` for tests).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    Git {
        url: String,
        rev: Option<String>,
    },
    /// The checkout, relative to the project directory.
    Path(PathBuf),
}

impl Source {
    /// The checkout at `checkout`, as seen from `project` (which need not exist yet).
    fn path(checkout: &Path, project: &Path) -> anyhow::Result<Self> {
        let checkout = std::fs::canonicalize(checkout)
            .with_context(|| format!("`{}` does not exist", checkout.display()))?;
        let sdk =
            std::fs::read_to_string(checkout.join("guest-sdk/Cargo.toml")).unwrap_or_default();
        if !sdk.contains("name = \"switchyard-sdk\"") {
            anyhow::bail!(
                "`{}` is not a Switchyard checkout (no guest-sdk/Cargo.toml for `switchyard-sdk`)",
                checkout.display()
            );
        }
        Ok(Source::Path(relative_path(project, &checkout)))
    }

    /// The dependency on the crate at `dir` of the checkout, named `package`.
    fn dependency(&self, package: &str, dir: &str) -> String {
        match self {
            Source::Git { url, rev } => {
                let rev = rev
                    .as_ref()
                    .map(|rev| format!(", rev = {}", toml_string(rev)))
                    .unwrap_or_default();
                format!("{package} = {{ git = {}{rev} }}", toml_string(url))
            }
            Source::Path(path) => format!(
                "{package} = {{ path = {} }}",
                toml_string(&path.join(dir).to_string_lossy())
            ),
        }
    }

    fn describe(&self) -> String {
        match self {
            Source::Git { url, .. } => url.clone(),
            Source::Path(path) => path.display().to_string(),
        }
    }
}

/// `to` as a path relative to `from` (both absolute).
fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let shared = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut relative: PathBuf = std::iter::repeat_n("..", from.len() - shared).collect();
    relative.extend(&to[shared..]);
    match relative.as_os_str().is_empty() {
        true => PathBuf::from("."),
        false => relative,
    }
}

/// Cargo's package name rule, kept to what is also a fine directory and file name.
fn check_name(name: &str) -> anyhow::Result<()> {
    let ok = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !ok {
        anyhow::bail!(
            "`{name}` is not a crate name: start with a lower-case letter, then use lower-case letters, digits, `-` or `_`"
        );
    }
    // As `cargo new` refuses them: the crate's name must be usable in Rust code (`use fn::..`
    // is not) and must not shadow a crate every build has.
    let in_code = name.replace('-', "_");
    if RESERVED.split(' ').any(|word| word == in_code) {
        anyhow::bail!(
            "`{name}` cannot be a crate name: it is a Rust keyword or a built-in crate; pick another"
        );
    }
    Ok(())
}

/// Rust's keywords, strict or reserved in some edition, and the built-in crates.
const RESERVED: &str = "abstract alloc as async await become box break const continue core crate do dyn \
    else enum extern false final fn for gen if impl in let loop macro match mod move \
    mut override priv proc_macro pub ref return self static std struct super test \
    trait true try type typeof unsafe unsized use virtual where while yield";

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

/// The project's files, from the templates in `new/template/` with the names filled in,
/// and the sample events.
fn files(name: &str, source: &Source) -> anyhow::Result<Vec<(String, String)>> {
    let crate_name = name.replace('-', "_");
    let fill = |template: &str| {
        template
            .replace("{{name}}", name)
            .replace("{{crate}}", &crate_name)
            .replace("{{sdk}}", &source.dependency("switchyard-sdk", "guest-sdk"))
            .replace("{{host}}", &source.dependency("switchyard", "host"))
            .replace("{{source}}", &format!("`{}`", source.describe()))
    };
    let mut files: Vec<(String, String)> = TEMPLATES
        .iter()
        .map(|(path, template)| (path.to_string(), fill(template)))
        .collect();
    for (file, source, method, path, body) in SAMPLE_EVENTS {
        let mut headers = vec![
            ("host".to_string(), "localhost:3000".to_string()),
            ("user-agent".to_string(), "curl/8.5.0".to_string()),
        ];
        if !body.is_empty() {
            headers.push(("content-type".to_string(), "application/json".to_string()));
        }
        let request = HttpRequest::local(method, path, &headers, body.as_bytes());
        let event = from_http::build(*source, &request);
        files.push((
            format!("events/{file}"),
            serde_json::to_string_pretty(&event)? + "\n",
        ));
    }
    Ok(files)
}

/// Each template file and where it goes in the project.
const TEMPLATES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("new/template/Cargo.toml")),
    ("src/lib.rs", include_str!("new/template/src/lib.rs")),
    (
        "tests/handlers.rs",
        include_str!("new/template/tests/handlers.rs"),
    ),
    (
        "switchyard.json",
        include_str!("new/template/switchyard.json"),
    ),
    ("Makefile", include_str!("new/template/Makefile")),
    ("template.yaml", include_str!("new/template/template.yaml")),
    (
        "samconfig.toml",
        include_str!("new/template/samconfig.toml"),
    ),
    ("README.md", include_str!("new/template/README.md")),
    // Not `.gitignore` in this repository, where it would hide the template itself.
    (".gitignore", include_str!("new/template/gitignore")),
];

/// The sample events: file, source, method, path and JSON body, one per request the
/// template's front doors deliver (the README and tests/handlers.rs name them).
const SAMPLE_EVENTS: &[(&str, EventSource, &str, &str, &str)] = &[
    ("get.json", EventSource::RestV1, "GET", "/hello/you", ""),
    (
        "post.json",
        EventSource::RestV1,
        "POST",
        "/greetings",
        r#"{"name": "you", "word": "hi"}"#,
    ),
    (
        "function-url-get.json",
        EventSource::FunctionUrl,
        "GET",
        "/hello/you",
        "",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_follow_cargo() {
        for good in [
            "hello",
            "hello-api",
            "h2_api",
            "fn-api",
            "self_api",
            "tests",
        ] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Hello",
            "1api",
            "a b",
            "api/x",
            "-api",
            "fn",
            "self",
            "async",
            "std",
            "test",
            "proc-macro",
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_manifest_names_the_component_cargo_builds() {
        let source = Source::Git {
            url: "https://example.com/switchyard".into(),
            rev: Some("v1".into()),
        };
        let files = files("hello-api", &source).unwrap();
        let file = |name: &str| &files.iter().find(|(f, _)| f == name).unwrap().1;
        let manifest: serde_json::Value = serde_json::from_str(file("switchyard.json")).unwrap();
        assert_eq!(manifest["components"][0]["file"], "hello_api.wasm");
        assert!(file("Cargo.toml").contains(
            r#"switchyard-sdk = { git = "https://example.com/switchyard", rev = "v1" }"#
        ));
        assert!(
            file("Cargo.toml")
                .contains(r#"switchyard = { git = "https://example.com/switchyard", rev = "v1" }"#)
        );
        for (path, text) in &files {
            assert!(!text.contains("{{"), "{path} has a placeholder left");
        }
    }

    #[test]
    fn a_checkout_is_written_relative_to_the_project() {
        let cases = [
            ("/home/ann/api", "/home/ann/switchyard", "../switchyard"),
            (
                "/home/ann/work/api",
                "/opt/switchyard",
                "../../../../opt/switchyard",
            ),
            ("/src/switchyard/examples/api", "/src/switchyard", "../.."),
        ];
        for (project, checkout, relative) in cases {
            assert_eq!(
                relative_path(Path::new(project), Path::new(checkout)),
                Path::new(relative),
                "{project} -> {checkout}"
            );
        }
        let source = Source::Path(PathBuf::from("../switchyard"));
        assert_eq!(
            source.dependency("switchyard-sdk", "guest-sdk"),
            r#"switchyard-sdk = { path = "../switchyard/guest-sdk" }"#
        );
    }

    #[test]
    fn each_sample_event_is_detected_as_the_source_it_was_made_for() {
        let source = Source::Path(PathBuf::from("../switchyard"));
        let files = files("hello-api", &source).unwrap();
        for (file, expected, ..) in SAMPLE_EVENTS {
            let text = &files
                .iter()
                .find(|(f, _)| *f == format!("events/{file}"))
                .unwrap()
                .1;
            let request = crate::event::decode(text.as_bytes(), None).unwrap();
            assert_eq!(request.source, *expected, "{file}");
        }
    }
}
