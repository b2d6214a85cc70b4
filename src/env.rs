//! The environment layer (layer 4): `KVBM_*` variables, mapped through [`crate::schema::FIELDS`].
//!
//! The loader is handed one snapshot of the environment and scans it exactly once; nothing
//! here reads the process environment, so tests inject whatever variables they need.
//! Values are parsed by the type of the setting they map to, so an unparsable value is an
//! error that names the variable itself (`env KVBM_TOKIO_WORKER_THREADS`).

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;

use figment::value::{Dict, Value};

use crate::error::{Problem, ProblemKind, Warning};
use crate::schema::{self, CONFIG_PATH_ENV, ENV_PREFIX};
use crate::source::Source;

/// What the `KVBM_*` variables of one environment snapshot set.
#[derive(Debug, Default)]
pub(crate) struct EnvLayer {
    /// The settings, nested like a file (`{"tokio": {"worker_threads": 4}}`).
    pub dict: Dict,
    /// For each dotted key set, the variable that set it.
    pub vars: HashMap<&'static str, String>,
    /// The value of `KVBM_CONFIG_PATH`, if set and not empty.
    pub config_path: Option<PathBuf>,
    /// What the deprecated `DYN_KVBM_*` variables of the same snapshot set.
    pub v1: crate::v1::V1Layer,
}

impl EnvLayer {
    /// Scans `vars` once, keeping `KVBM_*` and the deprecated `DYN_KVBM_*` variables; other
    /// variables are not even decoded.
    pub(crate) fn scan(
        vars: &[(OsString, OsString)],
        problems: &mut Vec<Problem>,
        warnings: &mut Vec<Warning>,
    ) -> EnvLayer {
        let mut layer = EnvLayer::default();
        let mut v1_vars = Vec::new();
        for (name, raw) in vars {
            let Some(name) = name.to_str() else {
                continue;
            };
            let is_v1 = name.starts_with(crate::v1::V1_PREFIX);
            if !is_v1 && !name.starts_with(ENV_PREFIX) {
                continue;
            }
            let source = Source::Env {
                var: name.to_string(),
            };
            let Some(value) = raw.to_str() else {
                let lossy = raw.to_string_lossy().into_owned();
                problems.push(
                    Problem::new(
                        ProblemKind::InvalidValue,
                        name,
                        source,
                        "value is not valid UTF-8",
                    )
                    .with_value(format!("{:?}", crate::secret::redact_urls(&lossy))),
                );
                continue;
            };
            if value.trim().is_empty() {
                warnings.push(Warning {
                    key: name.to_string(),
                    source,
                    message: "is set but empty, so it is ignored".into(),
                });
                continue;
            }
            if is_v1 {
                v1_vars.push((name, value));
                continue;
            }
            if name == CONFIG_PATH_ENV {
                layer.config_path = Some(PathBuf::from(value));
                continue;
            }
            let Some(spec) = schema::field_for_env(name) else {
                warnings.push(unknown_variable(name, source));
                continue;
            };
            match schema::parse_env_value(spec.kind, value) {
                Ok(parsed) => layer.insert(spec.key, parsed, name),
                Err(message) => problems.push(bad_value(spec.key, name, value, message)),
            }
        }
        layer.v1 = crate::v1::V1Layer::build(&v1_vars, &layer.vars, problems, warnings);
        layer
    }

    fn insert(&mut self, key: &'static str, value: Value, var: &str) {
        insert_at(&mut self.dict, key, value);
        self.vars.insert(key, var.to_string());
    }
}

/// Inserts `value` at the dotted `key`, creating the tables on the way.
pub(crate) fn insert_at(dict: &mut Dict, key: &str, value: Value) {
    let mut parts = key.split('.').peekable();
    let mut table = dict;
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            table.insert(part.to_string(), value);
            return;
        }
        let slot = table
            .entry(part.to_string())
            .or_insert_with(|| Value::from(Dict::new()));
        if !matches!(slot, Value::Dict(..)) {
            *slot = Value::from(Dict::new());
        }
        let Value::Dict(_, inner) = slot else {
            unreachable!("made a table just above")
        };
        table = inner;
    }
}

/// An environment value that does not parse as its setting's type: the problem names the
/// variable and shows the value, credentials redacted.
pub(crate) fn bad_value(key: &str, var: &str, value: &str, message: String) -> Problem {
    let source = Source::Env {
        var: var.to_string(),
    };
    Problem::new(ProblemKind::InvalidValue, key, source, message)
        .with_value(format!("{:?}", crate::secret::redact_urls(value)))
}

fn unknown_variable(name: &str, source: Source) -> Warning {
    let message = match schema::closest_env(name) {
        Some(near) => format!("is not a KVBM setting, so it is ignored; did you mean `{near}`?"),
        None => "is not a KVBM setting, so it is ignored".to_string(),
    };
    Warning {
        key: name.to_string(),
        source,
        message,
    }
}
