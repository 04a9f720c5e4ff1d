//! `switchyard routes`: the route table, in matching order, then what each component may use.

use super::BundleArg;
use crate::bundle::Bundle;

/// Print a bundle's route table in matching order: method, rule, component and options;
/// then each component's grants (environment names, read-only directories, outbound hosts)
/// and limits. A component with no grants can use nothing outside its own memory.
///
/// Example:
///   switchyard routes --bundle target/bundles/todos
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct RoutesCommand {
    #[command(flatten)]
    bundle: BundleArg,
}

impl RoutesCommand {
    pub(super) fn execute(self) -> anyhow::Result<()> {
        let pipeline = Bundle::open(&self.bundle.bundle)?.load()?;
        let components = pipeline.runtime().components();
        println!("{:<8} {:<40} {:<20} OPTIONS", "METHOD", "RULE", "COMPONENT");
        for route in pipeline.routes() {
            let target = &route.value;
            let mut options = Vec::new();
            match target.cors {
                Some(false) => options.push("cors=off".to_string()),
                Some(true) => options.push("cors=on".to_string()),
                None => {}
            }
            if target.compress {
                options.push("compress".into());
            }
            if let Some(cc) = &target.cache_control {
                options.push(format!("cache-control={cc}"));
            }
            if !target.middlewares.is_empty() {
                let names: Vec<_> = target
                    .middlewares
                    .iter()
                    .filter_map(|&m| {
                        components[target.component]
                            .manifest
                            .middleware_names
                            .get(m as usize)
                    })
                    .cloned()
                    .collect();
                options.push(format!("middlewares={}", names.join(",")));
            }
            println!(
                "{:<8} {:<40} {:<20} {}",
                route.method,
                route.rule,
                components[target.component].name,
                options.join(" ")
            );
        }
        let settings = pipeline.runtime().settings();
        println!();
        println!("{:<20} {:<28} GRANTS", "COMPONENT", "LIMITS");
        for component in components {
            let memory = component
                .sandbox
                .memory_limit
                .unwrap_or(settings.memory_limit);
            let limits = format!(
                "memory={}MiB timeout={}ms",
                memory >> 20,
                component.timeout(settings).as_millis()
            );
            let grants = component.sandbox.describe();
            let grants = match grants.is_empty() {
                true => "none".to_string(),
                false => grants.join(" "),
            };
            println!("{:<20} {limits:<28} {grants}", component.name);
        }
        Ok(())
    }
}
