//! One progress bar per component for `switchyard build`, the way `spin build` shows them:
//! each bar fills as the crates its component depends on are compiled, then says when the
//! component is copied, precompiled and done.
//!
//! Off a terminal (CI, pipes) the bars are hidden and each component's outcome is printed as a
//! plain line instead, so logs still say what was built.

use std::collections::HashSet;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The bars of one build, in manifest order.
pub(super) struct BuildProgress {
    multi: MultiProgress,
    components: Vec<ComponentBar>,
}

struct ComponentBar {
    name: String,
    bar: ProgressBar,
    /// The packages this component is built from, by cargo package id; `None` when the
    /// component's crate is not known, and then every package counts.
    packages: Option<HashSet<String>>,
    compiled: HashSet<String>,
}

/// Prints lines above a build's bars; cloned into the thread that reads cargo's stderr.
#[derive(Clone)]
pub(super) struct Printer(MultiProgress);

impl Printer {
    /// Prints `line` above the bars (cargo's errors and warnings), or plainly when hidden.
    pub(super) fn println(&self, line: &str) {
        if self.0.is_hidden() {
            eprintln!("{line}");
        } else {
            // Printing only fails when the terminal is gone; the line is lost with it.
            let _ = self.0.println(line);
        }
    }
}

/// A component to show: its name and the packages its crate is built from.
pub(super) struct PlannedComponent {
    pub(super) name: String,
    pub(super) packages: Option<HashSet<String>>,
}

impl BuildProgress {
    /// Bars for `components` drawn on `target` (`ProgressDrawTarget::stderr()` in the CLI).
    pub(super) fn new(components: Vec<PlannedComponent>, target: ProgressDrawTarget) -> Self {
        let multi = MultiProgress::with_draw_target(target);
        let width = components.iter().map(|c| c.name.len()).max().unwrap_or(0);
        let style = ProgressStyle::with_template(&format!(
            "{{spinner:.green}} {{prefix:<{width}.bold}} [{{bar:30.cyan/blue}}] {{pos:>3}}/{{len:3}} {{wide_msg}}"
        ))
        .expect("the template is valid")
        .progress_chars("=> ");
        let components = components
            .into_iter()
            .map(|planned| {
                let len = planned.packages.as_ref().map_or(0, HashSet::len) as u64;
                let bar = multi.add(ProgressBar::new(len.max(1)));
                bar.set_style(style.clone());
                bar.set_prefix(planned.name.clone());
                bar.set_message("waiting for cargo");
                bar.enable_steady_tick(Duration::from_millis(120));
                ComponentBar {
                    name: planned.name,
                    bar,
                    packages: planned.packages,
                    compiled: HashSet::new(),
                }
            })
            .collect();
        Self { multi, components }
    }

    /// Cargo finished (or found fresh) the package `package_id`, target `crate_name`.
    pub(super) fn compiled(&mut self, package_id: &str, crate_name: &str) {
        for component in &mut self.components {
            let counts = component
                .packages
                .as_ref()
                .is_none_or(|packages| packages.contains(package_id));
            if counts && component.compiled.insert(package_id.to_string()) {
                if component.packages.is_none() {
                    component
                        .bar
                        .set_length(component.compiled.len() as u64 + 1);
                }
                component.bar.set_position(component.compiled.len() as u64);
                component
                    .bar
                    .set_message(format!("compiling: {crate_name}"));
            }
        }
    }

    /// Cargo is done: every bar is full.
    pub(super) fn compiled_all(&self) {
        for component in &self.components {
            let len = component.bar.length().unwrap_or(1);
            component.bar.set_length(len);
            component.bar.set_position(len);
            component.bar.set_message("compiled");
        }
    }

    /// Component `index` moved on to `stage` (copying, precompiling).
    pub(super) fn stage(&self, index: usize, stage: &str) {
        if let Some(component) = self.components.get(index) {
            component.bar.set_message(stage.to_string());
        }
    }

    /// Component `index` is done; `summary` says what came out.
    pub(super) fn finish(&self, index: usize, summary: &str) {
        let Some(component) = self.components.get(index) else {
            return;
        };
        if self.multi.is_hidden() {
            eprintln!("built {}: {summary}", component.name);
        }
        component
            .bar
            .finish_with_message(format!("done: {summary}"));
    }

    /// Every bar stops where it is; a failed build leaves them showing how far each got.
    pub(super) fn abandon(&self) {
        for component in &self.components {
            if !component.bar.is_finished() {
                component.bar.abandon_with_message("failed");
            }
        }
    }

    /// Prints `line` above the bars, or plainly when they are hidden.
    pub(super) fn println(&self, line: &str) {
        self.printer().println(line);
    }

    /// A handle that prints above the bars from another thread (cargo's stderr reader).
    pub(super) fn printer(&self) -> Printer {
        Printer(self.multi.clone())
    }

    /// The bar's position and length for component `index`, for tests.
    #[cfg(test)]
    fn progress(&self, index: usize) -> (u64, u64) {
        let bar = &self.components[index].bar;
        (bar.position(), bar.length().unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(name: &str, packages: Option<&[&str]>) -> PlannedComponent {
        PlannedComponent {
            name: name.to_string(),
            packages: packages.map(|p| p.iter().map(|s| s.to_string()).collect()),
        }
    }

    #[test]
    fn each_bar_counts_only_its_own_packages_once() {
        let mut progress = BuildProgress::new(
            vec![
                planned("users", Some(&["sdk", "serde", "users"])),
                planned("orders", Some(&["sdk", "orders"])),
            ],
            ProgressDrawTarget::hidden(),
        );
        assert_eq!(progress.progress(0), (0, 3));
        assert_eq!(progress.progress(1), (0, 2));

        // (package id, crate) as cargo reports them; a build script and its library are two
        // artifacts of one package.
        for (package, krate) in [
            ("serde", "build_script_build"),
            ("serde", "serde"),
            ("sdk", "switchyard_sdk"),
            ("unrelated", "unrelated"),
            ("orders", "orders"),
        ] {
            progress.compiled(package, krate);
        }
        assert_eq!(progress.progress(0), (2, 3), "serde and sdk, not orders");
        assert_eq!(progress.progress(1), (2, 2), "sdk and orders");

        progress.compiled_all();
        assert_eq!(progress.progress(0), (3, 3));
    }

    #[test]
    fn a_component_of_unknown_crate_counts_every_package() {
        let mut progress =
            BuildProgress::new(vec![planned("mystery", None)], ProgressDrawTarget::hidden());
        progress.compiled("a", "a");
        progress.compiled("b", "b");
        progress.compiled("b", "b");
        let (position, length) = progress.progress(0);
        assert_eq!(position, 2);
        assert!(length > position, "never full before cargo is done");
        progress.compiled_all();
        let (position, length) = progress.progress(0);
        assert_eq!(position, length);
    }
}
