//! Checking the merged tree as a whole, deserializing it and running the declared rules.
//!
//! What no single source can get wrong is checked here: a one-of table needs its `type`
//! and only that variant's fields. The tree is then deserialized into
//! [`KvbmConfig`], and every rule declared with the settings runs on it. Each failure
//! becomes a [`Problem`] naming the source of the offending value, found in [`Origins`].

use figment::value::{Dict, Value};

use super::merge::{Assembly, Origins};
use crate::declare::{join, push_name, KeyPath, Section, Violation, EXCLUSIVE_CODE};
use crate::error::{Problem, ProblemKind};
use crate::one_of::TYPE_KEY;
use crate::registry::value::{quoted_list, render, table_value};
use crate::registry::{self};
use crate::source::Source;
use crate::KvbmConfig;

/// Checks the merged tree as a whole, deserializes and validates it.
pub(crate) fn finish(assembly: &mut Assembly) -> Option<KvbmConfig> {
    let mut problems = Vec::new();
    let (merged, origins) = assembly.tree_mut();
    check_variants(merged, origins, &mut problems);
    let tree = table_value(std::mem::take(merged));
    let config = match tree.deserialize::<KvbmConfig>() {
        Ok(config) => Some(config),
        Err(errors) => {
            problems.extend(errors.into_iter().map(|e| deserialize_problem(e, origins)));
            None
        }
    };
    if let Some(config) = &config {
        problems.extend(
            violations(config)
                .into_iter()
                .map(|violation| violation_problem(violation, &tree, origins)),
        );
    }
    if let Value::Dict(_, dict) = tree {
        *merged = dict;
    }
    assembly.problems(problems);
    config
}

/// Every declared rule that `config` breaks, sorted by key so that errors read the same on
/// every run. No rule reads a fact of the machine that checks (its CPUs, its directories):
/// a config is valid or not wherever it is checked; preflight compares it with a host.
pub(crate) fn violations(config: &KvbmConfig) -> Vec<Violation> {
    let mut found = Vec::new();
    Section::check(config, &KeyPath::ROOT, &mut found);
    found.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.code.cmp(b.code)));
    found
}

/// Every one-of table needs a `type`, and only the fields of that variant.
fn check_variants(merged: &mut Dict, origins: &Origins, problems: &mut Vec<Problem>) {
    for &(table_key, variants) in &registry::registry().variant_tables {
        let (parent_key, name) = table_key.rsplit_once('.').unwrap_or(("", table_key));
        let Some(parent) = table_mut(merged, parent_key) else {
            continue;
        };
        let Some(Value::Dict(_, table)) = parent.get_mut(name) else {
            if parent.get(name).is_none() && registry::registry().is_optional_section(parent_key) {
                // `object = {}`: the section is on but says nothing about how.
                let message = format!(
                    "missing; `{parent_key}` is set, so set `{table_key}.type` to one of {} \
                     (or remove `{parent_key}`)",
                    quoted_list(variants)
                );
                problems.push(Problem::new(
                    ProblemKind::Missing,
                    table_key,
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
        let mut key = String::from(table_key);
        let stray: Vec<String> = table
            .keys()
            .filter(|field| {
                let parent = push_name(&mut key, field);
                let setting = registry::setting(&key);
                key.truncate(parent);
                setting.is_some_and(|setting| {
                    !setting.is_variant_tag() && !setting.applies_to.contains(&variant.as_str())
                })
            })
            .cloned()
            .collect();
        for field in stray {
            let key = format!("{table_key}.{field}");
            let value = table.remove(&field).map(|v| render(&v)).unwrap_or_default();
            let owners = registry::setting(&key)
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
    use figment::error::Kind;
    // Serde's words name the value itself (`string "…"`): the message names only its kind,
    // so no input (a credential, a terminal escape) reaches a message.
    let message = match &error.kind {
        Kind::MissingField(field) => {
            key = join(&key, field);
            "missing; this setting is required here".to_string()
        }
        Kind::InvalidType(actual, expected) | Kind::InvalidValue(actual, expected) => {
            format!("expected {expected}, found {}", kind_of(actual))
        }
        Kind::UnknownVariant(_, expected) => format!("not one of {}", quoted_list(expected)),
        Kind::UnknownField(_, expected) => {
            format!("unknown key; expected one of {}", quoted_list(expected))
        }
        Kind::InvalidLength(length, expected) => format!("{length} items, expected {expected}"),
        Kind::DuplicateField(field) => format!("`{field}` is given twice"),
        Kind::Message(_) | Kind::ISizeOutOfRange(_) | Kind::USizeOutOfRange(_) => {
            "not a valid value here".to_string()
        }
        Kind::Unsupported(actual) | Kind::UnsupportedKey(actual, _) => {
            format!("{} cannot be used here", kind_of(actual))
        }
    };
    let source = origins.source_for(&key);
    Problem::new(ProblemKind::InvalidValue, key, source, message)
}

/// What kind of value serde found, without the value.
fn kind_of(actual: &figment::error::Actual) -> &'static str {
    use figment::error::Actual;
    match actual {
        Actual::Bool(_) => "a boolean",
        Actual::Unsigned(_) | Actual::Signed(_) => "an integer",
        Actual::Float(_) => "a number",
        Actual::Char(_) | Actual::Str(_) => "a string",
        Actual::Bytes(_) => "bytes",
        Actual::Unit | Actual::Option => "nothing",
        Actual::Seq => "a list",
        Actual::Map => "a table",
        _ => "another kind of value",
    }
}

fn violation_problem(violation: Violation, tree: &Value, origins: &Origins) -> Problem {
    let value_at = |key: &str| tree.find_ref(key).map(render);
    if let (EXCLUSIVE_CODE, Some(partner)) = (violation.code, &violation.partner) {
        let name = partner.rsplit('.').next().unwrap_or(partner);
        let message = format!(
            "{}; `{name}` = {} comes from {}",
            violation.message,
            value_at(partner).unwrap_or_default(),
            origins.source_for(partner)
        );
        let problem = Problem::new(
            ProblemKind::Constraint,
            violation.key.as_str(),
            origins.source_for(&violation.key),
            message,
        );
        return match value_at(&violation.key) {
            Some(value) => problem.with_value(value),
            None => problem,
        };
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
    let problem = Problem::new(
        ProblemKind::Constraint,
        violation.key.as_str(),
        origins.source_for(&violation.key),
        violation.message,
    );
    match value {
        Some(value) => problem.with_value(value),
        None => problem,
    }
}

/// The broken constraints of a config built in code, each with [`Source::Code`].
pub(crate) fn problems_in_code(config: &KvbmConfig) -> Vec<Problem> {
    let tree = Value::serialize(config).unwrap_or_else(|_| table_value(Dict::new()));
    let origins = Origins::default();
    violations(config)
        .into_iter()
        .map(|violation| Problem {
            source: Source::Code,
            ..violation_problem(violation, &tree, &origins)
        })
        .collect()
}
