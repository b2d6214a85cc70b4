//! `explain`: what a setting is, and its value and origin in each role.

use crate::*;

pub(crate) fn explain(sources: &Sources, key: &str, ui: &Ui) -> Result<ExitCode, Usage> {
    let setting = registry::lookup(key)?;
    print_spec(setting, ui);
    for (role, loader) in sources.loaders()? {
        let label = match role {
            Some(role) => format!("value ({role})"),
            None => "value".to_string(),
        };
        match loader.load() {
            Ok(loaded) => match loaded.entries().into_iter().find(|e| e.key == setting.key) {
                Some(entry) => {
                    let value = entry.value.unwrap_or_else(|| "(unset)".into());
                    outln!(
                        "  {:<17}{value}    {}",
                        format!("{label}:"),
                        ui.dim(&format!("# {}", entry.source))
                    );
                }
                None => outln!(
                    "  {:<17}(does not apply to the configured variant)",
                    format!("{label}:")
                ),
            },
            Err(error) => outln!(
                "  {:<17}(the config does not load: {} problems; see `kvbm-config check`)",
                format!("{label}:"),
                error.problems().len()
            ),
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn print_spec(setting: &Setting, ui: &Ui) {
    let text = setting.explain();
    let (heading, rest) = text.split_once('\n').unwrap_or((&text, ""));
    outln!("{}", ui.heading(heading));
    out!("{rest}");
}
