//! Checking each table of a source against the schema, and merging sources.
//!
//! Every table of every source is checked on its own ([`check_section`]): unknown keys,
//! types and names against [`crate::schema::FIELDS`], with one-of tables rewritten to the
//! tagged form and backend names upper-cased. Sources then merge lowest first
//! ([`merge_into`]): leaves replace, tables merge, lists and `nixl.backends` replace whole,
//! and a one-of table whose `type` changes is replaced. Every leaf remembers its source in
//! [`Origins`]. [`finish`] checks the merged tree as a whole, deserializes and validates.

use std::collections::BTreeMap;

use figment::value::{Dict, Value};

use crate::error::{Problem, ProblemKind, Warning, EXCLUSIVE_CODE};
use crate::schema::{self, Node, OPTIONAL_SECTIONS, VARIANT_TABLES};
use crate::source::{Profile, Role, Source};
use crate::variant::{quoted_list, to_tagged_form, TYPE_KEY};
use crate::KvbmConfig;

/// Decides the source of a value from its profile table, its dotted key (for the line in a
/// file) and the value (whose figment tag names the provider, for caller-built figments).
pub(crate) type SourceOf<'a> = dyn Fn(Option<Profile>, &str, &Value) -> Source + 'a;

/// The source of each value of one table being checked or merged, by dotted key.
pub(crate) type TableSourceOf<'a> = dyn Fn(&str, &Value) -> Source + 'a;

/// The merged tree of all sources read so far, and the source of each leaf.
#[derive(Default)]
pub(crate) struct Assembly {
    pub(crate) merged: Dict,
    pub(crate) origins: Origins,
    pub(crate) problems: Vec<Problem>,
    pub(crate) warnings: Vec<Warning>,
}

impl Assembly {
    pub(crate) fn merge(&mut self, upper: Dict, source_of: &TableSourceOf<'_>) {
        merge_into(&mut self.merged, upper, "", source_of, &mut self.origins);
    }
}

/// For each dotted key that a source set, that source.
#[derive(Debug, Default)]
pub(crate) struct Origins(pub(crate) BTreeMap<String, Source>);

impl Origins {
    /// The source of `key`, of the nearest table above it that a source set (to `null`),
    /// or of the first key below it; [`Source::Default`] when none.
    pub(crate) fn source_for(&self, key: &str) -> Source {
        if let Some(source) = self.0.get(key) {
            return source.clone();
        }
        let mut prefix = key;
        while let Some((parent, _)) = prefix.rsplit_once('.') {
            if let Some(source) = self.0.get(parent) {
                return source.clone();
            }
            prefix = parent;
        }
        let below = format!("{key}.");
        self.0
            .range(below.clone()..)
            .next()
            .filter(|(k, _)| k.starts_with(&below))
            .map(|(_, source)| source.clone())
            .unwrap_or(Source::Default)
    }

    /// Forgets `key` and everything below it (a table that a higher layer replaced).
    fn remove_under(&mut self, key: &str) {
        self.0.remove(key);
        let below = join(key, "");
        let doomed: Vec<String> = self
            .0
            .range::<str, _>((
                std::ops::Bound::Included(below.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(k, _)| k.starts_with(&below))
            .map(|(k, _)| k.clone())
            .collect();
        for key in doomed {
            self.0.remove(&key);
        }
    }
}

pub(crate) fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        return key.to_string();
    }
    let mut joined = String::with_capacity(prefix.len() + 1 + key.len());
    joined.push_str(prefix);
    joined.push('.');
    joined.push_str(key);
    joined
}

/// Splits a document into its plain tables (profile `None`) and its profile tables, in
/// merge order: plain, `default`, `leader`, `worker`.
pub(crate) fn split_profiles(
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
                .with_value(schema::render(&other)),
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
pub(crate) fn applies(profile: Option<Profile>, role: Option<Role>) -> bool {
    match profile {
        None | Some(Profile::Default) => true,
        Some(profile) => role.map(Profile::from) == Some(profile),
    }
}

/// Checks one table of one source against the schema, normalising as it goes (one-of
/// tables to the tagged form, backend names to upper case). Returns the table without the
/// entries that have problems, so the rest can still be merged and checked; `None` when
/// the whole table is unusable (a one-of table mixing both spellings).
pub(crate) fn check_section(
    table: Dict,
    path: &str,
    section: usize,
    source_of: &TableSourceOf<'_>,
    problems: &mut Vec<Problem>,
) -> Option<Dict> {
    let table = if let Some((_, variants)) = VARIANT_TABLES.iter().find(|(key, _)| *key == path) {
        match to_tagged_form(table, variants) {
            Ok(table) => table,
            Err((message, table)) => {
                let source = source_of(path, &Value::from(table));
                problems.push(Problem::new(ProblemKind::Conflict, path, source, message));
                return None;
            }
        }
    } else {
        table
    };
    let index = schema::index();
    let mut checked = Dict::new();
    for (name, value) in table {
        let key = join(path, &name);
        let problem = |kind, message: String| {
            Problem::new(kind, key.as_str(), source_of(&key, &value), message)
                .with_value(schema::render(&value))
        };
        match index.node(&key) {
            None => {
                let mut candidates = index.children(section).to_vec();
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
                Value::Empty(..) if OPTIONAL_SECTIONS.contains(&key.as_str()) => {
                    checked.insert(name, value);
                }
                _ => {
                    let message = format!("expected a table, found {}", schema::describe(&value));
                    problems.push(problem(ProblemKind::InvalidType, message));
                }
            },
            Some(Node::Leaf(spec)) => {
                let value = match spec.kind {
                    schema::Kind::Backends => match normalise_backends(value) {
                        Ok(value) => value,
                        Err((message, value)) => {
                            let source = source_of(&key, &value);
                            problems.push(
                                Problem::new(ProblemKind::Conflict, key.as_str(), source, message)
                                    .with_value(schema::render(&value)),
                            );
                            continue;
                        }
                    },
                    _ => value,
                };
                let unset = matches!(value, Value::Empty(..)) && spec.optional;
                match schema::check_value(spec.kind, &value) {
                    Ok(()) => {
                        checked.insert(name, value);
                    }
                    Err(_) if unset => {
                        checked.insert(name, value);
                    }
                    Err(message) => {
                        let kind = match (&value, spec.kind) {
                            (Value::String(..), schema::Kind::Choice(_)) => {
                                ProblemKind::InvalidValue
                            }
                            (Value::Array(..), schema::Kind::ChoiceList(_)) => {
                                ProblemKind::InvalidValue
                            }
                            (Value::Num(..), schema::Kind::Unsigned(_)) => {
                                ProblemKind::InvalidValue
                            }
                            _ => ProblemKind::InvalidType,
                        };
                        let source = source_of(&key, &value);
                        problems.push(
                            Problem::new(kind, key.as_str(), source, message)
                                .with_value(schema::render(&value)),
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
            .map(|name| (name, Value::from(Dict::new())))
            .collect(),
        other => return Ok(other),
    };
    let mut backends = Dict::new();
    for (name, params) in entries {
        let upper = name.to_ascii_uppercase();
        if let Some((first, _)) = backends.iter().find(|(k, _)| **k == upper) {
            let first = first.clone();
            return Err((
                format!("backend `{name}` is given twice (as `{first}` too); names ignore case"),
                Value::from(backends),
            ));
        }
        backends.insert(upper, stringify_params(params));
    }
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
                            Value::from(schema::render(&v).trim_matches('"').to_string())
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

/// Merges `upper` into `acc`: leaves replace, tables merge, one-of tables whose `type`
/// changes are replaced. Records the source of every leaf set.
pub(crate) fn merge_into(
    acc: &mut Dict,
    upper: Dict,
    prefix: &str,
    source_of: &TableSourceOf<'_>,
    origins: &mut Origins,
) {
    for (name, value) in upper {
        let key = join(prefix, &name);
        let is_section = matches!(schema::index().node(&key), Some(Node::Section(_)));
        // An optional section's presence is itself a setting (`object = {}` turns G4 on),
        // and so is a one-of table's: each needs a source even when it holds no leaf.
        let presence_matters = OPTIONAL_SECTIONS.contains(&key.as_str())
            || VARIANT_TABLES.iter().any(|(table, _)| *table == key);
        let section_source = presence_matters.then(|| source_of(&key, &value));
        match value {
            Value::Dict(_, inner) if is_section => {
                let replace = switches_variant(&key, acc.get(&name), &inner);
                let slot = acc.entry(name).or_insert_with(|| Value::from(Dict::new()));
                if replace || !matches!(slot, Value::Dict(..)) {
                    *slot = Value::from(Dict::new());
                    origins.remove_under(&key);
                }
                if let Value::Dict(_, slot) = slot {
                    merge_into(slot, inner, &key, source_of, origins);
                    match section_source {
                        Some(source) if slot.is_empty() => {
                            origins.0.insert(key, source);
                        }
                        _ => {
                            origins.0.remove(&key);
                        }
                    }
                }
            }
            value => {
                // A leaf has nothing below it; a table set to `null` may have had.
                if is_section {
                    origins.remove_under(&key);
                }
                let source = source_of(&key, &value);
                origins.0.insert(key, source);
                acc.insert(name, value);
            }
        }
    }
}

/// Whether `upper` sets a one-of table to another variant than `lower` had.
fn switches_variant(key: &str, lower: Option<&Value>, upper: &Dict) -> bool {
    if !VARIANT_TABLES.iter().any(|(k, _)| *k == key) {
        return false;
    }
    let type_of = |dict: &Dict| {
        dict.get(TYPE_KEY)
            .and_then(|v| v.as_str().map(str::to_string))
    };
    match (lower, type_of(upper)) {
        (Some(Value::Dict(_, lower)), Some(new)) => type_of(lower).is_some_and(|old| old != new),
        _ => false,
    }
}

/// Checks the merged tree as a whole, deserializes and validates it.
pub(crate) fn finish(assembly: &mut Assembly, cpu_count: usize) -> Option<KvbmConfig> {
    check_variants(
        &mut assembly.merged,
        &assembly.origins,
        &mut assembly.problems,
    );
    let tree = Value::from(std::mem::take(&mut assembly.merged));
    let config = match tree.deserialize::<KvbmConfig>() {
        Ok(config) => config,
        Err(errors) => {
            for error in errors {
                assembly
                    .problems
                    .push(deserialize_problem(error, &assembly.origins));
            }
            return None;
        }
    };
    for violation in crate::validation::violations(&config, cpu_count) {
        assembly
            .problems
            .push(violation_problem(violation, &tree, &assembly.origins));
    }
    if let Value::Dict(_, dict) = tree {
        assembly.merged = dict;
    }
    Some(config)
}

/// Every one-of table needs a `type`, and only the fields of that variant.
fn check_variants(merged: &mut Dict, origins: &Origins, problems: &mut Vec<Problem>) {
    for (table_key, variants) in VARIANT_TABLES {
        let (parent_key, name) = table_key.rsplit_once('.').unwrap_or(("", table_key));
        let Some(parent) = table_mut(merged, parent_key) else {
            continue;
        };
        let Some(Value::Dict(_, table)) = parent.get_mut(name) else {
            if parent.get(name).is_none() && OPTIONAL_SECTIONS.contains(&parent_key) {
                // `object = {}`: the section is on but says nothing about how.
                let message = format!(
                    "missing; `{parent_key}` is set, so set `{table_key}.type` to one of {} \
                     (or remove `{parent_key}`)",
                    quoted_list(variants)
                );
                problems.push(Problem::new(
                    ProblemKind::Missing,
                    *table_key,
                    origins.source_for(parent_key),
                    message,
                ));
                let (grand_key, parent_name) =
                    parent_key.rsplit_once('.').unwrap_or(("", parent_key));
                if let Some(grand) = table_mut(merged, grand_key) {
                    grand.remove(parent_name);
                }
            }
            continue;
        };
        let Some(variant) = table
            .get(TYPE_KEY)
            .and_then(|v| v.as_str())
            .map(str::to_string)
        else {
            let key = format!("{table_key}.{TYPE_KEY}");
            let message = format!(
                "settings of `{table_key}` are given but not its type; set `type` to one of {}",
                quoted_list(variants)
            );
            problems.push(Problem::new(
                ProblemKind::Missing,
                key,
                origins.source_for(table_key),
                message,
            ));
            parent.remove(name);
            continue;
        };
        let stray: Vec<String> = table
            .keys()
            .filter(|field| {
                let spec = schema::field_spec(&format!("{table_key}.{field}"));
                spec.is_some_and(|spec| {
                    !spec.is_variant_tag() && !spec.applies_to.contains(&variant.as_str())
                })
            })
            .cloned()
            .collect();
        for field in stray {
            let key = format!("{table_key}.{field}");
            let value = table
                .remove(&field)
                .map(|v| schema::render(&v))
                .unwrap_or_default();
            let owners = schema::field_spec(&key)
                .map(|s| s.applies_to)
                .unwrap_or_default();
            let message = format!(
                "does not apply to `type = \"{variant}\"` (only to {})",
                quoted_list(owners)
            );
            problems.push(
                Problem::new(
                    ProblemKind::UnknownKey,
                    key.as_str(),
                    origins.source_for(&key),
                    message,
                )
                .with_value(value),
            );
        }
    }
}

fn table_mut<'a>(dict: &'a mut Dict, path: &str) -> Option<&'a mut Dict> {
    if path.is_empty() {
        return Some(dict);
    }
    path.split('.')
        .try_fold(dict, |table, part| match table.get_mut(part) {
            Some(Value::Dict(_, inner)) => Some(inner),
            _ => None,
        })
}

/// A problem from serde's view of the merged tree. The schema check catches what a source
/// can get wrong, so this is the safety net (e.g. `object` without `object.client`).
fn deserialize_problem(error: figment::Error, origins: &Origins) -> Problem {
    let mut key = error.path.join(".");
    let message = match &error.kind {
        figment::error::Kind::MissingField(field) => {
            key = join(&key, field);
            "missing; this setting is required here".to_string()
        }
        kind => kind.to_string(),
    };
    let source = origins.source_for(&key);
    Problem::new(ProblemKind::InvalidValue, key, source, message)
}

fn violation_problem(
    violation: crate::validation::Violation,
    tree: &Value,
    origins: &Origins,
) -> Problem {
    let value_at = |key: &str| tree.find_ref(key).map(schema::render);
    if violation.code == EXCLUSIVE_CODE {
        let addr_key = join(&violation.key, "tcp_addr");
        let interface_key = join(&violation.key, "tcp_interface");
        let message = format!(
            "{}; `tcp_addr` = {} comes from {}",
            violation.message,
            value_at(&addr_key).unwrap_or_default(),
            origins.source_for(&addr_key)
        );
        let mut problem = Problem::new(
            ProblemKind::Constraint,
            interface_key.as_str(),
            origins.source_for(&interface_key),
            message,
        );
        problem.value = value_at(&interface_key);
        return problem;
    }
    let value = value_at(&violation.key);
    if value.is_none() {
        // No source set it: a required field of a one-of table. The problem belongs to the
        // source that chose the variant.
        let type_key = violation
            .key
            .rsplit_once('.')
            .map(|(table, _)| join(table, TYPE_KEY));
        let variant = type_key.as_deref().and_then(value_at);
        let message = match &variant {
            Some(variant) => format!("missing, but required with `type = {variant}`"),
            None => format!("missing; {}", violation.message),
        };
        let source = origins.source_for(type_key.as_deref().unwrap_or(&violation.key));
        return Problem::new(
            ProblemKind::Missing,
            violation.key.as_str(),
            source,
            message,
        );
    }
    let mut problem = Problem::new(
        ProblemKind::Constraint,
        violation.key.as_str(),
        origins.source_for(&violation.key),
        violation.message,
    );
    problem.value = value;
    problem
}

/// The broken constraints of a config built in code, each with [`Source::Code`].
pub(crate) fn problems_in_code(config: &KvbmConfig, cpu_count: usize) -> Vec<Problem> {
    let tree = Value::serialize(config).unwrap_or_else(|_| Value::from(Dict::new()));
    let origins = Origins::default();
    crate::validation::violations(config, cpu_count)
        .into_iter()
        .map(|violation| Problem {
            source: Source::Code,
            ..violation_problem(violation, &tree, &origins)
        })
        .collect()
}
