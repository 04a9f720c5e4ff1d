//! `switchyard watch`: the dev server for a project, rebuilt and swapped in on every save, as
//! `cargo lambda watch` and `spin watch` do for theirs.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use super::SourceArg;
use super::build::{DEFAULT_OUT, build_project, tidy_join};
use crate::bundle::Bundle;
use crate::dev::{DevServer, ServeOptions, Swapper};
use crate::project::Profile;
use crate::request::EventSource;

/// How often the project's sources are looked at.
const POLL: Duration = Duration::from_millis(250);

/// Build the project, serve it, and rebuild and swap it in whenever a source changes.
///
/// Builds with the `guest-dev` profile (optimised, incremental, no link-time optimisation:
/// about a second for a changed handler; `switchyard build` and `package` keep the LTO
/// build), precompiles the bundle and swaps it into the running server the moment it is
/// built: a request sent after `swapped in` is logged gets the new version. A build that
/// fails, or a bundle that does not load, leaves the previous version serving.
///
/// Watched: the `.rs`, `.toml`, `.wit` and `switchyard*.json` files under DIR, outside
/// `target/` and hidden directories.
///
/// Examples:
///   switchyard watch
///   switchyard watch --dir services/hello-api --port 0 --source http-v2
///   switchyard watch --dir examples/todos --out target/bundles/todos
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct WatchCommand {
    /// The project: a crate or workspace with `switchyard.json` beside its `Cargo.toml`.
    #[arg(long, value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// Where to assemble the bundle [default: DIR/target/bundle].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The port on 127.0.0.1; 0 takes any free port.
    #[arg(long, default_value_t = 3000)]
    port: u16,
    #[command(flatten)]
    source: SourceArg,
}

impl WatchCommand {
    pub(super) fn execute(self) -> anyhow::Result<()> {
        let out = self
            .out
            .unwrap_or_else(|| tidy_join(&self.dir, DEFAULT_OUT));
        // Taken before the first build, so a save made while it runs is built next.
        let mut seen = Sources::take(&self.dir);
        build_project(&self.dir, &out, Profile::Dev)?;
        let source = self
            .source
            .or_bundles(Bundle::open(&out)?.manifest.source)?
            .unwrap_or(EventSource::RestV1);
        let server = DevServer::bind(ServeOptions {
            bundle: out.clone(),
            port: self.port,
            source,
            watch: false,
            xray_daemon: None,
        })?;
        let swapper = server.swapper();
        let dir = self.dir.clone();
        std::thread::Builder::new()
            .name("switchyard-rebuild".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(POLL);
                    let now = Sources::take(&dir);
                    if now == seen {
                        continue;
                    }
                    // Wait for the save to settle (an editor may write several files).
                    std::thread::sleep(POLL);
                    seen = Sources::take(&dir);
                    rebuild(&dir, &out, &swapper);
                }
            })?;
        server.run()
    }
}

fn rebuild(dir: &Path, out: &Path, swapper: &Swapper) {
    let started = Instant::now();
    let swapped = build_project(dir, out, Profile::Dev).and_then(|()| swapper.swap());
    match swapped {
        Ok(version) => crate::log::info(&format!(
            "swapped in the rebuilt bundle `{}` (version {version}, built and loaded in {:.1} s)",
            out.display(),
            started.elapsed().as_secs_f64()
        )),
        Err(err) => crate::log::error(&format!(
            "the change was not swapped in; still serving the previous version: {err:#}"
        )),
    }
}

/// The modification time and length of every watched source file.
#[derive(Debug, PartialEq, Eq)]
struct Sources(Vec<(PathBuf, Option<SystemTime>, u64)>);

impl Sources {
    fn take(dir: &Path) -> Self {
        let mut files = Vec::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(dir) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let name = entry.file_name();
                let name = name.to_string_lossy();
                let Ok(meta) = entry.metadata() else {
                    continue;
                };
                if meta.is_dir() {
                    if name != "target" && !name.starts_with('.') {
                        pending.push(path);
                    }
                } else if is_source(&name) {
                    files.push((path, meta.modified().ok(), meta.len()));
                }
            }
        }
        files.sort();
        Self(files)
    }
}

fn is_source(name: &str) -> bool {
    name.ends_with(".rs")
        || name.ends_with(".toml")
        || name.ends_with(".wit")
        || (name.starts_with("switchyard") && name.ends_with(".json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_the_code_and_manifests_outside_target_and_hidden_directories() {
        let dir = std::env::temp_dir().join(format!("switchyard-sources-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["src", "target/debug", ".git", "wit"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        for file in [
            "Cargo.toml",
            "switchyard.json",
            "src/lib.rs",
            "wit/world.wit",
            "target/debug/gen.rs",
            ".git/HEAD.rs",
            "README.md",
            "events/get.json",
        ] {
            if let Some(parent) = dir.join(file).parent() {
                std::fs::create_dir_all(parent).unwrap();
            }
            std::fs::write(dir.join(file), "x").unwrap();
        }
        let before = Sources::take(&dir);
        let mut watched: Vec<_> = before
            .0
            .iter()
            .map(|(path, ..)| {
                path.strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        watched.sort();
        assert_eq!(
            watched,
            [
                "Cargo.toml",
                "src/lib.rs",
                "switchyard.json",
                "wit/world.wit"
            ]
        );
        std::fs::write(dir.join("README.md"), "changed").unwrap();
        assert_eq!(Sources::take(&dir), before, "docs are not sources");
        std::fs::write(dir.join("src/lib.rs"), "changed").unwrap();
        assert_ne!(Sources::take(&dir), before);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
