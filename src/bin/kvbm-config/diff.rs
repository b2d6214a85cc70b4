//! `diff`: the settings that differ between two `show --format json` outputs.

use crate::*;

/// `diff LEFT RIGHT`: the settings whose values differ between two effective configs
/// written by `show --format json` (role by role for `--role all` output); exit 1 when one
/// that must agree differs, 2 when an input is not `show`'s.
pub(crate) fn diff(left: &str, right: &str, ui: &Ui) -> Result<ExitCode, Usage> {
    use kvbm_config::agreement::{differences, EffectiveConfig};
    let read = |name: &str| -> Result<EffectiveConfig, Usage> {
        let read = match name {
            "-" => EffectiveConfig::from_reader(std::io::stdin().lock()),
            path => EffectiveConfig::from_file(Path::new(path)),
        };
        read.map_err(|e| {
            format!(
                "cannot compare {}: {e}",
                kvbm_config::secret::escape_terminal(name)
            )
        })
    };
    let found = differences(&read(left)?, &read(right)?)?;
    let mut must_agree = 0;
    for difference in &found {
        let mark = match difference.setting.agree {
            true => {
                must_agree += 1;
                ui.error_out("must agree")
            }
            false => "differs".to_string(),
        };
        let side = |i: usize| {
            let value = difference.values[i]
                .clone()
                .unwrap_or_else(|| "unset".into());
            match &difference.origins[i] {
                Some(origin) => format!("{value} ({origin})"),
                None => value,
            }
        };
        let role = difference
            .role
            .map_or_else(String::new, |role| format!("[{role}] "));
        outln!(
            "{role}{mark}: {}: {} | {}",
            difference.setting.key,
            side(0),
            side(1)
        );
    }
    outln!(
        "{} setting(s) differ, {must_agree} of them must agree",
        found.len()
    );
    Ok(if must_agree > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
