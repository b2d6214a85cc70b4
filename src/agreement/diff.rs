//! `kvbm-config diff`: the settings whose values differ between two processes' effective
//! configs, read from what `kvbm-config show --format json` wrote on each.
//!
//! `show` writes four shapes: the config as a JSON tree, or (with `--origin`) a list of
//! `{"key", "value", "origin"}` entries; with `--role all`, either shape once per role
//! inside `{"leader": …, "worker": …}`. [`EffectiveConfig`] reads each of them and refuses
//! anything else (a config file, a JSON profile, `[]`), so a diff can never pass because
//! its input said nothing. Per-role inputs are compared role by role; values compare by
//! meaning ([`super::compared`]), so a tree and an `--origin` list of one config are equal.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

use super::{compared, value_at};
use crate::registry::{self, Setting};
use crate::secret::{escape_terminal, redact_value};
use crate::source::Role;
use crate::KvbmConfig;

/// The effective configs one `kvbm-config show --format json` wrote (one process, or
/// each role with `--role all`), for [`differences`].
#[derive(Debug, Clone, PartialEq)]
pub struct EffectiveConfig {
    /// Each config by the role it was shown for; `None` when `show` had no `--role all`.
    roles: BTreeMap<Option<Role>, Values>,
}

/// One config's settings: each key's value (`None` when unset) and its origin (given by
/// `show --origin` only).
#[derive(Debug, Clone, PartialEq, Default)]
struct Values(BTreeMap<&'static str, (Option<Json>, Option<String>)>);

impl EffectiveConfig {
    /// Reads `show --format json` output in any of its shapes (a leading byte-order mark is
    /// skipped).
    ///
    /// # Errors
    ///
    /// Not JSON, or JSON that is not what `show --format json` writes (a key that is not a
    /// setting, a section missing, an empty list), in words.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value: Json = serde_json::from_str(text)
            .map_err(|e| format!("not JSON ({e}); diff reads what `show --format json` writes"))?;
        let per_role = value.as_object().filter(|object| {
            !object.is_empty() && object.keys().all(|name| role_named(name).is_some())
        });
        let roles = match per_role {
            Some(object) => object
                .iter()
                .map(|(name, config)| {
                    let values = Values::read(config).map_err(|e| format!("its {name}: {e}"))?;
                    Ok((role_named(name), values))
                })
                .collect::<Result<_, String>>()?,
            None => BTreeMap::from([(None, Values::read(&value)?)]),
        };
        Ok(EffectiveConfig { roles })
    }

    /// As [`EffectiveConfig::from_json`], for a stream (standard input) read with the 4 MiB
    /// cap of every source.
    ///
    /// # Errors
    ///
    /// A stream over the cap or not UTF-8, the read error, or why the JSON is not `show`'s.
    pub fn from_reader(reader: impl std::io::Read) -> Result<Self, String> {
        Self::from_json(&crate::load::read_config_stream(reader)?)
    }

    /// As [`EffectiveConfig::from_json`], for a file read the way config files are (a
    /// regular file of at most 4 MiB).
    ///
    /// # Errors
    ///
    /// Why the file cannot be read, or why its JSON is not `show`'s, in words.
    pub fn from_file(path: &std::path::Path) -> Result<Self, String> {
        Self::from_json(&crate::load::read_config_file(path)?)
    }

    /// The roles it holds, in words ("the config", "the leader and worker configs").
    fn held(&self) -> String {
        let names: Vec<String> = self
            .roles
            .keys()
            .map(|role| role.map_or_else(|| "one config".into(), |r| format!("the {r}'s")))
            .collect();
        names.join(" and ")
    }
}

/// The role a per-role wrapper names (`leader`, `worker`).
fn role_named(name: &str) -> Option<Role> {
    match name {
        "leader" => Some(Role::Leader),
        "worker" => Some(Role::Worker),
        _ => None,
    }
}

impl Values {
    /// One config, as a tree (`show --format json`) or a list of entries (`--origin`).
    fn read(value: &Json) -> Result<Values, String> {
        match value {
            Json::Object(tree) => Self::from_tree(tree),
            Json::Array(entries) => Self::from_entries(entries),
            _ => Err("neither a config nor a list of settings".into()),
        }
    }

    /// `show --format json`: every section the config always has, and no other key.
    fn from_tree(tree: &serde_json::Map<String, Json>) -> Result<Values, String> {
        let sections = sections();
        if let Some(name) = tree.keys().find(|name| !sections.contains(name.as_str())) {
            return Err(format!("{} is not a section of the config", quoted(name)));
        }
        if let Some(missing) = always_shown_sections()
            .into_iter()
            .find(|name| !tree.contains_key(name))
        {
            return Err(format!(
                "the section `{missing}` is missing: not what `show --format json` writes"
            ));
        }
        let tree = Json::Object(tree.clone());
        let values = registry::settings()
            .iter()
            .map(|setting| (setting.key, (value_at(&tree, setting.key).cloned(), None)))
            .collect();
        Ok(Values(values))
    }

    /// `show --format json --origin`: one `{"key", "value", "origin"}` per setting, each
    /// setting of every config present once.
    fn from_entries(entries: &[Json]) -> Result<Values, String> {
        let mut values = BTreeMap::new();
        for entry in entries {
            let key = entry
                .get("key")
                .and_then(Json::as_str)
                .ok_or("an entry has no \"key\"")?;
            let setting = registry::setting(key)
                .ok_or_else(|| format!("{} is not a setting", quoted(key)))?;
            let origin = entry
                .get("origin")
                .and_then(Json::as_str)
                .ok_or_else(|| format!("the entry of `{}` has no \"origin\"", setting.key))?;
            let value = entry.get("value").filter(|v| !v.is_null()).cloned();
            if values
                .insert(setting.key, (value, Some(origin.to_string())))
                .is_some()
            {
                return Err(format!("`{}` is listed twice", setting.key));
            }
        }
        let missing = registry::settings()
            .iter()
            .find(|setting| setting.applies_to.is_empty() && !values.contains_key(setting.key));
        if let Some(setting) = missing {
            return Err(format!(
                "`{}` is missing: not what `show --format json --origin` writes",
                setting.key
            ));
        }
        Ok(Values(values))
    }

    /// The value of `setting` (`None` when unset) and its origin.
    fn get(&self, setting: &Setting) -> (Option<&Json>, Option<&str>) {
        match self.0.get(setting.key) {
            Some((value, origin)) => (value.as_ref(), origin.as_deref()),
            None => (None, None),
        }
    }
}

/// The top-level names of the config (`tokio`, `nova`, …).
fn sections() -> BTreeSet<&'static str> {
    registry::settings()
        .iter()
        .filter_map(|setting| setting.key.split('.').next())
        .collect()
}

/// The sections `show --format json` writes whatever the config: those of the defaults.
fn always_shown_sections() -> Vec<String> {
    match serde_json::to_value(KvbmConfig::default()) {
        Ok(Json::Object(tree)) => tree.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// Input text quoted and made safe for a terminal, for messages.
fn quoted(text: &str) -> String {
    escape_terminal(&format!("{text:?}")).into_owned()
}

/// A setting whose value differs between two effective configs.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Difference {
    /// The role both sides were shown for, when the input came from `show --role all`.
    pub role: Option<Role>,
    /// The setting.
    pub setting: &'static Setting,
    /// Each side's value as JSON writes it (credentials redacted, terminal-safe), `None`
    /// when unset.
    pub values: [Option<String>; 2],
    /// Each side's origin, when the input came from `show --format json --origin`.
    pub origins: [Option<String>; 2],
}

/// Every setting whose value differs between `left` and `right`, role by role, in
/// registry order; those with [`Setting::agree`] are the ones that must not. Values are
/// compared by meaning ([`super::compared`]). A single config is compared with each role of
/// a per-role input.
///
/// # Errors
///
/// Both inputs are per role but hold different roles (the leader's and the worker's
/// against the leader's alone).
pub fn differences(
    left: &EffectiveConfig,
    right: &EffectiveConfig,
) -> Result<Vec<Difference>, String> {
    let pairs = role_pairs(left, right)?;
    Ok(pairs
        .into_iter()
        .flat_map(|(role, left, right)| {
            registry::settings()
                .iter()
                .filter_map(move |setting| difference(role, setting, left, right))
        })
        .collect())
}

/// Two configs to compare, and the role they were shown for.
type Pair<'a> = (Option<Role>, &'a Values, &'a Values);

/// The configs to compare, role by role.
fn role_pairs<'a>(
    left: &'a EffectiveConfig,
    right: &'a EffectiveConfig,
) -> Result<Vec<Pair<'a>>, String> {
    let single = |side: &'a EffectiveConfig| side.roles.get(&None);
    match (single(left), single(right)) {
        (Some(l), Some(r)) => Ok(vec![(None, l, r)]),
        (Some(l), None) => Ok(right.roles.iter().map(|(role, r)| (*role, l, r)).collect()),
        (None, Some(r)) => Ok(left.roles.iter().map(|(role, l)| (*role, l, r)).collect()),
        (None, None) if left.roles.keys().eq(right.roles.keys()) => Ok(left
            .roles
            .iter()
            .map(|(role, l)| (*role, l, &right.roles[role]))
            .collect()),
        (None, None) => Err(format!(
            "the left holds {} and the right {}: compare the same roles",
            left.held(),
            right.held()
        )),
    }
}

/// The difference of one setting between two configs, if their values differ by meaning.
fn difference(
    role: Option<Role>,
    setting: &'static Setting,
    left: &Values,
    right: &Values,
) -> Option<Difference> {
    let (l, r) = (left.get(setting), right.get(setting));
    if compared(setting, l.0) == compared(setting, r.0) {
        return None;
    }
    // The input is another process's output, redacted or not: redact it again, by the
    // structure (credential-named entries at any depth) and by the setting's name.
    let shown = |value: Option<&Json>| {
        value.map(|value| {
            let structural = crate::secret::redacted(value).to_string();
            let redacted = redact_value(setting.key, &structural).into_owned();
            escape_terminal(&redacted).into_owned()
        })
    };
    let origin = |origin: Option<&str>| origin.map(|o| escape_terminal(o).into_owned());
    Some(Difference {
        role,
        setting,
        values: [shown(l.0), shown(r.0)],
        origins: [origin(l.1), origin(r.1)],
    })
}
