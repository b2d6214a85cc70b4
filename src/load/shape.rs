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
use crate::declare::check_backend_names;
use crate::declare::{key_buffer, push_name};
use crate::error::{Problem, ProblemKind};
use crate::nixl::NixlBackend;
use crate::one_of::to_tagged_form;
use crate::registry::value::{
    check_value, describe, quoted_list, render, table_value, take_value, with_tag,
};
use crate::registry::{self, Kind, Node};
use crate::source::{Profile, Role, Source};

/// Decides the source of a value from its profile table, its dotted key (for the line in a
/// file) and the value (whose figment tag names the provider, for caller-built figments).
pub(crate) type SourceOf<'a> = dyn Fn(Option<Profile>, &str, &Value) -> Source + 'a;

pub(crate) use super::merge::TableSourceOf;

/// Checks every table of one document and merges plain, `default`, then `role`'s table;
/// the sections declared another crate's are taken out first.
pub(crate) fn merge_document(
    mut doc: Dict,
    role: Option<Role>,
    source_of: &SourceOf<'_>,
    assembly: &mut Assembly,
) {
    let foreign = super::foreign::take(&mut doc, assembly.foreign_names(), role);
    assembly.merge_foreign(foreign);
    let mut problems = Vec::new();
    let mut key = key_buffer();
    for (profile, mut table) in split_profiles(doc, source_of, &mut problems) {
        let plain_source = |key: &str, value: &Value| source_of(profile, key, value);
        let renamed = take_released_names(&mut table, &plain_source, &mut problems);
        // A value given under a released name says so in its origin.
        let table_source = |key: &str, value: &Value| {
            let source = plain_source(key, value);
            let under = |table: &str| {
                key.strip_prefix(table)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
            };
            match renamed.iter().find(|(_, canonical)| under(canonical)) {
                Some((released, canonical)) => Source::Released {
                    written: format!("{released}{}", &key[canonical.len()..]),
                    source: Box::new(source),
                },
                None => source,
            }
        };
        // The root is no one-of table, so it is always usable.
        check_section(&mut table, &mut key, 0, &table_source, &mut problems);
        if Profile::applies(profile, role) {
            assembly.merge(table, &table_source);
        }
    }
    assembly.problems(problems);
}

/// Moves the tables of one source's table written under a released name (`messenger`) to
/// this crate's name (`nova`), and returns the pairs moved. Both names in one table are a
/// conflict: the source says the same table twice, and neither can be preferred.
fn take_released_names(
    table: &mut Dict,
    source_of: &TableSourceOf<'_>,
    problems: &mut Vec<Problem>,
) -> Vec<(&'static str, &'static str)> {
    let mut renamed = Vec::new();
    for &(released, canonical) in registry::RELEASED_TABLE_NAMES {
        let Some(value) = table.remove(released) else {
            continue;
        };
        if table.contains_key(canonical) {
            let message = format!(
                "`{released}` and `{canonical}` are one table (`{released}` is its name in \
                 upstream's releases); write it once, under one name"
            );
            let source = source_of(released, &value);
            problems.push(Problem::new(
                ProblemKind::Conflict,
                released,
                source,
                message,
            ));
            continue;
        }
        table.insert(canonical.to_string(), value);
        renamed.push((released, canonical));
    }
    renamed
}

/// Splits a document into its plain tables (profile `None`) and its profile tables, in
/// merge order: plain, `default`, `leader`, `worker`.
fn split_profiles(
    doc: Dict,
    source_of: &SourceOf<'_>,
    problems: &mut Vec<Problem>,
) -> Vec<(Option<Profile>, Dict)> {
    // The plain tables stay where they are: only profile tables move out.
    let mut plain = doc;
    let mut profiles: BTreeMap<Profile, Dict> = BTreeMap::new();
    plain.retain(|key, value| {
        let Some(profile) = Profile::from_name(key) else {
            return true;
        };
        match take_value(value) {
            Value::Dict(_, table) => {
                profiles.insert(profile, table);
            }
            other => problems.push(
                Problem::new(
                    ProblemKind::InvalidType,
                    key.as_str(),
                    source_of(None, key, &other),
                    "a profile must be a table of settings",
                )
                .with_value(render(&other)),
            ),
        }
        false
    });
    let mut tables = Vec::with_capacity(1 + profiles.len());
    tables.push((None, plain));
    tables.extend(profiles.into_iter().map(|(p, t)| (Some(p), t)));
    tables
}

/// Checks one table of one source against the schema in place, normalising as it goes
/// (one-of tables to the tagged form, backend names to upper case), and drops the entries
/// that have problems, so the rest can still be merged and checked. `key` is the table's
/// dotted key (restored on return). Returns `false` when the whole table is unusable (a
/// one-of table mixing both spellings).
fn check_section(
    table: &mut Dict,
    key: &mut String,
    section: usize,
    source_of: &TableSourceOf<'_>,
    problems: &mut Vec<Problem>,
) -> bool {
    let registry = registry::registry();
    if let Some(variants) = registry.table(section).variants {
        match to_tagged_form(std::mem::take(table), variants) {
            Ok(tagged) => *table = tagged,
            Err((message, given)) => {
                let source = source_of(key, &table_value(given));
                problems.push(Problem::new(
                    ProblemKind::Conflict,
                    key.as_str(),
                    source,
                    message,
                ));
                return false;
            }
        }
    }
    table.retain(|name, value| {
        let parent = push_name(key, name);
        let keep = check_entry(name, value, key, section, source_of, problems);
        key.truncate(parent);
        keep
    });
    true
}

/// Checks the entry `name` = `value` of the section `section`; `key` is its dotted key.
/// Whether it is kept.
fn check_entry(
    name: &str,
    value: &mut Value,
    key: &mut String,
    section: usize,
    source_of: &TableSourceOf<'_>,
    problems: &mut Vec<Problem>,
) -> bool {
    let registry = registry::registry();
    let problem = |kind, key: &str, value: &Value, message: String| {
        Problem::new(kind, key, source_of(key, value), message).with_value(render(value))
    };
    match registry.node(key) {
        None => {
            let mut candidates = registry.children(section).to_vec();
            if section == 0 {
                candidates.extend(Profile::NAMES);
            }
            let message = unknown_key_message(name, candidates);
            problems.push(problem(ProblemKind::UnknownKey, key, value, message));
            false
        }
        Some(Node::Section(id)) => match value {
            Value::Dict(_, inner) => check_section(inner, key, id, source_of, problems),
            Value::Empty(..) if registry.table(id).optional => true,
            // `null` for a table upstream's releases had as an `Option` (NixL off, no disk
            // tier): the table that means so, checked like one the source wrote.
            Value::Empty(tag, _) if registry.table(id).null.is_some() => {
                let null = registry.table(id).null.cloned().map(|v| with_tag(v, *tag));
                let mut null = null.unwrap_or_else(|| table_value(Dict::new()));
                if let Value::Dict(_, inner) = &mut null {
                    check_section(inner, key, id, source_of, problems);
                }
                *value = null;
                true
            }
            _ => {
                let message = format!("expected a table, found {}", describe(value));
                problems.push(problem(ProblemKind::InvalidType, key, value, message));
                false
            }
        },
        Some(Node::Leaf(setting)) => {
            if setting.kind == Kind::Backends {
                let given = take_value(value);
                match normalise_backends(given) {
                    Ok(normalised) => *value = normalised,
                    Err((message, given)) => {
                        problems.push(problem(ProblemKind::Conflict, key, &given, message));
                        return false;
                    }
                }
            }
            // `null` for a setting upstream's releases had as an `Option`: its default.
            if let (Value::Empty(tag, _), true, Some(default)) =
                (&*value, setting.nullable, setting.default_value())
            {
                *value = with_tag(default, *tag);
            }
            let unset = matches!(value, Value::Empty(..)) && setting.optional;
            match check_value(setting.kind, value) {
                Ok(()) => true,
                Err(_) if unset => true,
                Err(message) => {
                    let kind = match (&*value, setting.kind) {
                        (Value::String(..), Kind::Choice(_)) => ProblemKind::InvalidValue,
                        (Value::Array(..), Kind::ChoiceList(_)) => ProblemKind::InvalidValue,
                        (Value::Num(..), Kind::Unsigned(_)) => ProblemKind::InvalidValue,
                        _ => ProblemKind::InvalidType,
                    };
                    problems.push(problem(kind, key, value, message));
                    false
                }
            }
        }
    }
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
    Ok(table_value(backends))
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
