//! The registry of every setting: key, type, environment variable, constraint and doc.
//!
//! Nothing here is written by hand. Each section module declares its settings once with
//! the `settings!` table (see `src/declare/`); [`settings`] walks those declarations from
//! [`KvbmConfig`](crate::KvbmConfig) down and lists every setting under its dotted key. The
//! loader checks every file and JSON key against this list and maps every `KVBM_*`
//! variable with it; the template, the README tables, the JSON Schema and the operator
//! command render it.
//!
//! Keys are written in the tagged form: a discovery field is `nova.discovery.cluster_id`
//! whichever spelling the source used, and [`Setting::applies_to`] says which variants
//! (`type = ...`) have it.

pub(crate) mod value;

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

use figment::value::Value;

use crate::declare::{Collector, Rule, Section};

pub use crate::declare::{Kind, UInt};
pub use value::render;

/// The variable that names the user config file (layer 3); not a config key itself.
pub const CONFIG_PATH_ENV: &str = "KVBM_CONFIG_PATH";

/// What a setting declared `agree` means, in the words `explain`, the README table and the
/// template use.
pub const AGREE_TEXT: &str = "must be the same in every process of a deployment";

/// Prefix of every variable this crate reads.
pub(crate) const ENV_PREFIX: &str = "KVBM_";

/// The tables whose settings upstream's releases (`kvbm-config` 1.x) read from the
/// environment, by their keys here. A release maps `KVBM_` + a table's path + `_` + the
/// field, upper case (figment's prefix rule), with the transport table named `messenger`:
/// `KVBM_CACHE_HOST_CACHE_SIZE_GB` is `cache.host.cache_size_gb`. Every such name that
/// differs from a setting's own variable is read as an alias of it ([`Setting::aliases`]).
const RELEASED_ENV_TABLES: &[&str] = &[
    crate::key::tokio::TABLE,
    crate::key::rayon::TABLE,
    crate::key::nova::backend::TABLE,
    crate::key::nova::discovery::TABLE,
    crate::key::nixl::TABLE,
    crate::key::cache::host::TABLE,
    crate::key::cache::disk::TABLE,
    crate::key::events::TABLE,
    crate::key::events::batching::TABLE,
];

/// Top-level tables that upstream's releases name otherwise, as (released name, name
/// here): the transport table is `messenger` there, `nova` here (the specification's).
/// Files, JSON documents, figments and variables accept both names for one table.
pub const RELEASED_TABLE_NAMES: &[(&str, &str)] = &[("messenger", "nova")];

/// The dotted `key` with a released top-level name replaced by this crate's
/// (`messenger.backend.tcp_port` → `nova.backend.tcp_port`); other keys as they are.
pub(crate) fn canonical_key(key: &str) -> std::borrow::Cow<'_, str> {
    let (first, rest) = key
        .split_once('.')
        .map_or((key, None), |(f, r)| (f, Some(r)));
    match RELEASED_TABLE_NAMES
        .iter()
        .find(|(released, _)| *released == first)
    {
        Some((_, canonical)) => match rest {
            Some(rest) => format!("{canonical}.{rest}").into(),
            None => (*canonical).into(),
        },
        None => key.into(),
    }
}

/// The variable upstream's releases read for `key`, if they read one.
fn released_env_name(key: &str) -> Option<String> {
    // `cache.parallelism` sits in `cache`, which releases map only for this one key.
    let table = key.rsplit_once('.').map_or("", |(table, _)| table);
    if key != crate::key::cache::PARALLELISM && !RELEASED_ENV_TABLES.contains(&table) {
        return None;
    }
    let (first, rest) = key.split_once('.').unwrap_or((key, ""));
    let released = match RELEASED_TABLE_NAMES
        .iter()
        .find(|(_, canonical)| *canonical == first)
    {
        Some((released, _)) => format!("{released}.{rest}"),
        None => key.to_string(),
    };
    Some(env_name(&released))
}

/// The rules in words, joined by "; " (`≥ 1`); empty when any value of the type is valid.
fn constraint_text(rules: &[Rule]) -> &'static str {
    match rules {
        [] => "",
        rules => leak_str(
            rules
                .iter()
                .map(|rule| rule.text())
                .collect::<Vec<_>>()
                .join("; "),
        ),
    }
}

/// The variable of the setting at `key`, unless its declaration names another: `KVBM_` and
/// the key in upper case, each dot an underscore (`cache.disk.use_gds` is
/// `KVBM_CACHE_DISK_USE_GDS`). One rule for every setting, so a new one needs no `env:`.
pub fn env_name(key: &str) -> String {
    format!("{ENV_PREFIX}{}", key.to_ascii_uppercase().replace('.', "_"))
}

/// One setting: everything the loader, the docs and the operator command know about it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Setting {
    /// Dotted key in the tagged form, e.g. `cache.host.cache_size_gb`.
    pub key: &'static str,
    /// The `KVBM_*` variable that sets it.
    pub env: &'static str,
    /// Other variables that set it: the names upstream's releases read where they differ
    /// from [`Setting::env`] (`KVBM_MESSENGER_BACKEND_TCP_PORT`,
    /// `KVBM_CACHE_HOST_CACHE_SIZE_GB`). Two names of one setting set to different values
    /// are an error.
    pub aliases: &'static [&'static str],
    /// The value type.
    pub kind: Kind,
    /// `true` when the setting may be absent (an `Option`); JSON `null` then unsets it.
    pub optional: bool,
    /// For fields of a one-of table: the variants (`type` values) that have the field.
    pub applies_to: &'static [&'static str],
    /// The constraint checked at load, in words; empty when any value of the type is valid.
    pub constraint: &'static str,
    /// One-line description.
    pub doc: &'static str,
    /// An example value as TOML writes it, for settings whose default is "unset" or
    /// machine-dependent (used by the template).
    pub example: Option<&'static str>,
    /// For a default that depends on the machine (the Rayon thread count), the default in
    /// words; such a default is never written into generated files.
    pub machine_default: Option<&'static str>,
    /// Declared `secret`: the value may hold a credential, so every output shows it only
    /// through the redaction rule.
    pub secret: bool,
    /// Declared `agree`: every process of one deployment must have the same value (see
    /// [`crate::agreement`]).
    pub agree: bool,
    /// Declared `nullable`: JSON `null` means the default, as it did for upstream's
    /// `Option` field (`"max_blocking_threads": null`).
    pub nullable: bool,
    /// The Rust struct whose `settings!` table declares it (`TokioConfig`); empty for the
    /// `type` key of a one-of table.
    pub owner: &'static str,
    pub(crate) rules: &'static [Rule],
    default: fn() -> Option<Value>,
}

impl PartialEq for Setting {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Setting {}

impl Setting {
    /// `true` for the `type` key of a one-of table (`nova.discovery.type`, `object.client.type`).
    pub fn is_variant_tag(&self) -> bool {
        self.key.ends_with(".type")
    }

    /// The default as `explain`, the template and the schema say it: the value (or words),
    /// and for a setting of an optional table the defaults leave out, when it holds.
    pub fn default_text(&self) -> String {
        let text = self.default_value_text();
        match self.default_condition() {
            Some(condition) => format!("{text} ({condition})"),
            None => text,
        }
    }

    /// When the default holds, for a setting of an optional table the defaults leave out
    /// (`when `[cache.prefetch]` is present`); `None` when it always does.
    pub fn default_condition(&self) -> Option<String> {
        let table = self.absent_table()?;
        (self.applies_to.is_empty() && !self.is_variant_tag())
            .then(|| format!("when `[{table}]` is present"))
    }

    /// The default alone, as TOML writes it, or in words (`none`, `none (required)`, the
    /// machine's words).
    pub fn default_value_text(&self) -> String {
        if let Some(words) = self.machine_default {
            return words.to_string();
        }
        match self.default_value() {
            Some(value) => render(&value),
            None if !self.optional && !self.is_variant_tag() => "none (required)".to_string(),
            None => "none".to_string(),
        }
    }

    /// The optional table this setting sits in (itself or an ancestor) when the defaults
    /// leave that table out: its settings have defaults only once the table is written.
    pub fn absent_table(&self) -> Option<&'static str> {
        let mut table = self.table();
        while !table.is_empty() {
            if registry().is_optional_section(table) && defaults().find_ref(table).is_none() {
                return Some(table);
            }
            table = table.rsplit_once('.').map_or("", |(parent, _)| parent);
        }
        None
    }

    /// The declared default as a value tree; `None` when it is unset. Required text (a
    /// cluster id, a path) defaults to "" only so that serde can fill it in; validation
    /// rejects it, so this gives `None` for it too.
    pub fn default_value(&self) -> Option<Value> {
        // A setting outside a one-of table has its default where `KvbmConfig::default()`
        // puts it: a table used at several keys (an offload hop) has a default per key.
        // A setting of an optional table the defaults leave out has its declared default,
        // which holds once the table is written.
        let value = match self.applies_to {
            [] => defaults()
                .find_ref(self.key)
                .cloned()
                .or_else(|| self.absent_table().and_then(|_| (self.default)())),
            _ => (self.default)(),
        }?;
        let required_text = matches!(&value, Value::String(_, s) if s.is_empty());
        (!required_text).then_some(value)
    }

    /// The smallest and largest number the declared rules allow (`None`: no bound beyond
    /// the type's). No bound depends on the machine that checks.
    pub fn bounds(&self) -> (Option<u64>, Option<u64>) {
        self.rules.iter().fold((None, None), |(low, high), rule| {
            let (l, h) = rule.bounds();
            (l.or(low), h.or(high))
        })
    }

    /// Whether a declared rule forbids setting it together with a sibling (`not_with`).
    pub(crate) fn excludes_another(&self) -> bool {
        self.rules
            .iter()
            .any(|rule| matches!(rule, Rule::NotWith(_)))
    }

    /// Whether a declared rule checks the value as one URL (`url`).
    pub(crate) fn is_url(&self) -> bool {
        self.rules.contains(&Rule::Url)
    }

    /// Whether a declared rule checks the value as a list of endpoints (`etcd_endpoints`),
    /// whose order means nothing.
    pub(crate) fn is_endpoint_set(&self) -> bool {
        self.rules.contains(&Rule::EtcdEndpoints)
    }

    /// What `kvbm-config explain` prints about the setting: doc, type, default, variable,
    /// constraint and the variants that have it.
    pub fn explain(&self) -> String {
        let mut out = format!("{}\n  {}.\n", self.key, self.doc);
        let mut line = |label: &str, text: &str| {
            out.push_str(&format!("  {label:<12}{text}\n"));
        };
        line("type:", &self.kind.describe());
        line("default:", &self.default_text());
        line("env:", self.env);
        if !self.aliases.is_empty() {
            line(
                "also:",
                &format!(
                    "{} (as upstream's releases name it)",
                    self.aliases.join(", ")
                ),
            );
        }
        if !self.constraint.is_empty() {
            line("constraint:", self.constraint);
        }
        if self.agree {
            line("agreement:", AGREE_TEXT);
        }
        if !self.applies_to.is_empty() {
            line(
                "applies to:",
                &format!("type = {}", self.applies_to.join(" | ")),
            );
        }
        out
    }

    /// The name of the setting within its table (the last part of the key).
    pub fn name(&self) -> &'static str {
        self.key.rsplit('.').next().unwrap_or(self.key)
    }

    /// The table the setting sits in (`cache.host` for `cache.host.cache_size_gb`).
    pub fn table(&self) -> &'static str {
        self.key.rsplit_once('.').map_or("", |(table, _)| table)
    }
}

/// `KvbmConfig::default()` as a value tree, made once.
fn defaults() -> &'static Value {
    static DEFAULTS: OnceLock<Value> = OnceLock::new();
    DEFAULTS.get_or_init(|| {
        Value::serialize(crate::KvbmConfig::default())
            .unwrap_or_else(|_| crate::registry::value::table_value(figment::value::Dict::new()))
    })
}

/// Every setting, in declaration order (the order the reference documents them).
pub fn settings() -> &'static [Setting] {
    registry().settings
}

/// What a dotted key names.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Node {
    /// A setting.
    Leaf(&'static Setting),
    /// A table; the `usize` indexes its children in [`Registry::children`].
    Section(usize),
}

/// What a table is beyond its children, by section id: whether it may be absent or
/// `null`, and its variants when it is a one-of table. (The merge asks this of every
/// table of every source: one lookup, not a scan of the lists.)
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TableInfo {
    /// The table may be absent or set to JSON `null` (unset by a higher layer).
    pub optional: bool,
    /// The variant names of a one-of table.
    pub variants: Option<&'static [&'static str]>,
    /// What `null` means for the table, as the tree a source would write for it: every
    /// optional setting left unset is `null`, so it unsets a lower layer's value.
    pub null: Option<&'static Value>,
}

impl TableInfo {
    /// Whether the table's presence is itself a setting (`object = {}` turns G4 on; a
    /// one-of table's variant), so that it needs a source even when it holds no leaf.
    pub(crate) fn presence_matters(&self) -> bool {
        self.optional || self.variants.is_some()
    }
}

/// The settings and the lookup tables built from them, once per process.
pub(crate) struct Registry {
    settings: &'static [Setting],
    /// What each key names, and its slot: its place in `keys`.
    nodes: HashMap<&'static str, (Node, usize)>,
    /// Every key that names something (the root `""`, tables, settings), sorted: a slot
    /// indexes it, so a table of slots lists keys in order.
    keys: Vec<&'static str>,
    children: Vec<Vec<&'static str>>,
    /// By section id, as `children`.
    tables: Vec<TableInfo>,
    by_env: HashMap<&'static str, usize>,
    /// One-of tables: their key and variant names.
    pub(crate) variant_tables: Vec<(&'static str, &'static [&'static str])>,
}

/// The registry, built from the declarations on first use.
pub(crate) fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut collector = Collector::default();
        <crate::KvbmConfig as Section>::declare(&mut collector, "", None);
        Registry::build(collector)
    })
}

/// Registry keys and lists live as long as the process; they are made once.
fn leak<T>(value: Vec<T>) -> &'static [T] {
    Box::leak(value.into_boxed_slice())
}

fn leak_str(value: String) -> &'static str {
    Box::leak(value.into_boxed_str())
}

impl Registry {
    fn build(collector: Collector) -> Registry {
        let settings: &'static [Setting] = leak(
            collector
                .settings
                .into_iter()
                .map(|(key, declared, variants)| {
                    let env = declared.env.unwrap_or_else(|| leak_str(env_name(&key)));
                    let aliases: Vec<&'static str> = released_env_name(&key)
                        .filter(|released| released != env)
                        .map(leak_str)
                        .into_iter()
                        .collect();
                    (key, declared, variants, env, aliases)
                })
                .map(|(key, declared, variants, env, aliases)| Setting {
                    env,
                    aliases: leak(aliases),
                    key: leak_str(key),
                    kind: declared.kind,
                    optional: declared.optional,
                    applies_to: leak(variants),
                    constraint: constraint_text(declared.rules),
                    doc: declared.doc.trim().trim_end_matches('.'),
                    example: declared.example,
                    machine_default: declared.machine,
                    secret: declared.secret,
                    agree: declared.agree,
                    nullable: declared.nullable,
                    owner: declared.owner,
                    rules: declared.rules,
                    default: declared.default,
                })
                .collect(),
        );
        let mut registry = Registry {
            settings,
            nodes: HashMap::default(),
            keys: Vec::new(),
            children: vec![Vec::new()],
            tables: Vec::new(),
            by_env: HashMap::default(),
            variant_tables: collector
                .variant_tables
                .into_iter()
                .map(|(table, names)| (leak_str(table), leak(names)))
                .collect(),
        };
        registry.nodes.insert("", (Node::Section(0), 0));
        debug_assert!(
            settings
                .iter()
                .all(|f| f.rules.iter().all(|r| r.fits(f.kind))),
            "a declared rule cannot check its setting's type"
        );
        for (i, setting) in settings.iter().enumerate() {
            registry.by_env.insert(setting.env, i);
            for alias in setting.aliases {
                registry.by_env.insert(alias, i);
            }
            let mut parent = 0;
            for (end, _) in setting.key.match_indices('.') {
                parent = registry.section(&setting.key[..end], parent);
            }
            registry.children[parent].push(setting.name());
            registry.nodes.insert(setting.key, (Node::Leaf(setting), 0));
        }
        // Tables without settings of their own (`presence = {}`) are tables too.
        for table in &collector.sections {
            // Most tables are known already (their settings made them): leak only the name
            // of a new one, which its node then holds. (The fuzzer's leak check found the
            // names leaked for nothing.)
            if registry.nodes.contains_key(table.as_str()) {
                continue;
            }
            let mut parent = 0;
            let table: &'static str = leak_str(table.clone());
            for (end, _) in table.match_indices('.').chain([(table.len(), "")]) {
                parent = registry.section(&table[..end], parent);
            }
        }
        registry.keys = registry.nodes.keys().copied().collect();
        registry.keys.sort_unstable();
        for (slot, key) in registry.keys.iter().enumerate() {
            if let Some(entry) = registry.nodes.get_mut(key) {
                entry.1 = slot;
            }
        }
        registry.tables = vec![TableInfo::default(); registry.children.len()];
        for key in &collector.optional_sections {
            let id = registry.section_id(key);
            registry.tables[id].optional = true;
        }
        for &(key, variants) in &registry.variant_tables {
            let id = registry.section_id(key);
            registry.tables[id].variants = Some(variants);
        }
        for (key, value) in collector.null_tables {
            let id = registry.section_id(&key);
            let value = registry.with_unset_leaves(&key, value);
            registry.tables[id].null = Some(Box::leak(Box::new(value)));
        }
        registry
    }

    /// `value`, the table at `key`, with every optional setting under it that it leaves
    /// unset written as `null`.
    fn with_unset_leaves(&self, key: &str, value: Value) -> Value {
        let Value::Dict(tag, mut dict) = value else {
            return value;
        };
        let prefix = format!("{key}.");
        for setting in self
            .settings
            .iter()
            .filter(|s| s.optional && s.applies_to.is_empty())
        {
            if let Some(name) = setting
                .key
                .strip_prefix(&prefix)
                .filter(|n| !n.contains('.'))
            {
                dict.entry(name.to_string())
                    .or_insert_with(value::null_value);
            }
        }
        Value::Dict(tag, dict)
    }

    /// The id of the table `key`, which the declarations made a table.
    fn section_id(&self, key: &str) -> usize {
        match self.node(key) {
            Some(Node::Section(id)) => id,
            _ => unreachable!("`{key}` is declared as a table"),
        }
    }

    fn section(&mut self, path: &'static str, parent: usize) -> usize {
        if let Some((Node::Section(id), _)) = self.nodes.get(path) {
            return *id;
        }
        let id = self.children.len();
        self.children.push(Vec::new());
        self.nodes.insert(path, (Node::Section(id), 0));
        let name = path.rsplit('.').next().unwrap_or(path);
        self.children[parent].push(name);
        id
    }

    /// What `key` names, if anything.
    pub(crate) fn node(&self, key: &str) -> Option<Node> {
        self.nodes.get(key).map(|(node, _)| *node)
    }

    /// What `key` names and its slot (its place among all keys, in key order).
    pub(crate) fn lookup(&self, key: &str) -> Option<(Node, usize)> {
        self.nodes.get(key).copied()
    }

    /// How many keys name something: slots run from 0 to this.
    pub(crate) fn slot_count(&self) -> usize {
        self.keys.len()
    }

    /// The key in `slot`.
    pub(crate) fn key_at(&self, slot: usize) -> &'static str {
        self.keys[slot]
    }

    /// The slots of the keys that start with `prefix`, in key order.
    pub(crate) fn slots_starting_with(&self, prefix: &str) -> std::ops::Range<usize> {
        let start = self.keys.partition_point(|key| *key < prefix);
        let len = self.keys[start..].partition_point(|key| key.starts_with(prefix));
        start..start + len
    }

    /// The names allowed inside the section `id`.
    pub(crate) fn children(&self, id: usize) -> &[&'static str] {
        &self.children[id]
    }

    /// The setting a `KVBM_*` variable maps to.
    pub(crate) fn by_env(&self, var: &str) -> Option<&'static Setting> {
        self.by_env.get(var).map(|&i| &self.settings[i])
    }

    /// What the table `id` is beyond its children.
    pub(crate) fn table(&self, id: usize) -> TableInfo {
        self.tables[id]
    }

    /// What the table at `key` is; the default (nothing) for a key that is no table.
    fn table_at(&self, key: &str) -> TableInfo {
        match self.node(key) {
            Some(Node::Section(id)) => self.table(id),
            _ => TableInfo::default(),
        }
    }

    /// The variants of the one-of table at `key`, if it is one.
    pub(crate) fn variants_of(&self, key: &str) -> Option<&'static [&'static str]> {
        self.table_at(key).variants
    }

    /// Whether `key` is a table that may be absent or `null`.
    pub(crate) fn is_optional_section(&self, key: &str) -> bool {
        self.table_at(key).optional
    }
}

/// The tables whose JSON `null` means a value of theirs (`nixl`: no backend;
/// `cache.disk`: no disk tier), by key.
#[cfg(feature = "schema")]
pub(crate) fn null_tables() -> impl Iterator<Item = &'static str> {
    let registry = registry();
    registry
        .keys
        .iter()
        .copied()
        .filter(|key| matches!(registry.node(key), Some(Node::Section(id)) if registry.table(id).null.is_some()))
}

/// Looks up the setting at `key` (dotted, tagged form).
pub fn setting(key: &str) -> Option<&'static Setting> {
    match registry().node(key) {
        Some(Node::Leaf(setting)) => Some(setting),
        _ => None,
    }
}

/// Looks up the setting a `KVBM_*` variable maps to.
pub fn setting_for_env(var: &str) -> Option<&'static Setting> {
    registry().by_env(var)
}

/// The registered key closest to `key`, for "did you mean ...?".
///
/// A near spelling of the whole key wins; failing that, a key of the same section whose
/// last part contains the given one (`cache.host.size` → `cache.host.cache_size_gb`).
pub fn closest_key(key: &str) -> Option<&'static str> {
    if let Some(near) = crate::suggest::closest(key, settings().iter().map(|f| f.key)) {
        return Some(near);
    }
    let (section, leaf) = key.rsplit_once('.')?;
    let leaf = leaf.to_ascii_lowercase();
    settings().iter().map(|f| f.key).find(|candidate| {
        candidate
            .rsplit_once('.')
            .is_some_and(|(s, l)| s == section && !leaf.is_empty() && l.contains(leaf.as_str()))
    })
}

/// The `KVBM_*` variable closest to `var`, for "did you mean ...?".
pub(crate) fn closest_env(var: &str) -> Option<&'static str> {
    let names = settings()
        .iter()
        .flat_map(|f| std::iter::once(f.env).chain(f.aliases.iter().copied()));
    crate::suggest::closest(var, names.chain([CONFIG_PATH_ENV]))
}

/// The setting a dotted key or a `KVBM_*` variable names.
///
/// # Errors
///
/// For an unknown name, a message naming the closest key or variable.
pub fn lookup(name: &str) -> Result<&'static Setting, String> {
    setting(name)
        .or_else(|| setting(&canonical_key(name)))
        .or_else(|| setting_for_env(name))
        .ok_or_else(|| {
            let hint = closest_key(name)
                .or_else(|| closest_env(name))
                .map(|near| format!("; did you mean `{near}`?"))
                .unwrap_or_else(|| "; `kvbm-config template` lists every setting".into());
            format!("unknown setting `{name}`{hint}")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_declared_rule_can_check_its_settings_type() {
        for setting in settings() {
            for rule in setting.rules {
                assert!(
                    rule.fits(setting.kind),
                    "{}: {rule:?} on {:?}",
                    setting.key,
                    setting.kind
                );
            }
        }
    }

    #[test]
    fn env_is_declared_only_where_it_is_not_the_keys() {
        let mut collector = Collector::default();
        <crate::KvbmConfig as Section>::declare(&mut collector, "", None);
        let mut named = Vec::new();
        for (key, declared, _) in &collector.settings {
            if let Some(env) = declared.env {
                assert_ne!(
                    env,
                    env_name(key),
                    "`{key}`: leave `env:` out, the key gives it"
                );
                named.push(key.as_str());
            }
        }
        // The specification's names of the two cache sizes are not their keys'.
        assert_eq!(
            named,
            ["cache.host.cache_size_gb", "cache.disk.cache_size_gb"]
        );
        assert_eq!(env_name("cache.disk.use_gds"), "KVBM_CACHE_DISK_USE_GDS");
    }

    #[test]
    fn settings_shared_by_variants_are_one_entry() {
        let cluster_id = setting("nova.discovery.cluster_id").unwrap();
        assert_eq!(cluster_id.applies_to, ["etcd", "p2p"]);
        let bucket = setting("object.client.bucket").unwrap();
        assert_eq!(bucket.applies_to, ["s3", "nixl"]);
        let keys: std::collections::HashSet<&str> = settings().iter().map(|f| f.key).collect();
        assert_eq!(keys.len(), settings().len(), "each key once");
    }
}
