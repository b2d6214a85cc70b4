//! Migration: the Dynamo KVBM v1 `DYN_KVBM_*` variables, honoured with deprecation warnings.
//!
//! Existing deployments set `DYN_KVBM_CPU_CACHE_GB` and friends. They keep working as a
//! layer of their own, just above the defaults, as upstream's own v1 layer sits:
//!
//! ```text
//! defaults < DYN_KVBM_* < system file < user file < KVBM_* < JSON
//! ```
//!
//! So a TOML file written for v2 beats what a pod's v1 variables still say. Each v1
//! variable in use gives a warning naming its replacement; when the `KVBM_*` replacement is
//! set too, the warning says the v1 variable was ignored. A variable KVBM v1 read for
//! something this config does not hold gets a warning that it has no effect. [`V1_VARS`] is
//! the single table of the mapping; the README's migration table is rendered from it.

use figment::value::{Dict, Value};

use super::env::{bad_value, parse_bool, parse_env_value, EnvSlice};
use super::merge::Assembly;
use crate::error::{Problem, Warning};
use crate::nixl::NixlBackend;
use crate::registry::{self, Kind};

pub use super::v1_table::{lookup, V1Meaning, V1Var, PER_WORKER_NOTE, V1_VARS};
use super::v1_table::{NIXL_BACKEND_PREFIX, OBJECT_ENABLED, OBJECT_ENDPOINT};

/// The key `DYN_KVBM_OBJECT_ENABLED` switches.
const OBJECT_TYPE: &str = crate::key::object::client::TYPE;
use crate::source::Source;

/// What the v1 variables of one environment snapshot set.
#[derive(Debug, Default)]
pub(crate) struct V1Layer {
    slice: EnvSlice,
}

impl V1Layer {
    /// Maps the v1 variables `vars`; `v2` holds what the `KVBM_*` variables set (and by
    /// which variable), which wins.
    pub(crate) fn build(
        vars: &[(String, String)],
        v2: &EnvSlice,
        problems: &mut Vec<Problem>,
        warnings: &mut Vec<Warning>,
    ) -> V1Layer {
        let mut layer = V1Layer::default();
        let mut backends: Option<Dict> = None;
        let mut object: Vec<(&V1Var, &str, &str)> = Vec::new();
        for (name, value) in vars {
            let (name, value) = (name.as_str(), value.as_str());
            // Other DYN_KVBM_* variables belong to other Dynamo components: not ours to judge.
            let Some(setting) = lookup(name) else {
                continue;
            };
            let key = match setting.meaning {
                V1Meaning::Sets(key) | V1Meaning::SwitchesOn { key, .. } => key,
                V1Meaning::NoEffect => {
                    warnings.push(advice(name, setting));
                    continue;
                }
            };
            if let Some(v2_var) = v2.var_of(key) {
                warnings.push(ignored(name, v2_var));
                continue;
            }
            warnings.push(advice(name, setting));
            if let V1Meaning::SwitchesOn { key, value: on } = setting.meaning {
                match parse_bool(value) {
                    Ok(true) => layer.set_parsed(key, name, on, problems),
                    Ok(false) => {}
                    Err(message) => problems.push(bad_value(key, name, value, message)),
                }
            } else if let Some(backend) = name.strip_prefix(NIXL_BACKEND_PREFIX) {
                match parse_bool(value) {
                    Ok(on) => {
                        let set = backends.get_or_insert_with(Dict::new);
                        if on {
                            set.insert(
                                NixlBackend::normalize_name(backend),
                                crate::registry::value::table_value(Dict::new()),
                            );
                        }
                    }
                    Err(message) => problems.push(bad_value(key, name, value, message)),
                }
            } else if key.starts_with("object.") {
                object.push((setting, name, value));
            } else {
                layer.set_parsed(key, name, value, problems);
            }
        }
        if let Some(set) = backends {
            let var = vars
                .iter()
                .find(|(n, _)| n.starts_with(NIXL_BACKEND_PREFIX))
                .map_or("", |(n, _)| n.as_str());
            layer.set(
                crate::key::nixl::BACKENDS,
                crate::registry::value::table_value(set),
                var,
            );
        }
        layer.map_object(&object, problems, warnings);
        layer
    }

    /// Merges the v1 settings on top of `assembly`, each naming its v1 variable.
    pub(crate) fn merge_into(self, assembly: &mut Assembly) {
        self.slice.merge_into(assembly);
    }

    fn set(&mut self, key: &'static str, value: Value, var: &str) {
        self.slice.set(key, value, var);
    }

    fn set_parsed(
        &mut self,
        key: &'static str,
        var: &str,
        value: &str,
        problems: &mut Vec<Problem>,
    ) {
        let kind = registry::setting(key).map_or(Kind::Text, |f| f.kind);
        match parse_env_value(kind, value) {
            Ok(parsed) => self.set(key, parsed, var),
            Err(message) => problems.push(bad_value(key, var, value, message)),
        }
    }

    /// `DYN_KVBM_OBJECT_ENABLED=true` makes an `s3` client of the other object variables;
    /// `false` turns G4 off; without it, the others did nothing in v1 and do nothing here.
    fn map_object(
        &mut self,
        object: &[(&V1Var, &str, &str)],
        problems: &mut Vec<Problem>,
        warnings: &mut Vec<Warning>,
    ) {
        let enabled = object
            .iter()
            .find(|(setting, _, _)| setting.var == OBJECT_ENABLED);
        let enabled = match enabled.map(|&(setting, var, value)| (setting, var, parse_bool(value)))
        {
            None => None,
            Some((_, var, Ok(on))) => Some((var, on)),
            Some((_, var, Err(message))) => {
                let value = object
                    .iter()
                    .find(|(_, n, _)| *n == var)
                    .map_or("", |(_, _, v)| v);
                problems.push(bad_value(OBJECT_TYPE, var, value, message));
                return;
            }
        };
        let fields = object
            .iter()
            .filter(|(setting, _, _)| setting.var != OBJECT_ENABLED);
        match enabled {
            Some((var, true)) => {
                // v1's object store is S3.
                let s3 = crate::object::ObjectClientConfig::S3(Default::default());
                self.set(OBJECT_TYPE, Value::from(s3.type_name()), var);
                for &(setting, name, value) in fields {
                    let V1Meaning::Sets(key) = setting.meaning else {
                        continue;
                    };
                    self.set_parsed(key, name, value, problems);
                    if setting.var == OBJECT_ENDPOINT {
                        self.set(
                            crate::key::object::client::FORCE_PATH_STYLE,
                            Value::from(true),
                            name,
                        );
                    }
                }
            }
            Some((var, false)) => {
                self.set(
                    crate::key::object::TABLE,
                    Value::Empty(Default::default(), figment::value::Empty::None),
                    var,
                );
                for &(_, name, _) in fields {
                    warnings.push(without_object(name, "DYN_KVBM_OBJECT_ENABLED=false"));
                }
            }
            None => {
                for &(_, name, _) in fields {
                    warnings.push(without_object(
                        name,
                        "DYN_KVBM_OBJECT_ENABLED is not set to true",
                    ));
                }
            }
        }
    }
}

/// The warning for a v1 variable in use: its replacement, or that it has no effect.
fn advice(var: &str, setting: &V1Var) -> Warning {
    Warning {
        key: var.to_string(),
        source: Source::Env {
            var: var.to_string(),
        },
        message: setting.advice(),
    }
}

fn ignored(var: &str, v2_var: &str) -> Warning {
    Warning {
        key: var.to_string(),
        source: Source::Env {
            var: var.to_string(),
        },
        message: format!(
            "is deprecated (KVBM v1) and ignored: `{v2_var}` is set too and wins; remove `{var}`"
        ),
    }
}

fn without_object(var: &str, why: &str) -> Warning {
    Warning {
        key: var.to_string(),
        source: Source::Env {
            var: var.to_string(),
        },
        message: format!("is ignored because {why}, as in KVBM v1"),
    }
}

/// The Markdown table of the v1 variables (the README's migration table).
pub fn migration_table() -> String {
    let mut out = String::from("| v1 variable | Sets | Use instead | Note |\n|-------------|------|-------------|------|\n");
    for v in V1_VARS {
        let sets = match v.meaning {
            V1Meaning::Sets(key) => format!("`{key}`"),
            V1Meaning::SwitchesOn { key, value } => format!("`{key}` to `{value}` when `true`"),
            V1Meaning::NoEffect => "nothing".to_string(),
        };
        let instead = v
            .replacement()
            .map_or("-".to_string(), |r| format!("`{r}`"));
        let note = if v.note.is_empty() { "-" } else { v.note };
        out.push_str(&format!("| `{}` | {sets} | {instead} | {note} |\n", v.var));
    }
    out
}
