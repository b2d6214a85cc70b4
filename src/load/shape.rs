//! Checking each table of one source against the registry, before anything is merged.
//!
//! A document (a file or the JSON) is split into its plain tables and its `default` /
//! `leader` / `worker` tables ([`split_profiles`]); each table is checked on its own
//! ([`check_section`]): unknown keys, types and names against [`crate::registry::settings`],
//! with one-of tables rewritten to the tagged form and backend names upper-cased. So every
//! problem is reported with the exact source, profile and line it came from. Then the
//! plain table, `default` and the role's table are merged, in that order
//! ([`merge_document`]).

use std::collections::BTreeMap;

use figment::value::{Dict, Value};

use super::merge::Assembly;
use crate::declare::join;
use crate::error::{Problem, ProblemKind};
use crate::nixl::{check_backend_names, NixlBackend};
use crate::one_of::to_tagged_form;
use crate::registry::value::{check_value, describe, quoted_list, render, table_value};
use crate::registry::{self, Kind, Node};
use crate::source::{Profile, Role, Source};

/// Decides the source of a value from its profile table, its dotted key (for the line in a
/// file) and the value (whose figment tag names the provider, for caller-built figments).
pub(crate) type SourceOf<'a> = dyn Fn(Option<Profile>, &str, &Value) -> Source + 'a;

pub(crate) use super::merge::TableSourceOf;

/// Checks every table of one document and merges plain, `default`, then `role`'s table.
pub(crate) fn merge_document(
    doc: Dict,
    role: Option<Role>,
    source_of: &SourceOf<'_>,
    assembly: &mut Assembly,
) {
    let mut problems = Vec::new();
    for (profile, table) in split_profiles(doc, source_of, &mut problems) {
        let table_source = |key: &str, value: &Value| source_of(profile, key, value);
        let table = check_section(table, "", 0, &table_source, &mut problems).unwrap_or_default();
        if applies(profile, role) {
            assembly.merge(table, &table_source);
        }
    }
    assembly.problems(problems);
}

/// Splits a document into its plain tables (profile `None`) and its profile tables, in
/// merge order: plain, `default`, `leader`, `worker`.
fn split_profiles(
    doc: Dict,
    source_of: &SourceOf<'_>,
    problems: &mut Vec<Problem>,
) -> Vec<(Option<Profile>, Dict)> {
    let mut plain = Dict::new();
    let mut profiles: BTreeMap<Profile, Dict> = BTreeMap::new();
    for (key, value) in doc {
        match (Profile::from_name(&key), value) {
            (Some(profile), Value::Dict(_, table)) => {
                profiles.insert(profile, table);
            }
            (Some(_), other) => problems.push(
                Problem::new(
                    ProblemKind::InvalidType,
                    key.as_str(),
                    source_of(None, &key, &other),
                    "a profile must be a table of settings",
                )
                .with_value(render(&other)),
            ),
            (None, value) => {
                plain.insert(key, value);
            }
        }
    }
    let mut tables = vec![(None, plain)];
    tables.extend(profiles.into_iter().map(|(p, t)| (Some(p), t)));
    tables
}

/// Whether a profile table applies to a load for `role`.
fn applies(profile: Option<Profile>, role: Option<Role>) -> bool {
    match profile {
        None | Some(Profile::Default) => true,
        Some(profile) => role.map(Profile::from) == Some(profile),
    }
}

/// Checks one table of one source against the schema, normalising as it goes (one-of
/// tables to the tagged form, backend names to upper case). Returns the table without the
/// entries that have problems, so the rest can still be merged and checked; `None` when
/// the whole table is unusable (a one-of table mixing both spellings).
fn check_section(
    table: Dict,
    path: &str,
    section: usize,
    source_of: &TableSourceOf<'_>,
    problems: &mut Vec<Problem>,
) -> Option<Dict> {
    let table = if let Some(variants) = registry::registry().variants_of(path) {
        match to_tagged_form(table, variants) {
            Ok(table) => table,
            Err((message, table)) => {
                let source = source_of(path, &table_value(table));
                problems.push(Problem::new(ProblemKind::Conflict, path, source, message));
                return None;
            }
        }
    } else {
        table
    };
    let registry = registry::registry();
    let mut checked = Dict::new();
    for (name, value) in table {
        let key = join(path, &name);
        let problem = |kind, message: String| {
            Problem::new(kind, key.as_str(), source_of(&key, &value), message)
                .with_value(render(&value))
        };
        match registry.node(&key) {
            None => {
                let mut candidates = registry.children(section).to_vec();
                if path.is_empty() {
                    candidates.extend(Profile::NAMES);
                }
                problems.push(problem(
                    ProblemKind::UnknownKey,
                    unknown_key_message(&name, candidates),
                ));
            }
            Some(Node::Section(id)) => match value {
                Value::Dict(tag, inner) => {
                    if let Some(inner) = check_section(inner, &key, id, source_of, problems) {
                        checked.insert(name, Value::Dict(tag, inner));
                    }
                }
                Value::Empty(..) if registry.is_optional_section(&key) => {
                    checked.insert(name, value);
                }
                _ => {
                    let message = format!("expected a table, found {}", describe(&value));
                    problems.push(problem(ProblemKind::InvalidType, message));
                }
            },
            Some(Node::Leaf(setting)) => {
                let value = match setting.kind {
                    Kind::Backends => match normalise_backends(value) {
                        Ok(value) => value,
                        Err((message, value)) => {
                            let source = source_of(&key, &value);
                            problems.push(
                                Problem::new(ProblemKind::Conflict, key.as_str(), source, message)
                                    .with_value(render(&value)),
                            );
                            continue;
                        }
                    },
                    _ => value,
                };
                let unset = matches!(value, Value::Empty(..)) && setting.optional;
                match check_value(setting.kind, &value) {
                    Ok(()) => {
                        checked.insert(name, value);
                    }
                    Err(_) if unset => {
                        checked.insert(name, value);
                    }
                    Err(message) => {
                        let kind = match (&value, setting.kind) {
                            (Value::String(..), Kind::Choice(_)) => ProblemKind::InvalidValue,
                            (Value::Array(..), Kind::ChoiceList(_)) => ProblemKind::InvalidValue,
                            (Value::Num(..), Kind::Unsigned(_)) => ProblemKind::InvalidValue,
                            _ => ProblemKind::InvalidType,
                        };
                        let source = source_of(&key, &value);
                        problems.push(
                            Problem::new(kind, key.as_str(), source, message)
                                .with_value(render(&value)),
                        );
                    }
                }
            }
        }
    }
    Some(checked)
}

fn unknown_key_message(name: &str, candidates: Vec<&str>) -> String {
    let mut message = "unknown key".to_string();
    match crate::suggest::closest(name, candidates.iter().copied()) {
        Some(near) => message.push_str(&format!("; did you mean `{near}`?")),
        None if candidates.is_empty() => message.push_str("; this table takes no settings"),
        None => message.push_str(&format!("; expected one of {}", quoted_list(&candidates))),
    }
    message
}

/// Upper-cases backend names and turns scalar parameters into strings; a list of names is
/// read as backends without parameters. Two names equal but for case are a conflict.
fn normalise_backends(value: Value) -> Result<Value, (String, Value)> {
    let entries: Vec<(String, Value)> = match value {
        Value::Dict(_, dict) => dict.into_iter().collect(),
        Value::Array(_, items) if items.iter().all(|i| matches!(i, Value::String(..))) => items
            .into_iter()
            .filter_map(|item| item.into_string())
            .map(|name| (name, table_value(Dict::new())))
            .collect(),
        other => return Ok(other),
    };
    if let Err(message) = check_backend_names(entries.iter().map(|(name, _)| name.as_str())) {
        let given: Dict = entries.into_iter().collect();
        return Err((message, table_value(given)));
    }
    let backends: Dict = entries
        .into_iter()
        .map(|(name, params)| (NixlBackend::normalize_name(&name), stringify_params(params)))
        .collect();
    Ok(Value::from(backends))
}

fn stringify_params(params: Value) -> Value {
    match params {
        Value::Dict(tag, dict) => {
            let dict = dict
                .into_iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::Num(..) | Value::Bool(..) | Value::Char(..) => {
                            Value::from(render(&v).trim_matches('"').to_string())
                        }
                        other => other,
                    };
                    (k, v)
                })
                .collect();
            Value::Dict(tag, dict)
        }
        other => other,
    }
}
