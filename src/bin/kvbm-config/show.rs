//! `show`: the effective config as TOML or JSON, with `--origin` the source of each value.

use crate::*;

pub(crate) fn show(
    sources: &Sources,
    format: Format,
    origin: bool,
    ui: &Ui,
) -> Result<ExitCode, Usage> {
    let loaders = sources.loaders()?;
    let several = loaders.len() > 1;
    let mut json_out = serde_json::Map::new();
    for (role, loader) in loaders {
        let loaded = match loader.load() {
            Ok(loaded) => loaded,
            Err(error) => {
                print_problems(role, &error, ui);
                return Ok(ExitCode::from(1));
            }
        };
        print_warnings(&loaded, ui);
        let value = match (format, origin) {
            (Format::Json, false) => kvbm_config::secret::redacted(&loaded.config),
            (Format::Json, true) => origins_json(&loaded),
            (Format::Toml, _) => {
                if several {
                    outln!(
                        "{}",
                        ui.heading(&format!("# ===== {} =====", role_name(role)))
                    );
                }
                let digest = loaded.config.agreement_digest();
                outln!("{}", ui.dim(&format!("# agreement digest: {digest}")));
                if origin {
                    out!("{}", loaded.show_origin_styled(|comment| ui.dim(comment)));
                } else {
                    let redacted = kvbm_config::secret::redacted(&loaded.config);
                    out!("{}", kvbm_config::secret::toml_text(&redacted));
                }
                continue;
            }
        };
        match role {
            Some(role) if several => {
                json_out.insert(role.to_string(), value);
            }
            _ => outln!("{}", kvbm_config::secret::json_text(&value)),
        }
    }
    if several && format == Format::Json {
        outln!(
            "{}",
            kvbm_config::secret::json_text(&serde_json::Value::Object(json_out))
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `--format json --origin`: every setting with its value (as JSON, credentials redacted)
/// and source, sorted by key.
pub(crate) fn origins_json(loaded: &Loaded) -> serde_json::Value {
    let redacted = kvbm_config::secret::redacted(&loaded.config);
    let entries: Vec<serde_json::Value> = loaded
        .entries()
        .into_iter()
        .map(|entry| {
            let pointer = format!("/{}", entry.key.replace('.', "/"));
            serde_json::json!({
                "key": entry.key,
                "value": redacted.pointer(&pointer).cloned().unwrap_or_default(),
                "origin": entry.source.to_string(),
            })
        })
        .collect();
    serde_json::Value::from(entries)
}
