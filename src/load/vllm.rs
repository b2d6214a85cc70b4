//! The layouts in which vLLM hands over the KVBM document (layer 5).
//!
//! - `kv_connector_extra_config` itself: a flat document, or one with `default`, `leader`
//!   and `worker` tables.
//! - vLLM's whole `kv_transfer_config`, recognised by its `kv_connector_extra_config` or
//!   `kv_connector` key: the document is under `kv_connector_extra_config` (none: empty),
//!   and the other keys are vLLM's.
//! - A `MultiConnector` (which Dynamo uses to combine KVBM with NixL): its extra config has
//!   `connectors`, a list of `kv_transfer_config`-shaped entries, and the KVBM document is
//!   in the KVBM connector's entry. That entry is the one named by [`Loader::connector`]
//!   (`kv_connector`), else the one whose `kv_connector_module_path` is under `kvbm`, else
//!   the one whose `kv_connector` is a KVBM connector's name. Zero or several candidates
//!   is a problem that lists the entries.
//!
//! [`Loader::connector`]: super::Loader::connector

use figment::value::{Dict, Value};

use crate::error::{Problem, ProblemKind};
use crate::source::Source;

/// The key of vLLM's `kv_transfer_config` that holds a connector's document.
const EXTRA_CONFIG_KEY: &str = "kv_connector_extra_config";
/// The key naming the connector class.
const CONNECTOR_KEY: &str = "kv_connector";
/// The key naming the module that holds the connector class.
const MODULE_PATH_KEY: &str = "kv_connector_module_path";
/// The key of a MultiConnector's extra config that lists its connectors.
const CONNECTORS_KEY: &str = "connectors";
/// The module under which KVBM's vLLM connector lives.
const KVBM_MODULE: &str = "kvbm";
/// The names KVBM's vLLM connector is registered under.
const KVBM_CONNECTOR_NAMES: [&str; 2] = ["DynamoConnector", "KvbmConnector"];

/// The KVBM document of `doc`, and the MultiConnector entry it came from, if any.
pub(crate) struct Selected {
    pub dict: Dict,
    pub connector: Option<String>,
}

/// The KVBM document in `doc`, whatever the layout; `connector` names the MultiConnector
/// entry to take, if the caller knows it. A problem's source is the document's (the
/// caller sets it).
pub(crate) fn kvbm_document(doc: Dict, connector: Option<&str>) -> Result<Selected, Problem> {
    let extra = unwrap_transfer_config(doc, "")?;
    let Some(connectors) = extra.get(CONNECTORS_KEY) else {
        // A connector named for a document with no connectors: the caller expected a
        // MultiConnector, and the document it got is something else; never ignored.
        if let Some(name) = connector {
            return Err(problem(
                ProblemKind::InvalidValue,
                String::new(),
                format!(
                    "the connector `{}` was asked for, but this document is not a MultiConnector (it has no `{CONNECTORS_KEY}` list); leave the connector out",
                    crate::secret::escape_terminal(name)
                ),
            ));
        }
        return Ok(Selected {
            dict: extra,
            connector: None,
        });
    };
    let at = |key: &str| format!("{EXTRA_CONFIG_KEY}.{CONNECTORS_KEY}{key}");
    let Value::Array(_, entries) = connectors else {
        return Err(problem(
            ProblemKind::InvalidType,
            at(""),
            format!(
                "must be a list of connector tables, found {}",
                crate::registry::value::describe(connectors)
            ),
        ));
    };
    let chosen = choose(entries, connector)
        .map_err(|message| problem(ProblemKind::InvalidValue, at(""), message))?;
    let Value::Dict(_, entry) = &entries[chosen] else {
        unreachable!("choose takes tables only")
    };
    let label = entry_label(chosen, entry);
    let dict = unwrap_transfer_config(entry.clone(), &at(&format!("[{chosen}]")))?;
    Ok(Selected {
        dict,
        connector: Some(label),
    })
}

/// A `kv_transfer_config`-shaped table stands for its extra config; any other table is
/// the document itself. `at` is the table's key path, for problems.
fn unwrap_transfer_config(mut doc: Dict, at: &str) -> Result<Dict, Problem> {
    if !doc.contains_key(EXTRA_CONFIG_KEY) && !doc.contains_key(CONNECTOR_KEY) {
        return Ok(doc);
    }
    match doc.remove(EXTRA_CONFIG_KEY) {
        None | Some(Value::Empty(..)) => Ok(Dict::new()),
        Some(Value::Dict(_, inner)) => Ok(inner),
        Some(other) => {
            let key = match at {
                "" => EXTRA_CONFIG_KEY.to_string(),
                at => format!("{at}.{EXTRA_CONFIG_KEY}"),
            };
            Err(problem(
                ProblemKind::InvalidType,
                key,
                format!(
                    "must be a table of KVBM settings, found {}",
                    crate::registry::value::describe(&other)
                ),
            )
            .with_value(crate::registry::render(&other)))
        }
    }
}

/// The index of the KVBM connector's entry, or why there is not exactly one.
fn choose(entries: &[Value], connector: Option<&str>) -> Result<usize, String> {
    let tables: Vec<(usize, &Dict)> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, entry)| match entry {
            Value::Dict(_, dict) => Some((i, dict)),
            _ => None,
        })
        .collect();
    let text = |dict: &Dict, key: &str| -> Option<String> {
        dict.get(key).and_then(Value::as_str).map(str::to_string)
    };
    let named = |names: &[&str]| -> Vec<usize> {
        tables
            .iter()
            .filter(|(_, d)| text(d, CONNECTOR_KEY).is_some_and(|n| names.contains(&n.as_str())))
            .map(|(i, _)| *i)
            .collect()
    };
    let (candidates, rule) = match connector {
        Some(name) => (named(&[name]), format!("named `{name}`")),
        None => {
            let under_kvbm: Vec<usize> = tables
                .iter()
                .filter(|(_, d)| {
                    text(d, MODULE_PATH_KEY).is_some_and(|m| {
                        m == KVBM_MODULE || m.starts_with(&format!("{KVBM_MODULE}."))
                    })
                })
                .map(|(i, _)| *i)
                .collect();
            match under_kvbm.is_empty() {
                false => (
                    under_kvbm,
                    format!("with a module path under `{KVBM_MODULE}`"),
                ),
                true => (
                    named(&KVBM_CONNECTOR_NAMES),
                    format!(
                        "named {}",
                        crate::registry::value::quoted_list(&KVBM_CONNECTOR_NAMES)
                    ),
                ),
            }
        }
    };
    match candidates[..] {
        [one] => Ok(one),
        _ => {
            let listed: Vec<String> = entries
                .iter()
                .enumerate()
                .map(|(i, entry)| match entry {
                    Value::Dict(_, dict) => describe_entry(i, dict),
                    _ => format!("[{i}] (not a table)"),
                })
                .collect();
            let found = match candidates.len() {
                0 => "no connector".to_string(),
                n => format!("{n} connectors"),
            };
            Err(format!(
                "{found} of this MultiConnector is KVBM's ({rule}); pick one with the `connector` option. Its connectors: {}",
                listed.join("; ")
            ))
        }
    }
}

/// `[1] DynamoConnector (kvbm.vllm_integration.connector)`.
fn describe_entry(index: usize, dict: &Dict) -> String {
    let name = dict
        .get(CONNECTOR_KEY)
        .and_then(Value::as_str)
        .unwrap_or("(no kv_connector)");
    match dict.get(MODULE_PATH_KEY).and_then(Value::as_str) {
        Some(module) => format!("[{index}] {name} ({module})"),
        None => format!("[{index}] {name}"),
    }
}

/// How origins name the entry: its `kv_connector`, else its index.
fn entry_label(index: usize, dict: &Dict) -> String {
    match dict.get(CONNECTOR_KEY).and_then(Value::as_str) {
        Some(name) => name.to_string(),
        None => format!("connectors[{index}]"),
    }
}

fn problem(kind: ProblemKind, key: String, message: String) -> Problem {
    Problem::new(kind, key, Source::Json { profile: None }, message)
}
