//! The loader: five layers, resolved per source, merged in precedence order, checked.
//!
//! ```text
//!  1 defaults  <  2 system file  <  3 KVBM_CONFIG_PATH file  <  4 KVBM_* env  <  5 JSON
//! ```
//!
//! (The deprecated v1 `DYN_KVBM_*` variables sit just above the defaults, as in upstream's
//! releases; see [`crate::v1`].)
//!
//! Each source is handled on its own first. A file or JSON document is parsed, split into
//! its plain tables and its `default` / `leader` / `worker` profile tables, and every table is
//! checked against [`crate::registry::settings`] (unknown keys, types, names), so each problem
//! is reported with the exact source it came from. Within a source the plain tables, then
//! `default`, then the selected role's table are merged. Only then are the sources merged,
//! lowest first, so a higher layer always beats a lower one, whatever profile either value
//! came from. (figment's own profiles cannot do this: a selected profile beats `default`
//! regardless of provider order, so a file's `[leader]` value would beat an env variable.)
//!
//! The stages, one module each, in the order data flows (defaults come from serde and the
//! declarations when the merged tree is deserialized):
//!
//! | stage | module | does |
//! |-------|--------|------|
//! | sources | `read`, `env`, `v1_table`, `v1`, `file`, `json`, `vllm`, `foreign`, `exposure` | read each source within bounds, the environment snapshot, the v1 variables, the TOML files (with lines), the JSON document (in vLLM's layouts); take out other crates' sections; warn of credentials in world-readable files |
//! | shape | `shape` | check each table of each source against the registry (keys, types, names) |
//! | merge | `merge` | merge sources lowest first, remembering each leaf's [`Source`] |
//! | validate | `validate` | one-of tables, deserialization, the declared rules |
//! | report | `report` | origins, warnings, [`Loaded`] |
//! | figment | `provider` | the same pipeline behind figment's `Provider` |

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use figment::value::{Dict, Value};
use figment::Figment;

mod env;
mod exposure;
mod file;
mod foreign;
mod json;
mod merge;
mod provider;
mod read;
pub(crate) mod report;
mod shape;
pub mod v1;
mod v1_table;
mod validate;
mod vllm;

use self::env::EnvLayer;
use self::file::TomlFile;
use self::merge::Assembly;
use self::report::{LoadReport, Loaded};
use self::shape::merge_document;
use crate::error::{ConfigError, Problem, ProblemKind};
use crate::registry::CONFIG_PATH_ENV;
use crate::source::{FileLayer, Profile, Role, Source};

pub use self::foreign::ForeignSections;
pub(crate) use self::provider::extract;

/// The value of the TOML text `value` (an `example` of a declaration), with the file
/// reader's own TOML parser.
pub(crate) fn parse_toml_value(value: &str) -> Result<Value, String> {
    let mut file = TomlFile::parse(&format!("v = {value}"))?;
    file.dict.remove("v").ok_or_else(|| "no value".to_string())
}

/// Reads a stream (standard input) with the cap of every source.
pub(crate) fn read_config_stream(reader: impl std::io::Read) -> Result<String, String> {
    read::read_capped(reader, 0)
}

/// Reads a file under the rules of config files (a regular file of at most 4 MiB, looked at
/// before it is opened), for the other files this crate reads (`preflight --host`).
pub(crate) fn read_config_file(path: &Path) -> Result<String, String> {
    read::read_bounded(path).map_err(|e| e.to_string())
}
pub(crate) use self::validate::problems_in_code;

/// Path of the system config file (layer 2) that [`Loader::from_process`] reads.
pub const SYSTEM_CONFIG_PATH: &str = "/opt/dynamo/etc/kvbm.toml";

/// Builds a [`KvbmConfig`](crate::KvbmConfig) from explicitly given sources.
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
    json: Option<JsonInput>,
    connector: Option<String>,
    role: Option<Role>,
    strict: bool,
    foreign: Vec<String>,
}

/// Where layer 5, the JSON document, comes from.
#[derive(Debug, Clone)]
enum JsonInput {
    /// Text the caller gives.
    Text(String),
    /// A file, read at load.
    File(PathBuf),
    /// Standard input, read when it was given: its text, or why it could not be read.
    Stdin(Result<String, String>),
    /// A value tree the caller built (a Python dict, converted without JSON text), and
    /// what origins call it.
    Tree(Dict, String),
}

/// The JSON document's text and, for a file, its path and metadata (for the check of a
/// world-readable credential).
type JsonText<'a> = (
    std::borrow::Cow<'a, str>,
    Option<(&'a Path, std::fs::Metadata)>,
);

impl Default for Loader {
    fn default() -> Self {
        Self::new()
    }
}

impl Loader {
    /// The value `raw` of a variable that sets `key`, as it may be printed (`kvbm-config
    /// env` shows the environment so): quoted, terminal-safe and redacted by the rule for
    /// the setting: a credential-named or declared-`secret` structure is hidden, URL
    /// credentials always.
    pub fn shown_variable(key: &str, raw: &str) -> String {
        env::shown_raw(key, raw)
    }

    /// A loader with no sources: no files, an empty environment, no JSON, no role.
    pub fn new() -> Self {
        Loader {
            system_file: None,
            user_file: None,
            env: Vec::new(),
            json: None,
            connector: None,
            role: None,
            strict: false,
            foreign: Vec::new(),
        }
    }

    /// A loader over the real process: [`SYSTEM_CONFIG_PATH`] (skipped if missing) and a
    /// snapshot of the process environment (so `KVBM_CONFIG_PATH` and `KVBM_*` apply).
    pub fn from_process() -> Self {
        let mut env: Vec<(OsString, OsString)> = std::env::vars_os().collect();
        // `~` in `KVBM_CONFIG_PATH` expands as a shell's would: from `HOME`, else from the
        // user's entry in the password database.
        if !env.iter().any(|(name, _)| name == "HOME") {
            if let Some(home) = dirs::home_dir() {
                env.push(("HOME".into(), home.into_os_string()));
            }
        }
        Loader::new().system_file(SYSTEM_CONFIG_PATH).env(env)
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

    /// Uses `vars` as the environment (replacing any given before). Only `KVBM_*` and
    /// `DYN_KVBM_*` variables are looked at, and `HOME`, which expands a leading `~` in
    /// `KVBM_CONFIG_PATH` (without it, `~` stays as written: nothing is read from the
    /// process). The rest may be passed freely (e.g. `std::env::vars_os()`).
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
    /// `worker` keys (vLLM's `kv_connector_extra_config`), or vLLM's whole
    /// `kv_transfer_config`, recognised by its `kv_connector_extra_config` key (whose
    /// other keys are vLLM's and are not checked here).
    pub fn json(mut self, json: impl Into<String>) -> Self {
        self.json = Some(JsonInput::Text(json.into()));
        self
    }

    /// As [`Loader::json`], for a document in the file `path`, read at load the way the
    /// TOML files are (a regular file of at most 4 MiB). Origins and problems name the file,
    /// as in ``JSON profile `leader` (extra.json)``; a file that cannot be read is a problem
    /// of the load, like an unreadable `--config`.
    pub fn json_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.json = Some(JsonInput::File(path.into()));
        self
    }

    /// As [`Loader::json`], for a document the caller already holds as a value tree (the
    /// Python package converts a dict so, without JSON text: a NaN stays a number, which
    /// the declared rules then refuse by name).
    pub fn json_tree(self, document: Dict) -> Self {
        self.json_tree_named(document, "value tree")
    }

    /// As [`Loader::json_tree`], with the name origins and problems give the document
    /// (the Python package's is "Python mapping").
    pub fn json_tree_named(mut self, document: Dict, name: impl Into<String>) -> Self {
        self.json = Some(JsonInput::Tree(document, name.into()));
        self
    }

    /// As [`Loader::json`], for a document on standard input (the command's `--json -`),
    /// read now, since a stream can be read only once, with the 4 MiB cap of every source.
    /// Origins and problems say "standard input"; a stream that cannot be read is a problem
    /// of the load.
    pub fn json_stdin(mut self) -> Self {
        self.json = Some(JsonInput::Stdin(read::read_capped(
            std::io::stdin().lock(),
            0,
        )));
        self
    }

    /// The source of a value of the JSON document in `profile`.
    fn json_source(&self, profile: Option<Profile>) -> Source {
        match &self.json {
            Some(JsonInput::File(path)) => Source::JsonFile {
                profile,
                path: path.clone(),
            },
            Some(JsonInput::Stdin(_)) => Source::JsonStdin { profile },
            Some(JsonInput::Tree(_, name)) => Source::Tree {
                profile,
                name: name.clone(),
            },
            _ => Source::Json { profile },
        }
    }

    /// The text of the JSON document and, for a file, its metadata; or why it could not be
    /// read.
    fn json_text(&self) -> Option<Result<JsonText<'_>, String>> {
        use std::borrow::Cow;
        Some(match self.json.as_ref()? {
            JsonInput::Text(text) if text.len() as u64 > read::MAX_SOURCE_BYTES => {
                Err(read::too_large(text.len() as u64))
            }
            JsonInput::Text(text) => Ok((Cow::Borrowed(text.as_str()), None)),
            JsonInput::File(path) => read::read_bounded_with_metadata(path)
                .map(|(text, metadata)| (Cow::Owned(text), Some((path.as_path(), metadata))))
                .map_err(|e| e.to_string()),
            JsonInput::Stdin(read) => read
                .as_deref()
                .map(|text| (Cow::Borrowed(text), None))
                .map_err(Clone::clone),
            JsonInput::Tree(..) => return None,
        })
    }

    /// For a JSON document that is a vLLM `MultiConnector`'s: takes the entry of the
    /// connector whose `kv_connector` is `name`, instead of the one found under the `kvbm`
    /// module path or by KVBM's connector names.
    pub fn connector(mut self, name: impl Into<String>) -> Self {
        self.connector = Some(name.into());
        self
    }

    /// Selects the `leader` or `worker` tables of every file and JSON document. Without a
    /// role only the plain and `default` tables apply.
    pub fn role(mut self, role: Role) -> Self {
        self.role = Some(role);
        self
    }

    /// Declares `name` (a top-level table, e.g. `metrics`) another crate's section: it is
    /// taken out of every file and JSON document (plain and profile tables) before they are
    /// checked, `KVBM_<NAME>_*` variables are not reported as unknown, and
    /// [`Loader::figment`] carries it for the crate that owns it, with the
    /// [`ForeignSections`](crate::ForeignSections) declaration that lets
    /// [`KvbmConfig::extract_from`](crate::KvbmConfig::extract_from) leave it alone. Every
    /// other unknown key stays an error. A KVBM section or profile name is refused.
    ///
    /// # Examples
    ///
    /// ```
    /// use kvbm_config::{KvbmConfig, Loader};
    ///
    /// let figment = Loader::new()
    ///     .foreign_section("metrics")
    ///     .json(r#"{"rayon": {"num_threads": 2}, "metrics": {"port": 9090}}"#)
    ///     .env([("KVBM_METRICS_PATH", "/metrics")])
    ///     .figment();
    /// let config = KvbmConfig::extract_from(&figment)?;
    /// let port: u16 = figment.extract_inner("metrics.port").unwrap();
    /// let path: String = figment.extract_inner("metrics.path").unwrap();
    /// assert_eq!((config.rayon.num_threads, port, path.as_str()), (2, 9090, "/metrics"));
    /// # Ok::<(), kvbm_config::ConfigError>(())
    /// ```
    pub fn foreign_section(mut self, name: impl Into<String>) -> Self {
        self.foreign.push(name.into());
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
        let config = validate::finish(&mut assembly);
        if let Some(config) = &config {
            let found = report::semantic_warnings(config, assembly.origins(), self.role);
            assembly.warnings(found);
        }
        if self.strict {
            assembly.warnings_as_problems();
        }
        let (_, origins, problems, warnings) = assembly.into_parts();
        match config {
            Some(config) if problems.is_empty() => Ok(Loaded {
                config,
                report: LoadReport { origins, warnings },
            }),
            _ => Err(ConfigError::new(problems).with_warnings(warnings)),
        }
    }

    /// The sources as a [`Figment`], one provider per source, each named like the source
    /// (`env KVBM_TOKIO_WORKER_THREADS`, `file /opt/dynamo/etc/kvbm.toml [leader]`, ...).
    ///
    /// The defaults sit under the sources (a provider named "KVBM defaults"), except the
    /// table-valued `nixl.backends`, whose default serde supplies at extraction. Merge your
    /// own provider on top and call
    /// [`KvbmConfig::extract_from`](crate::KvbmConfig::extract_from). figment merges tables
    /// key by key: a `nixl.backends` table merged this way replaces the default set, as
    /// upstream's did, but joins a set that one of the sources gave. Problems found while
    /// reading the sources surface as errors of the figment's extraction.
    pub fn figment(&self) -> Figment {
        let assembly = self.assemble();
        assembly.log_warnings();
        provider::figment_of(assembly)
    }

    /// The warnings about `KVBM_*` variables that are set but name no setting, with the
    /// closest known name; the same ones a load gives.
    pub fn unknown_variables(&self) -> Vec<crate::Warning> {
        EnvLayer::scan(&self.env, &self.foreign)
            .unknown_variables()
            .cloned()
            .collect()
    }

    /// `HOME` of the loader's environment, if set and not empty.
    fn home(&self) -> Option<&Path> {
        self.env
            .iter()
            .find(|(name, _)| name == "HOME")
            .map(|(_, value)| Path::new(value))
            .filter(|home| !home.as_os_str().is_empty())
    }

    /// Reads every source once and merges them in precedence order.
    fn assemble(&self) -> Assembly {
        let mut assembly = Assembly::with_foreign_sections(self.foreign.clone());
        assembly.problems(foreign::check_names(&self.foreign, &Source::Code));
        // The environment is scanned first (it may name the user file) but its problems are
        // reported in layer order, after the files'.
        let mut env = EnvLayer::scan(&self.env, &self.foreign);
        let v1 = v1::V1Layer::build(
            &env.v1_vars,
            &env.slice,
            &mut env.problems,
            &mut env.warnings,
        );
        assembly.warnings(std::mem::take(&mut env.warnings));
        v1.merge_into(&mut assembly);
        if let Some(path) = &self.system_file {
            if let Err(reason) = self.merge_file(path, FileLayer::System, &mut assembly) {
                assembly.problems([unreadable(path, FileLayer::System, &reason)]);
            }
        }
        match (&self.user_file, &env.config_path) {
            (Some(path), _) => {
                if let Err(reason) = self.merge_file(path, FileLayer::User, &mut assembly) {
                    assembly.problems([unreadable(path, FileLayer::User, &reason)]);
                }
            }
            (None, Some(path)) => {
                let path = expand_home(path, self.home());
                if let Err(reason) = self.merge_file(&path, FileLayer::User, &mut assembly) {
                    let source = Source::Env {
                        var: CONFIG_PATH_ENV.into(),
                    };
                    let message = format!("cannot read the config file it names: {reason}");
                    let problem = Problem::new(ProblemKind::Io, CONFIG_PATH_ENV, source, message);
                    assembly.problems([
                        problem.with_value(format!("{:?}", path.display().to_string()))
                    ]);
                }
            }
            (None, None) => {}
        }
        assembly.problems(env.problems);
        env.slice.merge_into(&mut assembly);
        assembly.merge_foreign(env.foreign);
        if let Some(JsonInput::Tree(dict, _)) = &self.json {
            let document = json::JsonDocument {
                dict: dict.clone(),
                duplicates: Vec::new(),
            };
            self.merge_json_document(document, None, &mut assembly);
        }
        if let Some(json) = self.json_text() {
            match json {
                Ok((text, file)) => self.merge_json(&text, file, &mut assembly),
                Err(reason) => {
                    let message = format!("cannot read the JSON document: {reason}");
                    assembly.problems([Problem::new(
                        ProblemKind::Io,
                        "",
                        self.json_source(None),
                        message,
                    )]);
                }
            }
        }
        assembly
    }

    /// Parses, checks and merges the JSON document: a duplicate key at any depth is a
    /// problem (TOML refuses one too), and a file readable by every user that holds a
    /// credential gets the same warning as a TOML file.
    fn merge_json(
        &self,
        text: &str,
        file: Option<(&Path, std::fs::Metadata)>,
        assembly: &mut Assembly,
    ) {
        match json::parse(text) {
            Ok(document) => self.merge_json_document(document, file, assembly),
            Err(e) => assembly.problems([Problem::new(
                ProblemKind::Syntax,
                "",
                self.json_source(None),
                format!("not a valid JSON config document: {e}"),
            )]),
        }
    }

    fn merge_json_document(
        &self,
        document: json::JsonDocument,
        file: Option<(&Path, std::fs::Metadata)>,
        assembly: &mut Assembly,
    ) {
        let source_of_path = |key: &str| {
            let first = key.split('.').next().unwrap_or_default();
            self.json_source(Profile::from_name(first))
        };
        assembly.problems(document.duplicates.iter().map(|key| {
            Problem::new(
                ProblemKind::Syntax,
                key.as_str(),
                source_of_path(key),
                "is written twice in one table; each key may appear once",
            )
        }));
        if let Some((path, metadata)) = file {
            assembly.warnings(exposure::exposed_credentials(
                path,
                &metadata,
                &document.dict,
                &source_of_path,
            ));
        }
        match vllm::kvbm_document(document.dict, self.connector.as_deref()) {
            Ok(selected) => {
                let source = |profile: Option<Profile>| match &selected.connector {
                    None => self.json_source(profile),
                    Some(connector) => Source::JsonConnector {
                        profile,
                        connector: connector.clone(),
                        document: Box::new(self.json_source(None)),
                    },
                };
                merge_document(
                    selected.dict,
                    self.role,
                    &|profile, _, _| source(profile),
                    assembly,
                )
            }
            Err(problem) => assembly.problems([Problem {
                source: self.json_source(None),
                ..problem
            }]),
        }
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
        let (text, metadata) = match read::read_bounded_with_metadata(path) {
            Ok(read) => read,
            Err(read::ReadError::Missing) if layer == FileLayer::System => return Ok(()),
            Err(e) => return Err(e.to_string()),
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
                assembly.warnings(exposure::exposed_credentials(
                    path,
                    &metadata,
                    &doc,
                    &|key| source(None, file.line(None, key)),
                ));
                let source_of =
                    |profile, key: &str, _: &Value| source(profile, file.line(profile, key));
                merge_document(doc, self.role, &source_of, assembly);
            }
            Err(message) => assembly.problems([Problem::new(
                ProblemKind::Syntax,
                "",
                source(None, None),
                message,
            )]),
        }
        Ok(())
    }
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
/// written in a pod setting, where no shell expands it. The home is the environment's
/// `HOME` (the loader's environment is sealed: without `HOME`, `~` stays as written).
fn expand_home(path: &Path, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    }
}
