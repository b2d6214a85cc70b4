//! Sections of other crates: tables a dependent crate keeps in the same files, JSON and
//! figment as KVBM's, declared so that KVBM leaves them alone.
//!
//! Upstream's releases let "dependent libraries extract their own config from the same
//! Figment": a crate built on KVBM adds a `[metrics]` table beside `[tokio]` and extracts
//! it with `figment.extract_inner("metrics")`. Here every unknown key is an error (a typo
//! must never pass), so such a section is *declared*: [`crate::Loader::foreign_section`]
//! for a load, or the [`ForeignSections`] provider merged into a caller-built figment.
//! A declared section is taken out of every source before the sources are checked (the
//! plain tables and the `default` / `leader` / `worker` tables alike), its `KVBM_<NAME>_*`
//! variables are not reported as unknown, and [`crate::Loader::figment`] hands it on to
//! the crate that owns it. Every other unknown key stays an error with its did-you-mean.

use figment::value::{Dict, Map, Value};
use figment::{Metadata, Provider};

use super::merge::merge_dicts;
use crate::error::{Problem, ProblemKind};
use crate::registry;
use crate::source::{Profile, Role, Source};

/// Key under which [`ForeignSections`] stores the declared names in a figment: a table of
/// `name = true`, since figment joins tables on merge (where it would replace a list), so
/// declarations from several providers add up.
pub(crate) const FOREIGN_KEY: &str = "__kvbm_config_foreign_sections";

/// The provider name of a [`ForeignSections`] declaration, the source of its problems.
pub(crate) const DECLARED_NAME: &str = "foreign sections (declared)";

/// Declares top-level sections of a figment as another crate's: merged into a figment,
/// it makes [`crate::KvbmConfig::extract_from`] leave those sections alone.
///
/// # Examples
///
/// ```
/// use figment::providers::{Format, Toml};
/// use figment::Figment;
/// use kvbm_config::{ForeignSections, KvbmConfig};
///
/// let figment = Figment::new()
///     .merge(ForeignSections::new(["metrics"]))
///     .merge(Toml::string("[tokio]\nworker_threads = 2\n[metrics]\nport = 9090"));
/// let config = KvbmConfig::extract_from(&figment)?;
/// let port: u16 = figment.extract_inner("metrics.port").unwrap();
/// assert_eq!((config.tokio.worker_threads, port), (2, 9090));
/// # Ok::<(), kvbm_config::ConfigError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForeignSections(Vec<String>);

impl ForeignSections {
    /// The sections named `names` (top-level table names, as written in a file).
    pub fn new<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ForeignSections(names.into_iter().map(Into::into).collect())
    }

    /// The declared names.
    pub fn names(&self) -> &[String] {
        &self.0
    }
}

impl Provider for ForeignSections {
    fn metadata(&self) -> Metadata {
        Metadata::named(DECLARED_NAME)
    }

    fn data(&self) -> Result<Map<figment::Profile, Dict>, figment::Error> {
        let names: Dict = self
            .0
            .iter()
            .map(|name| (name.clone(), Value::from(true)))
            .collect();
        let dict = Dict::from([(FOREIGN_KEY.to_string(), Value::from(names))]);
        Ok(Map::from([(figment::Profile::Default, dict)]))
    }
}

/// The names declared by a [`ForeignSections`] marker found in a figment's document, and
/// the marker removed from it.
pub(crate) fn take_marker(doc: &mut Dict) -> Vec<String> {
    match doc.remove(FOREIGN_KEY) {
        Some(Value::Dict(_, names)) => names.into_keys().collect(),
        _ => Vec::new(),
    }
}

/// A problem for each declared name that cannot be foreign: a KVBM section (or its
/// released name), a profile table or a dotted path. Declaring `tokio` foreign would
/// silently drop the runtime's settings.
pub(crate) fn check_names(names: &[String], source: &Source) -> Vec<Problem> {
    names
        .iter()
        .filter_map(|name| {
            let reason = if registry::registry()
                .node(&registry::canonical_key(name))
                .is_some()
            {
                "is a KVBM section, so it cannot be another crate's"
            } else if Profile::from_name(name).is_some() {
                "is a profile table, so it cannot be another crate's section"
            } else if name.is_empty() || name.contains('.') || name.starts_with("__") {
                "is not a section name (one top-level table name, e.g. `metrics`)"
            } else {
                return None;
            };
            Some(Problem::new(
                ProblemKind::InvalidValue,
                name.as_str(),
                source.clone(),
                format!("declared as a foreign section, but {reason}"),
            ))
        })
        .collect()
}

/// Takes the foreign sections out of one source's document, from its plain tables and its
/// profile tables, and returns them as `role` sees them (plain, then `default`, then the
/// role's table, merged), for the figment handed to their owners.
pub(crate) fn take(doc: &mut Dict, names: &[String], role: Option<Role>) -> Dict {
    let mut taken = Dict::new();
    if names.is_empty() {
        return taken;
    }
    take_from(doc, names, &mut taken);
    for profile in [Profile::Default, Profile::Leader, Profile::Worker] {
        let Some(Value::Dict(_, table)) = doc.get_mut(profile.name()) else {
            continue;
        };
        let mut from_profile = Dict::new();
        take_from(table, names, &mut from_profile);
        if Profile::applies(Some(profile), role) {
            merge_dicts(&mut taken, from_profile);
        }
    }
    taken
}

fn take_from(table: &mut Dict, names: &[String], into: &mut Dict) {
    for name in names {
        if let Some(value) = table.remove(name) {
            merge_dicts(into, Dict::from([(name.clone(), value)]));
        }
    }
}

/// The key a `KVBM_<NAME>_<FIELD>` variable gives in a foreign section `<name>`
/// (`KVBM_METRICS_PORT` is `metrics.port`), read as upstream's releases read a section's
/// variables: the rest of the name in lower case.
pub(crate) fn env_key(var: &str, names: &[String]) -> Option<String> {
    let rest = var.strip_prefix(registry::ENV_PREFIX)?;
    names.iter().find_map(|name| {
        let field = rest
            .strip_prefix(name.to_ascii_uppercase().as_str())?
            .strip_prefix('_')
            .filter(|field| !field.is_empty())?;
        Some(format!("{name}.{}", field.to_ascii_lowercase()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_variable_names_its_field() {
        let names = ["metrics".to_string()];
        assert_eq!(
            env_key("KVBM_METRICS_PORT", &names).as_deref(),
            Some("metrics.port")
        );
        assert_eq!(env_key("KVBM_METRICS_", &names), None);
        assert_eq!(env_key("KVBM_METRICSX", &names), None);
        assert_eq!(env_key("KVBM_TOKIO_WORKER_THREADS", &names), None);
    }
}
