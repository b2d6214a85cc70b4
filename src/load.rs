//! The loader: five layers, resolved per source, merged in precedence order, checked.
//!
//! ```text
//!  1 defaults  <  2 system file  <  3 KVBM_CONFIG_PATH file  <  4 KVBM_* env  <  5 JSON
//! ```
//!
//! Each source is handled on its own first. A file or JSON document is parsed, split into
//! its plain tables and its `default` / `leader` / `worker` profile tables, and every table is
//! checked against [`crate::schema::FIELDS`] (unknown keys, types, names), so each problem
//! is reported with the exact source it came from. Within a source the plain tables, then
//! `default`, then the selected role's table are merged. Only then are the sources merged,
//! lowest first, so a higher layer always beats a lower one, whatever profile either value
//! came from. (figment's own profiles cannot do this: a selected profile beats `default`
//! regardless of provider order, so a file's `[leader]` value would beat an env variable.)
//!
//! Merging replaces leaves and merges tables, with two exceptions: lists and
//! `nixl.backends` are leaves (a source gives the complete value), and a one-of table whose
//! `type` changes is replaced, not merged into the other variant's fields.
//!
//! Every leaf set remembers its [`Source`], which feeds both error messages and the
//! [`LoadReport`]. The merged tree is then deserialized into [`KvbmConfig`] and validated.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Provider};

use crate::env::{insert_at, EnvLayer};
use crate::error::{ConfigError, Problem, ProblemKind, Warning, EXCLUSIVE_CODE};
use crate::file::TomlFile;
use crate::report::{LoadReport, Loaded};
use crate::schema::{self, Node, CONFIG_PATH_ENV, OPTIONAL_SECTIONS, VARIANT_TABLES};
use crate::source::{FileLayer, Profile, Role, Source};
use crate::variant::{quoted_list, to_tagged_form, TYPE_KEY};
use crate::KvbmConfig;

/// Path of the system config file (layer 2) that [`Loader::from_process`] reads.
pub const SYSTEM_CONFIG_PATH: &str = "/opt/dynamo/etc/kvbm.toml";

/// Builds a [`KvbmConfig`] from explicitly given sources.
///
/// [`Loader::new`] starts with no source at all (defaults only) and reads nothing from the
/// process, so tests can inject an environment and files freely and run in parallel.
/// [`Loader::from_process`] starts from the real process: the system file and the process
/// environment. The `KvbmConfig::from_*` entry points are thin wrappers over it.
///
/// # Examples
///
/// ```
/// use kvbm_config::{Loader, Role};
///
/// let loaded = Loader::new()
///     .env([("KVBM_TOKIO_WORKER_THREADS", "1")])
///     .json(r#"{ "leader": { "cache": { "host": { "cache_size_gb": 2.0 } } } }"#)
///     .role(Role::Leader)
///     .load()?;
/// assert_eq!(loaded.config.cache.host.cache_size_gb, Some(2.0));
/// assert_eq!(
///     loaded.report.origin("tokio.worker_threads").to_string(),
///     "env KVBM_TOKIO_WORKER_THREADS"
/// );
/// # Ok::<(), kvbm_config::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Loader {
    system_file: Option<PathBuf>,
    user_file: Option<PathBuf>,
    env: Vec<(OsString, OsString)>,
    json: Option<String>,
    role: Option<Role>,
    cpu_count: usize,
    strict: bool,
}

impl Default for Loader {
    fn default() -> Self {
        Self::new()
    }
}

impl Loader {
    /// A loader with no sources: no files, an empty environment, no JSON, no role.
    pub fn new() -> Self {
        Loader {
            system_file: None,
            user_file: None,
            env: Vec::new(),
            json: None,
            role: None,
            cpu_count: num_cpus::get(),
            strict: false,
        }
    }

    /// A loader over the real process: [`SYSTEM_CONFIG_PATH`] (skipped if missing) and a
    /// snapshot of the process environment (so `KVBM_CONFIG_PATH` and `KVBM_*` apply).
    pub fn from_process() -> Self {
        Loader::new()
            .system_file(SYSTEM_CONFIG_PATH)
            .env(std::env::vars_os())
    }

    /// Reads layer 2 from `path`. A missing system file is skipped; a malformed one is an error.
    pub fn system_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.system_file = Some(path.into());
        self
    }

    /// Does not read any system file.
    pub fn no_system_file(mut self) -> Self {
        self.system_file = None;
        self
    }

    /// Reads layer 3 from `path` instead of the file named by `KVBM_CONFIG_PATH`.
    /// Unlike the system file, it must exist.
    pub fn user_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.user_file = Some(path.into());
        self
    }

    /// Uses `vars` as the environment (replacing any given before). Only `KVBM_*` variables
    /// are looked at; the rest may be passed freely (e.g. `std::env::vars_os()`).
    pub fn env<I, K, V>(mut self, vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<OsString>,
        V: Into<OsString>,
    {
        self.env = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        self
    }

    /// Uses `json` as layer 5: a flat config document or one with `default`, `leader` and
    /// `worker` keys (vLLM's `kv_connector_extra_config`).
    pub fn json(mut self, json: impl Into<String>) -> Self {
        self.json = Some(json.into());
        self
    }

    /// Selects the `leader` or `worker` tables of every file and JSON document. Without a
    /// role only the plain and `default` tables apply.
    pub fn role(mut self, role: Role) -> Self {
        self.role = Some(role);
        self
    }

    /// The CPU count `tokio.worker_threads` is checked against. Default: this machine's.
    pub fn cpu_count(mut self, cpus: usize) -> Self {
        self.cpu_count = cpus;
        self
    }

    /// Strict mode: every warning (an unknown `KVBM_*` variable, an empty one, a shadowed
    /// setting, ...) fails the load as a problem of kind [`ProblemKind::Warning`].
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Loads, merges and validates every source.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] listing every problem of every source: unreadable or malformed
    /// files and JSON, unknown keys, values of the wrong type, unparsable variables and
    /// failed constraints.
    pub fn load(&self) -> Result<Loaded, ConfigError> {
        let mut assembly = self.assemble();
        let config = finish(&mut assembly, self.cpu_count);
        if let Some(config) = &config {
            let found = crate::report::semantic_warnings(config, &assembly.origins.0, self.role);
            assembly.warnings.extend(found);
        }
        if self.strict {
            let warnings = std::mem::take(&mut assembly.warnings);
            assembly
                .problems
                .extend(warnings.into_iter().map(Problem::from_warning));
        }
        match config {
            Some(config) if assembly.problems.is_empty() => Ok(Loaded {
                config,
                report: LoadReport {
                    origins: assembly.origins.0,
                    warnings: assembly.warnings,
                },
            }),
            _ => Err(ConfigError::new(assembly.problems)),
        }
    }

    /// The sources as a [`Figment`], one provider per source, each named like the source
    /// (`env KVBM_TOKIO_WORKER_THREADS`, `file /opt/dynamo/etc/kvbm.toml [leader]`, ...).
    ///
    /// Defaults are not in it (serde supplies them at extraction). Merge your own provider
    /// on top and call [`KvbmConfig::extract_from`]; note that figment merges tables key by
    /// key, so a `nixl.backends` table merged this way *adds* backends. Problems found while
    /// reading the sources surface as errors of the figment's extraction.
    pub fn figment(&self) -> Figment {
        let assembly = self.assemble();
        for warning in &assembly.warnings {
            tracing::warn!(target: "kvbm_config", "{warning}");
        }
        if !assembly.problems.is_empty() {
            return Figment::from(FailedSources(assembly.problems));
        }
        partition(&assembly.merged, &assembly.origins)
            .into_iter()
            .fold(Figment::new(), |figment, slice| figment.merge(slice))
    }

    /// Reads every source once and merges them in precedence order.
    fn assemble(&self) -> Assembly {
        let mut assembly = Assembly::default();
        // The environment is scanned first (it may name the user file) but its problems are
        // reported in layer order, after the files'.
        let mut env_problems = Vec::new();
        let mut env = EnvLayer::scan(&self.env, &mut env_problems, &mut assembly.warnings);
        if let Some(path) = &self.system_file {
            if let Err(reason) = self.merge_file(path, FileLayer::System, &mut assembly) {
                assembly
                    .problems
                    .push(unreadable(path, FileLayer::System, &reason));
            }
        }
        match (&self.user_file, &env.config_path) {
            (Some(path), _) => {
                if let Err(reason) = self.merge_file(path, FileLayer::User, &mut assembly) {
                    assembly
                        .problems
                        .push(unreadable(path, FileLayer::User, &reason));
                }
            }
            (None, Some(path)) => {
                let path = expand_home(path);
                if let Err(reason) = self.merge_file(&path, FileLayer::User, &mut assembly) {
                    let source = Source::Env {
                        var: CONFIG_PATH_ENV.into(),
                    };
                    let message = format!("cannot read the config file it names: {reason}");
                    let problem = Problem::new(ProblemKind::Io, CONFIG_PATH_ENV, source, message);
                    assembly
                        .problems
                        .push(problem.with_value(format!("{:?}", path.display().to_string())));
                }
            }
            (None, None) => {}
        }
        let v1_dict = std::mem::take(&mut env.v1.dict);
        let v1_source = |key: &str, _: &Value| match env.v1.vars.get(key) {
            Some(var) => Source::Env { var: var.clone() },
            None => Source::Default,
        };
        assembly.merge(v1_dict, &v1_source);
        let env_source = |key: &str, _: &Value| match env.vars.get(key) {
            Some(var) => Source::Env { var: var.clone() },
            None => Source::Default,
        };
        assembly.problems.append(&mut env_problems);
        assembly.merge(env.dict, &env_source);
        if let Some(json) = &self.json {
            match serde_json::from_str::<Dict>(json) {
                Ok(doc) => self.merge_document(
                    doc,
                    &|profile, _, _| Source::Json { profile },
                    &mut assembly,
                ),
                Err(e) => assembly.problems.push(Problem::new(
                    ProblemKind::Syntax,
                    "",
                    Source::Json { profile: None },
                    format!("not a valid JSON config document: {e}"),
                )),
            }
        }
        assembly
    }

    /// Reads, checks and merges one TOML file. A missing system file is skipped; a file
    /// that cannot be read is returned as `Err(reason)` for the caller to report, since
    /// only it knows who named the file.
    fn merge_file(
        &self,
        path: &Path,
        layer: FileLayer,
        assembly: &mut Assembly,
    ) -> Result<(), String> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && layer == FileLayer::System => {
                return Ok(())
            }
            Err(e) => return Err(e.to_string()),
        };
        let Ok(text) = String::from_utf8(bytes) else {
            return Err("the file is not valid UTF-8".into());
        };
        let source = |profile, line| Source::File {
            path: path.to_path_buf(),
            layer,
            profile,
            line,
        };
        match TomlFile::parse(&text) {
            Ok(mut file) => {
                let doc = std::mem::take(&mut file.dict);
                let source_of =
                    |profile, key: &str, _: &Value| source(profile, file.line(profile, key));
                self.merge_document(doc, &source_of, assembly);
            }
            Err(message) => assembly.problems.push(Problem::new(
                ProblemKind::Syntax,
                "",
                source(None, None),
                message,
            )),
        }
        Ok(())
    }

    /// Checks every table of one document and merges plain, `default`, then the role's.
    fn merge_document(&self, doc: Dict, source_of: &SourceOf<'_>, assembly: &mut Assembly) {
        for (profile, table) in split_profiles(doc, source_of, &mut assembly.problems) {
            let table_source = |key: &str, value: &Value| source_of(profile, key, value);
            let table = check_section(table, "", 0, &table_source, &mut assembly.problems)
                .unwrap_or_default();
            if applies(profile, self.role) {
                assembly.merge(table, &|key, value| table_source(key, value));
            }
        }
    }
}

/// Decides the source of a value from its profile table, its dotted key (for the line in a
/// file) and the value (whose figment tag names the provider, for caller-built figments).
type SourceOf<'a> = dyn Fn(Option<Profile>, &str, &Value) -> Source + 'a;

/// The source of each value of one table being checked or merged, by dotted key.
type TableSourceOf<'a> = dyn Fn(&str, &Value) -> Source + 'a;

/// The merged tree of all sources read so far, and the source of each leaf.
#[derive(Default)]
struct Assembly {
    merged: Dict,
    origins: Origins,
    problems: Vec<Problem>,
    warnings: Vec<Warning>,
}

impl Assembly {
    fn merge(&mut self, upper: Dict, source_of: &TableSourceOf<'_>) {
        merge_into(&mut self.merged, upper, "", source_of, &mut self.origins);
    }
}

/// For each dotted key that a source set, that source.
#[derive(Debug, Default)]
struct Origins(BTreeMap<String, Source>);

impl Origins {
    /// The source of `key`, of the nearest table above it that a source set (to `null`),
    /// or of the first key below it; [`Source::Default`] when none.
    fn source_for(&self, key: &str) -> Source {
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

fn join(prefix: &str, key: &str) -> String {
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
fn merge_into(
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
fn finish(assembly: &mut Assembly, cpu_count: usize) -> Option<KvbmConfig> {
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

fn unreadable(path: &Path, layer: FileLayer, reason: &str) -> Problem {
    let source = Source::File {
        path: path.to_path_buf(),
        layer,
        profile: None,
        line: None,
    };
    let what = match layer {
        FileLayer::System => "system config file",
        FileLayer::User => "user config file",
    };
    Problem::new(
        ProblemKind::Io,
        "",
        source,
        format!("cannot read the {what}: {reason}"),
    )
}

/// `~/x` → the home directory's `x`, as shells do for `KVBM_CONFIG_PATH=~/kvbm.toml`
/// written in a pod spec, where no shell expands it.
fn expand_home(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), dirs::home_dir()) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    }
}

/// Splits the merged tree by source: one figment provider per source, holding exactly the
/// leaves that source won. Merged in any order they rebuild the tree, and figment then
/// knows the true source of every value.
fn partition(merged: &Dict, origins: &Origins) -> Vec<SourceSlice> {
    let mut slices: Vec<SourceSlice> = Vec::new();
    for (key, source) in &origins.0 {
        let Some(value) = Value::from(merged.clone()).find(key) else {
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
pub(crate) fn extract(figment: &Figment, cpu_count: usize) -> Result<KvbmConfig, ConfigError> {
    let mut assembly = Assembly::default();
    let provider = |value: &Value| {
        let name = figment
            .get_metadata(value.tag())
            .map_or_else(|| "figment".to_string(), |m| m.name.to_string());
        Source::Provider { name }
    };
    match figment.find_value("") {
        Ok(Value::Dict(_, mut doc)) => {
            if let Some(problems) = doc.remove(PROBLEMS_KEY) {
                match problems.deserialize::<Vec<Problem>>() {
                    Ok(mut problems) => assembly.problems.append(&mut problems),
                    Err(e) => assembly.problems.push(Problem::new(
                        ProblemKind::InvalidValue,
                        PROBLEMS_KEY,
                        provider(&problems),
                        format!("reserved key holds no problem list: {e}"),
                    )),
                }
            }
            let loader = Loader::new();
            loader.merge_document(doc, &|_, _, value| provider(value), &mut assembly);
        }
        Ok(other) => assembly.problems.push(Problem::new(
            ProblemKind::InvalidType,
            "",
            provider(&other),
            "the figment does not hold a table of settings",
        )),
        Err(errors) => {
            for error in errors {
                let name = error
                    .metadata
                    .as_ref()
                    .map_or_else(|| "figment".to_string(), |m| m.name.to_string());
                let message = error.kind.to_string();
                let key = error.path.join(".");
                assembly.problems.push(Problem::new(
                    ProblemKind::InvalidValue,
                    key,
                    Source::Provider { name },
                    message,
                ));
            }
            return Err(ConfigError::new(assembly.problems));
        }
    }
    let config = finish(&mut assembly, cpu_count);
    match config {
        Some(config) if assembly.problems.is_empty() => Ok(config),
        _ => Err(ConfigError::new(assembly.problems)),
    }
}
