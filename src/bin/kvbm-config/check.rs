//! `check` (is the config valid, do the roles agree) and `digest`.

use crate::*;

pub(crate) fn check(sources: &Sources, strict: bool, ui: &Ui) -> Result<ExitCode, Usage> {
    let mut failed = false;
    let mut loaded_roles = Vec::new();
    // A warning every role's load gives (an unknown variable) is printed once.
    let mut warnings: Vec<kvbm_config::Warning> = Vec::new();
    for (role, loader) in sources.loaders()? {
        match loader.strict(strict).load() {
            Ok(loaded) => {
                for warning in loaded.report.warnings() {
                    if !warnings.contains(warning) {
                        errln!("{} {warning}", ui.warning("warning:"));
                        warnings.push(warning.clone());
                    }
                }
                loaded_roles.push(loaded);
            }
            Err(error) => {
                print_problems(role, &error, ui);
                failed = true;
            }
        }
    }
    // `--role all`: the leader and the workers must agree on what they share.
    if let [leader, worker] = &loaded_roles[..] {
        let disagreements = kvbm_config::agreement::disagreements(leader, worker);
        if !disagreements.is_empty() {
            errln!(
                "{} the leader and worker configs disagree on what every process must share:",
                ui.error("error:")
            );
            for disagreement in &disagreements {
                errln!("  {disagreement}");
            }
            failed = true;
        }
    }
    // One verdict for the whole command, after every role's details.
    if failed {
        return Ok(ExitCode::from(1));
    }
    let what = match sources.role {
        Some(RoleArg::All) => "the leader and worker configs are valid and agree".to_string(),
        role => format!("the {} is valid", role_name(roles_of(role)[0])),
    };
    let note = match warnings.len() {
        0 => String::new(),
        1 => " (1 warning)".to_string(),
        n => format!(" ({n} warnings)"),
    };
    outln!("ok: {what}{note}");
    Ok(ExitCode::SUCCESS)
}

/// `digest`: the agreement digest of each role's config, one a line.
pub(crate) fn digest(sources: &Sources, ui: &Ui) -> Result<ExitCode, Usage> {
    let loaders = sources.loaders()?;
    let several = loaders.len() > 1;
    let mut failed = false;
    for (role, loader) in loaders {
        match loader.load() {
            Ok(loaded) if several => {
                outln!("{}: {}", role_name(role), loaded.config.agreement_digest())
            }
            Ok(loaded) => outln!("{}", loaded.config.agreement_digest()),
            Err(error) => {
                print_problems(role, &error, ui);
                failed = true;
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
