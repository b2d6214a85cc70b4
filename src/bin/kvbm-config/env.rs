//! `env`: every variable the loader reads, with its setting, default and current value.

use crate::*;

pub(crate) fn env_table(sources: &Sources, ui: &Ui) -> Result<ExitCode, Usage> {
    // A value that is not UTF-8 is never echoed, not even lossily: it is named as such.
    let env: Vec<(String, Option<String>)> = sources
        .environment()
        .into_iter()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok())))
        .collect();
    let current = |var: &str| {
        env.iter()
            .find(|(k, _)| k == var)
            .map(|(_, v)| v.as_deref().ok_or(()))
    };
    let rows: Vec<[String; 4]> = std::iter::once(registry::CONFIG_PATH_ENV)
        .map(|var| {
            [
                var.to_string(),
                "(user config file)".to_string(),
                "-".to_string(),
                shown(var, current(var)),
            ]
        })
        .chain(registry::settings().iter().flat_map(|f| {
            // A setting's own variable, then the names upstream's releases read for it.
            let names = std::iter::once((f.env, String::new())).chain(
                f.aliases
                    .iter()
                    .map(|a| (*a, " (released name)".to_string())),
            );
            names.map(|(var, note)| {
                [
                    var.to_string(),
                    format!("{}{note}", f.key),
                    f.default_text(),
                    shown(f.key, current(var)),
                ]
            })
        }))
        .collect();
    let widths: Vec<usize> = (0..3)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    outln!(
        "{}",
        ui.heading(&format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  CURRENT",
            "VARIABLE",
            "KEY",
            "DEFAULT",
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        ))
    );
    for row in &rows {
        outln!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
    }
    // The unknown variables are the loader's own warnings, so the two cannot disagree.
    let loader = Loader::new().env(sources.environment());
    let mut strays: Vec<String> = loader
        .unknown_variables()
        .into_iter()
        .map(|warning| {
            let key = kvbm_config::secret::escape_terminal(&warning.key);
            format!("{key} {}", warning.message)
        })
        .collect();
    strays.sort();
    for stray in strays {
        outln!("{} {stray}", ui.warning("unknown:"));
    }
    let mut v1: Vec<(&str, &kvbm_config::v1::V1Var)> = env
        .iter()
        .filter_map(|(var, _)| Some((var.as_str(), kvbm_config::v1::lookup(var)?)))
        .collect();
    v1.sort_by_key(|(var, _)| *var);
    for (var, entry) in v1 {
        let var = kvbm_config::secret::escape_terminal(var);
        outln!("{} {var} {}", ui.warning("v1:"), entry.advice());
    }
    Ok(ExitCode::SUCCESS)
}

/// A current value for the env listing: `-` when unset, credentials redacted by the rule
/// for `key`, a value that is not UTF-8 named as such and never shown.
pub(crate) fn shown(key: &str, value: Option<Result<&str, ()>>) -> String {
    match value {
        None => "-".into(),
        Some(Err(())) => "(not valid UTF-8, not shown)".into(),
        Some(Ok(value)) => Loader::shown_variable(key, value),
    }
}
