//! `preflight`: the config against a host before launch (and `--network`).

use crate::*;

/// How `preflight` runs, beyond the sizes.
pub(crate) struct PreflightChecks<'a> {
    pub(crate) host_file: Option<&'a Path>,
    /// `--network`, with its timeout.
    pub(crate) network: Option<std::time::Duration>,
    pub(crate) format: PreflightFormat,
    pub(crate) strict: bool,
}

pub(crate) fn preflight(
    sources: &Sources,
    options: kvbm_config::preflight::Options,
    checks: PreflightChecks<'_>,
    ui: &Ui,
) -> Result<ExitCode, Usage> {
    let PreflightChecks {
        host_file,
        network,
        format,
        strict,
    } = checks;
    use kvbm_config::preflight::{self, Finding, Host, Severity};
    let mut host = match host_file {
        Some(path) => Host::from_file(path).map_err(|e| {
            format!(
                "cannot read the host facts in --host {}: {e}",
                path.display()
            )
        })?,
        None => Host::probe(),
    };
    // Every process is counted: without `--role`, the node runs the leader and the workers
    // (as `--role all`), so a `worker` profile is never left out. Every role is loaded
    // first: one node runs them together.
    let role = sources.role.unwrap_or(RoleArg::All);
    let roles = roles_of(Some(role));
    let mut loaded = Vec::new();
    let mut findings: Vec<Finding> = Vec::new();
    for (role, loader) in sources.loaders_for(roles)? {
        match loader.load() {
            Ok(config) => loaded.push((role, config)),
            Err(error) => {
                if format == PreflightFormat::Text {
                    print_problems(role, &error, ui);
                }
                findings.extend(
                    error
                        .problems()
                        .iter()
                        .map(|p| Finding::from_problem(p, role)),
                );
                // The load's warnings of an invalid config are kept too: a machine reading
                // the JSON sees everything `check` prints.
                findings.extend(
                    error
                        .warnings()
                        .iter()
                        .map(|w| Finding::from_warning(w, role)),
                );
            }
        }
    }
    let invalid = findings.iter().any(|f| f.severity == Severity::Error);
    if !invalid {
        let roles: Vec<(Option<Role>, &Loaded)> = loaded
            .iter()
            .map(|(role, loaded)| (*role, loaded))
            .collect();
        findings = preflight::run_roles(&roles, &mut host, options);
        if let Some(timeout) = network {
            // Every role's targets, each asked once, all within one deadline.
            let configs: Vec<&Loaded> = loaded.iter().map(|(_, loaded)| loaded).collect();
            findings.extend(preflight::reach_all(&configs, timeout));
            findings.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.key.cmp(&b.key)));
        }
    }
    let digests: Vec<(Option<Role>, String)> = loaded
        .iter()
        .map(|(role, loaded)| (*role, loaded.config.agreement_digest()))
        .collect();
    let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let unchecked = findings.iter().filter(|f| f.is_unchecked()).count();
    let failed = invalid || errors > 0 || (strict && warnings + unchecked > 0);
    if format == PreflightFormat::Json {
        // One digest when every process agrees (else `null`), and each role's.
        let agreed = digests
            .windows(2)
            .all(|pair| pair[0].1 == pair[1].1)
            .then(|| digests.first().map(|(_, d)| d.clone()))
            .flatten();
        let by_role: serde_json::Map<String, serde_json::Value> = digests
            .iter()
            .map(|(role, digest)| {
                (
                    role.map_or("config".into(), |r| r.to_string()),
                    digest.clone().into(),
                )
            })
            .collect();
        let out = serde_json::json!({
            "findings": findings,
            "host": host,
            "agreement_digest": agreed,
            "agreement_digests": by_role,
        });
        outln!("{}", kvbm_config::secret::json_text(&out));
    } else if !invalid {
        for finding in &findings {
            let label = finding.severity.to_string();
            let painted = match finding.severity {
                Severity::Error => ui.error_out(&label),
                Severity::Warning => ui.warning_out(&label),
                Severity::Info => label.clone(),
            };
            let line = finding.to_string();
            outln!("{painted}{}", &line[label.len()..]);
        }
        let node = match role {
            RoleArg::All => format!("1 leader and {} worker(s)", options.workers),
            RoleArg::Leader => "the leader".to_string(),
            RoleArg::Worker => format!("{} worker(s)", options.workers),
        };
        let unchecked_text = match unchecked {
            0 => String::new(),
            n => format!(", {n} not checked"),
        };
        outln!(
            "preflight of {node}: {errors} error(s), {warnings} warning(s){unchecked_text}{}",
            if strict && warnings + unchecked > 0 {
                " (--strict fails on warnings and on what could not be checked)"
            } else {
                ""
            }
        );
        match &digests[..] {
            [(_, leader), (_, worker)] if leader != worker => {
                outln!("agreement digest: {leader} (leader), {worker} (worker): they differ")
            }
            [(_, digest), ..] => outln!("agreement digest: {digest}"),
            [] => {}
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
