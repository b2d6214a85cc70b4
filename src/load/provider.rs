//! The figment side: the sources as figment providers, and extraction from a figment.
//!
//! [`crate::Loader::figment`] hands callers one provider per source, each named after it,
//! so figment's own metadata says where every value came from. [`extract`] runs a
//! caller-built figment through the same checks as a load.

use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Provider};

use super::env::insert_at;
use super::foreign::{check_names, take_marker, ForeignSections, DECLARED_NAME};
use super::merge::{Assembly, Origins};
use super::shape::merge_document;
use super::validate::finish;
use crate::error::{ConfigError, Problem, ProblemKind};
use crate::source::{Role, Source};
use crate::KvbmConfig;

/// The sources of an assembly as a figment: one provider per source, or one carrying the
/// problems found while reading them.
pub(crate) fn figment_of(assembly: Assembly) -> Figment {
    if assembly.has_problems() {
        let (_, _, problems, _) = assembly.into_parts();
        return Figment::from(FailedSources(problems));
    }
    let defaults = Defaults::below();
    let figment = partition(assembly.tree(), assembly.origins())
        .into_iter()
        .fold(Figment::from(defaults), |figment, slice| {
            figment.merge(slice)
        });
    if assembly.foreign_names().is_empty() {
        return figment;
    }
    figment
        .merge(ForeignData(assembly.foreign().clone()))
        .merge(ForeignSections::new(
            assembly.foreign_names().iter().cloned(),
        ))
}

/// What the sources set in the sections declared another crate's, for that crate.
struct ForeignData(Dict);

impl Provider for ForeignData {
    fn metadata(&self) -> Metadata {
        Metadata::named("KVBM config sources (foreign sections)")
    }

    fn data(&self) -> Result<Map<figment::Profile, Dict>, figment::Error> {
        Ok(Map::from([(figment::Profile::Default, self.0.clone())]))
    }
}

/// The name of the provider of the defaults in [`crate::Loader::figment`]; its values are
/// [`Source::Default`] when extracted.
const DEFAULTS_NAME: &str = "KVBM defaults";

/// The name of a config given as a provider (`Figment::from(&config)`); its values are
/// [`Source::Code`] when extracted.
const CODE_NAME: &str = "KvbmConfig (set in code)";

/// The defaults, under the sources, so that `figment().extract_inner("tokio")` finds a
/// whole table. A table-valued setting (`nixl.backends`) is left out: figment would join
/// the default table with any table merged on top, where a source's table replaces the
/// default one (as upstream's, whose defaults had no NixL table); serde's default fills
/// it in when nothing sets it.
struct Defaults(Dict);

impl Defaults {
    fn below() -> Defaults {
        let mut defaults = match Value::serialize(KvbmConfig::default()) {
            Ok(Value::Dict(_, dict)) => dict,
            _ => Dict::new(),
        };
        for setting in crate::registry::settings() {
            if matches!(setting.default_value(), Some(Value::Dict(..))) {
                remove_at(&mut defaults, setting.key);
            }
        }
        Defaults(defaults)
    }
}

/// In a caller-built figment, a table under its released name (`messenger`, as in
/// upstream's `figment().merge(("messenger.backend.tcp_port", 8080))`) is merged over the
/// table of this crate's name, which the figment's defaults and sources fill: the caller's
/// provider sits on top. The same in each profile table.
fn fold_released_names(doc: &mut Dict) {
    for (name, value) in doc.iter_mut() {
        if crate::source::Profile::from_name(name).is_some() {
            if let Value::Dict(_, table) = value {
                fold_released_names(table);
            }
        }
    }
    for &(released, canonical) in crate::registry::RELEASED_TABLE_NAMES {
        let Some(high) = doc.remove(released) else {
            continue;
        };
        let merged = match doc.remove(canonical) {
            Some(low) => merge_over(low, high),
            None => high,
        };
        doc.insert(canonical.to_string(), merged);
    }
}

/// `high` merged over `low`, table by table; a leaf of `high` wins.
fn merge_over(low: Value, high: Value) -> Value {
    match (low, high) {
        (Value::Dict(tag, mut low), Value::Dict(_, high)) => {
            for (key, value) in high {
                let merged = match low.remove(&key) {
                    Some(below) => merge_over(below, value),
                    None => value,
                };
                low.insert(key, merged);
            }
            Value::Dict(tag, low)
        }
        (_, high) => high,
    }
}

/// Removes the dotted `key` from `dict`, if it is there.
fn remove_at(dict: &mut Dict, key: &str) {
    match key.split_once('.') {
        None => {
            dict.remove(key);
        }
        Some((first, rest)) => {
            if let Some(Value::Dict(_, inner)) = dict.get_mut(first) {
                remove_at(inner, rest);
            }
        }
    }
}

impl Provider for Defaults {
    fn metadata(&self) -> Metadata {
        Metadata::named(DEFAULTS_NAME)
    }

    fn data(&self) -> Result<Map<figment::Profile, Dict>, figment::Error> {
        Ok(Map::from([(figment::Profile::Default, self.0.clone())]))
    }
}

/// A config as a figment provider of its values in the default profile, as
/// `figment::providers::Serialized::defaults(config)` gives them (and as
/// dynamo-kvbm-config's `Figment::from(&config)` did). Extracted, they are set in code.
impl Provider for KvbmConfig {
    fn metadata(&self) -> Metadata {
        Metadata::named(CODE_NAME)
    }

    fn data(&self) -> Result<Map<figment::Profile, Dict>, figment::Error> {
        figment::providers::Serialized::defaults(self).data()
    }
}

/// Splits the merged tree by source: one figment provider per source, holding exactly the
/// leaves that source won. Merged in any order they rebuild the tree, and figment then
/// knows the true source of every value.
fn partition(merged: &Dict, origins: &Origins) -> Vec<SourceSlice> {
    let mut slices: Vec<SourceSlice> = Vec::new();
    let tree = crate::registry::value::table_value(merged.clone());
    for (key, source) in origins.iter() {
        let Some(value) = tree.find_ref(key).cloned() else {
            continue;
        };
        let slice = match slices.iter_mut().position(|s| &s.source == source) {
            Some(i) => &mut slices[i],
            None => {
                slices.push(SourceSlice {
                    source: source.clone(),
                    dict: Dict::new(),
                });
                slices.last_mut().expect("pushed above")
            }
        };
        insert_at(&mut slice.dict, key, value);
    }
    slices
}

/// The leaves one source won, as a figment provider named after the source.
struct SourceSlice {
    source: Source,
    dict: Dict,
}

impl Provider for SourceSlice {
    fn metadata(&self) -> Metadata {
        let metadata = Metadata::named(self.source.to_string());
        match &self.source {
            Source::File { path, .. } => metadata.source(figment::Source::File(path.clone())),
            _ => metadata,
        }
    }

    fn data(&self) -> Result<Map<figment::Profile, Dict>, figment::Error> {
        Ok(Map::from([(figment::Profile::Default, self.dict.clone())]))
    }
}

/// Key under which [`FailedSources`] stores its problems in the figment.
const PROBLEMS_KEY: &str = "__kvbm_config_problems";

/// A provider standing for sources that could not be read. It carries their problems as
/// data, so that [`KvbmConfig::extract_from`] reports each with its key, value and source.
/// (figment's own errors would lose them: it re-tags an error with the provider's name and
/// keeps only part of a chain.) A plain `figment.extract()` fails on the unknown key.
struct FailedSources(Vec<Problem>);

impl Provider for FailedSources {
    fn metadata(&self) -> Metadata {
        Metadata::named("KVBM config sources (with problems)")
    }

    fn data(&self) -> Result<Map<figment::Profile, Dict>, figment::Error> {
        let problems = Value::serialize(&self.0)?;
        let dict = Dict::from([(PROBLEMS_KEY.to_string(), problems)]);
        Ok(Map::from([(figment::Profile::Default, dict)]))
    }
}

/// Extracts, checks and validates a caller-built figment (see [`KvbmConfig::extract_from`]).
pub(crate) fn extract(figment: &Figment) -> Result<KvbmConfig, ConfigError> {
    let mut assembly = Assembly::default();
    let provider = |value: &Value| {
        let name = figment
            .get_metadata(value.tag())
            .map_or_else(|| "figment".to_string(), |m| m.name.to_string());
        match name.as_str() {
            DEFAULTS_NAME => Source::Default,
            CODE_NAME => Source::Code,
            _ => Source::Provider { name },
        }
    };
    match figment.find_value("") {
        Ok(Value::Dict(_, mut doc)) => {
            let foreign = take_marker(&mut doc);
            let declared = Source::Provider {
                name: DECLARED_NAME.into(),
            };
            assembly = Assembly::with_foreign_sections(foreign);
            assembly.problems(check_names(assembly.foreign_names(), &declared));
            if let Some(problems) = doc.remove(PROBLEMS_KEY) {
                match problems.deserialize::<Vec<Problem>>() {
                    Ok(problems) => assembly.problems(problems),
                    Err(e) => assembly.problems([Problem::new(
                        ProblemKind::InvalidValue,
                        PROBLEMS_KEY,
                        provider(&problems),
                        format!("reserved key holds no problem list: {e}"),
                    )]),
                }
            }
            // A figment selected for a role (`KvbmConfig::figment_for_leader`) applies that
            // role's tables, as upstream's `select("leader")` did.
            let selected = figment.profile();
            let role = [Role::Leader, Role::Worker]
                .into_iter()
                .find(|role| selected == role.to_string().as_str());
            fold_released_names(&mut doc);
            merge_document(doc, role, &|_, _, value| provider(value), &mut assembly);
        }
        Ok(other) => assembly.problems([Problem::new(
            ProblemKind::InvalidType,
            "",
            provider(&other),
            "the figment does not hold a table of settings",
        )]),
        Err(errors) => {
            let problems = errors.into_iter().map(|error| {
                let name = error
                    .metadata
                    .as_ref()
                    .map_or_else(|| "figment".to_string(), |m| m.name.to_string());
                let message = error.kind.to_string();
                let key = error.path.join(".");
                Problem::new(
                    ProblemKind::InvalidValue,
                    key,
                    Source::Provider { name },
                    message,
                )
            });
            return Err(ConfigError::new(problems.collect()));
        }
    }
    let config = finish(&mut assembly);
    let (_, _, problems, _) = assembly.into_parts();
    match config {
        Some(config) if problems.is_empty() => Ok(config),
        _ => Err(ConfigError::new(problems)),
    }
}
