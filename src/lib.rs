//! # kvbm-config
//!
//! Every setting of KVBM, the KV Block Manager that moves LLM KV-cache blocks between GPU
//! memory (G1), host memory (G2), local disk (G3) and object storage (G4): defined, loaded,
//! merged, validated and explained in one place.
//!
//! ## Layers
//!
//! A config is built from five layers, lowest to highest priority; a higher layer always
//! beats a lower one, for every key:
//!
//! 1. **defaults** in code (each field's docs say its default);
//! 2. the **system file** `/opt/dynamo/etc/kvbm.toml` (skipped if missing);
//! 3. the **user file** named by `KVBM_CONFIG_PATH` (must exist if named);
//! 4. **`KVBM_*` environment variables** (see [`registry::settings`] for the table; the
//!    deprecated v1 `DYN_KVBM_*` variables sit just below them, see [`v1`]);
//! 5. a **JSON document**, e.g. vLLM's `kv_connector_extra_config`.
//!
//! Files and JSON may have `default`, `leader` and `worker` tables beside plain ones. Each
//! source is resolved on its own (plain, then `default`, then the role's table), and only then
//! are the sources merged, so a `[leader]` value in a file never beats an env variable.
//!
//! ## Strictness
//!
//! An unknown key in a file or JSON, a value of the wrong type, an unparsable variable or a
//! broken constraint is an error that names the key, the value and the source; a load reports
//! all of them at once ([`ConfigError`]). Unknown `KVBM_*` variables are warnings with the
//! closest known name.
//!
//! ## Example
//!
//! ```
//! use kvbm_config::{KvbmConfig, Loader, Role};
//!
//! let json = r#"{
//!     "leader": { "tokio": { "worker_threads": 1 } },
//!     "worker": { "nixl": { "backends": { "UCX": {} } } }
//! }"#;
//! // In a KVBM process: KvbmConfig::from_figment_with_json_for_worker(json)?
//! let worker = Loader::new().json(json).role(Role::Worker).load()?.config;
//! assert_eq!(worker.nixl.backends.keys().collect::<Vec<_>>(), ["UCX"]);
//! # Ok::<(), kvbm_config::ConfigError>(())
//! ```
//!
//! ## Modules
//!
//! One module per section ([`tokio`], [`rayon`], [`nova`], [`nixl`], [`cache`], [`offload`],
//! [`onboard`], [`object`], [`events`]), listed once in the `sections!` table of
//! [`KvbmConfig`], declares its settings, each once, with its doc, type, default and
//! constraint together (its variable is the key's unless it names another), and owns its
//! builders. The private `declare` folder says how a setting is declared (the `settings!`,
//! `sections!`, `choice!` macros, value kinds, and the `rules!` table of the rules), and
//! `one_of` the tables written in two spellings. [`registry`] lists every declared setting
//! under its dotted key; [`key`] names each key as a constant. [`Loader`] reads, checks,
//! merges and validates the sources (the private `load` folder holds one file per stage:
//! `read`, `file`, `exposure`, `json`, `vllm`, `env`, `v1`, `foreign`, `shape`, `merge`,
//! `validate`, `provider`, `report`). [`error`] holds problems and warnings; [`LoadReport`]
//! says where each value came from; [`secret`] redacts credentials; [`docs`] and
//! `json_schema` render the generated files; [`v1`] maps the deprecated variables;
//! [`preflight`] checks a loaded config against a host (`host`, `probe`, `inspect`,
//! `network`); [`agreement`] compares the processes of a deployment. The names of
//! dynamo-kvbm-config are at the root, for migrating crates.
//!
//! One word per concept: a *setting* ([`registry::Setting`]) is a value under a dotted key;
//! its *declaration* is the entry in its section's `settings!` table. Three things check,
//! each in one place: the loader checks each source's keys and types as it reads it,
//! [`KvbmConfig::check`] runs the declared rules on a config built in code, and
//! [`preflight::run`] compares a config with a host.
//!
//! ## Adding a setting
//!
//! One hand edit: an entry in the `settings!` table of its section module (doc, type,
//! default, `check: [...]` rules, `example`; `env` only for a variable that is not the
//! key's). Then one command, `BLESS=1 cargo test --all-features`, regenerates the README
//! tables, the template, the JSON Schema, the full JSON example, the key constants, the
//! rustdoc facts and the Python stub's tables; plain `cargo test` fails on a stale one. The README's "Adding a setting"
//! shows each kind (a value, a choice, a must-agree setting, an optional table, a section,
//! a rule).
//!
//! ## Validation
//!
//! [`KvbmConfig::check`] is the one validation entry point for a config built or changed
//! in code; loads run the same declared rules. With the `validator` feature (a default),
//! every config struct also implements `validator::Validate`, generated from the same
//! declarations, for code written against dynamo-kvbm-config: it runs the same rules and
//! reports the same keys. No rule reads the machine that checks (CPU count, directories):
//! those are preflight's.

#![deny(missing_docs)]
// Feature badges on docs.rs (its builds set `--cfg docsrs`, see `[package.metadata.docs.rs]`).
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod agreement;
mod compat;
pub mod docs;
pub mod error;
#[cfg(feature = "schema")]
#[cfg_attr(docsrs, doc(cfg(feature = "schema")))]
pub mod json_schema;
pub mod key;
pub mod preflight;
pub mod registry;
pub mod secret;
pub mod source;

mod declare;
mod load;
mod one_of;
mod suggest;

use figment::Figment;
use serde::{Deserialize, Serialize};

/// The version of this crate (and of the `kvbm-config` command and Python package).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub use error::{BuildError, ConfigError, Problem, ProblemKind, Warning};
pub use load::report::{LoadReport, Loaded, ReportEntry};
pub use load::v1;
pub use load::{ForeignSections, Loader, SYSTEM_CONFIG_PATH};
pub use source::{FileLayer, Profile, Role, Source};

/// The names of dynamo-kvbm-config, for crates migrating from it, exported once, at the
/// root where upstream has them (see `MIGRATING.md`). Hidden here so that the main docs
/// show this crate's own names.
#[doc(hidden)]
pub use compat::*;

crate::declare::sections! {
    /// The complete KVBM configuration.
    ///
    /// Build it with one of the `from_*` entry points (or a [`Loader`]); `Default` gives the
    /// built-in defaults, equal to a load with no sources. [`KvbmConfig::check`] checks a
    /// config built or changed in code against every declared constraint.
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, PartialEq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct KvbmConfig {
        /// Tokio runtime (`[tokio]`).
        pub tokio: tokio::TokioConfig = section,
        /// Rayon thread pool (`[rayon]`).
        pub rayon: rayon::RayonConfig = section,
        /// Nova transport and discovery (`[nova]`).
        pub nova: nova::NovaConfig = section,
        /// NixL backends (`[nixl]`).
        pub nixl: nixl::NixlConfig = section,
        /// Host and disk cache tiers (`[cache]`).
        pub cache: cache::CacheConfig = section,
        /// Offload policies (`[offload]`).
        pub offload: offload::OffloadConfig = section,
        /// Onboard mode (`[onboard]`).
        pub onboard: onboard::OnboardConfig = section,
        /// Object storage, tier G4 (`[object]`); none means no G4 tier.
        pub object: Option<object::ObjectConfig> = section,
        /// Event publishing (`[events]`).
        pub events: events::EventsConfig = section,
    }
}

impl KvbmConfig {
    /// Loads layers 1–4 from the process (system file, `KVBM_CONFIG_PATH`, `KVBM_*`), with
    /// the plain and `default` tables only. Warnings are logged with `tracing`.
    ///
    /// # Errors
    ///
    /// Every problem of every source; see [`ConfigError`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let config = kvbm_config::KvbmConfig::from_env()?;
    /// println!("G2 size: {:?} GB", config.cache.host.cache_size_gb);
    /// # Ok::<(), kvbm_config::ConfigError>(())
    /// ```
    pub fn from_env() -> Result<Self, ConfigError> {
        load_logged(Loader::from_process())
    }

    /// As [`KvbmConfig::from_env`], with the `leader` tables of the files applied.
    ///
    /// # Errors
    ///
    /// Every problem of every source; see [`ConfigError`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let leader = kvbm_config::KvbmConfig::from_env_for_leader()?;
    /// println!("leader runs {} Tokio workers", leader.tokio.worker_threads);
    /// # Ok::<(), kvbm_config::ConfigError>(())
    /// ```
    pub fn from_env_for_leader() -> Result<Self, ConfigError> {
        load_logged(Loader::from_process().role(Role::Leader))
    }

    /// As [`KvbmConfig::from_env`], with the `worker` tables of the files applied.
    ///
    /// # Errors
    ///
    /// Every problem of every source; see [`ConfigError`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let worker = kvbm_config::KvbmConfig::from_env_for_worker()?;
    /// for (backend, params) in worker.nixl_backends().iter() {
    ///     println!("{backend}: {params:?}");
    /// }
    /// # Ok::<(), kvbm_config::ConfigError>(())
    /// ```
    pub fn from_env_for_worker() -> Result<Self, ConfigError> {
        load_logged(Loader::from_process().role(Role::Worker))
    }

    /// Loads layers 1–4 from the process and `json` on top (plain and `default` tables).
    ///
    /// # Errors
    ///
    /// Every problem of every source; see [`ConfigError`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let config = kvbm_config::KvbmConfig::from_figment_with_json(r#"{"rayon": {"num_threads": 4}}"#)?;
    /// assert_eq!(config.rayon.num_threads, 4);
    /// # Ok::<(), kvbm_config::ConfigError>(())
    /// ```
    pub fn from_figment_with_json(json: &str) -> Result<Self, ConfigError> {
        load_logged(Loader::from_process().json(json))
    }

    /// Loads layers 1–4 from the process and `json` on top, for the leader: the `leader`
    /// tables of every source apply above their `default` and plain tables.
    ///
    /// # Errors
    ///
    /// Every problem of every source; see [`ConfigError`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// // `kv_connector_extra_config` as vLLM passes it.
    /// let json = r#"{"leader": {"cache": {"host": {"cache_size_gb": 4.0}}}, "worker": {}}"#;
    /// let leader = kvbm_config::KvbmConfig::from_figment_with_json_for_leader(json)?;
    /// assert_eq!(leader.cache.host.cache_size_gb, Some(4.0));
    /// # Ok::<(), kvbm_config::ConfigError>(())
    /// ```
    pub fn from_figment_with_json_for_leader(json: &str) -> Result<Self, ConfigError> {
        load_logged(Loader::from_process().json(json).role(Role::Leader))
    }

    /// Loads layers 1–4 from the process and `json` on top, for a worker: the `worker`
    /// tables of every source apply above their `default` and plain tables.
    ///
    /// # Errors
    ///
    /// Every problem of every source; see [`ConfigError`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let json = r#"{"leader": {}, "worker": {"nixl": {"backends": {"UCX": {}, "GDS": {}}}}}"#;
    /// let worker = kvbm_config::KvbmConfig::from_figment_with_json_for_worker(json)?;
    /// assert_eq!(worker.nixl_backends().len(), 2);
    /// # Ok::<(), kvbm_config::ConfigError>(())
    /// ```
    pub fn from_figment_with_json_for_worker(json: &str) -> Result<Self, ConfigError> {
        load_logged(Loader::from_process().json(json).role(Role::Worker))
    }

    /// Layers 2–4 of the process as a [`Figment`] (layer 1, the defaults, is supplied at
    /// extraction), for callers that merge their own provider and call
    /// [`KvbmConfig::extract_from`]. See [`Loader::figment`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use figment::providers::{Format, Toml};
    /// use kvbm_config::KvbmConfig;
    ///
    /// let figment = KvbmConfig::figment().merge(Toml::string("[tokio]\nworker_threads = 1"));
    /// let config = KvbmConfig::extract_from(figment)?;
    /// # Ok::<(), kvbm_config::ConfigError>(())
    /// ```
    pub fn figment() -> Figment {
        Loader::from_process().figment()
    }

    /// Extracts a config from a caller-built figment (or any figment `Provider`, `&Figment`
    /// included), with the same checks as a load: unknown keys, types, both one-of
    /// spellings, backend names, validation. The `default` table applies; `leader` /
    /// `worker` tables are checked, and applied when the figment selects that profile
    /// (as [`KvbmConfig::figment_for_leader`] does).
    ///
    /// # Errors
    ///
    /// Every problem found, each naming the figment provider the value came from.
    ///
    /// # Examples
    ///
    /// ```
    /// use figment::providers::{Format, Json};
    /// use kvbm_config::{KvbmConfig, Loader};
    ///
    /// let figment = Loader::new()
    ///     .env([("KVBM_TOKIO_WORKER_THREADS", "1")])
    ///     .figment()
    ///     .merge(Json::string(r#"{ "rayon": { "num_threads": 3 } }"#));
    /// let config = KvbmConfig::extract_from(figment)?;
    /// assert_eq!((config.tokio.worker_threads, config.rayon.num_threads), (1, 3));
    /// # Ok::<(), kvbm_config::ConfigError>(())
    /// ```
    pub fn extract_from<P: figment::Provider>(provider: P) -> Result<Self, ConfigError> {
        load::extract(&Figment::from(provider))
    }

    /// The NixL backends as a typed set in a stable order (by name).
    ///
    /// # Examples
    ///
    /// ```
    /// use kvbm_config::{nixl::NixlBackend, KvbmConfig};
    ///
    /// let backends = KvbmConfig::default().nixl_backends();
    /// assert!(backends.contains(&NixlBackend::Ucx) && backends.contains(&NixlBackend::Posix));
    /// assert_eq!(backends.len(), 2);
    /// ```
    pub fn nixl_backends(&self) -> nixl::NixlBackends {
        self.nixl.backend_set()
    }

    /// Checks every constraint of this config (for configs built in code). No constraint
    /// reads a fact of this machine: preflight compares a config with a host.
    ///
    /// # Errors
    ///
    /// Every broken constraint, with [`Source::Code`] as the source.
    pub fn check(&self) -> Result<(), ConfigError> {
        let problems = load::problems_in_code(self);
        match problems.is_empty() {
            true => Ok(()),
            false => Err(ConfigError::new(problems)),
        }
    }
}

/// The README's Rust examples, compiled and run as doc-tests so they cannot rot.
#[cfg(all(doctest, feature = "tokio", feature = "rayon"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// This machine's CPU count, read once: `num_cpus` reads the cgroup files on every call,
/// and every default config asks (the Rayon default).
pub(crate) fn cpu_count() -> usize {
    static CPUS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CPUS.get_or_init(num_cpus::get)
}

fn load_logged(loader: Loader) -> Result<KvbmConfig, ConfigError> {
    let loaded = loader.load()?;
    loaded.log_warnings();
    Ok(loaded.config)
}
