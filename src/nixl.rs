//! NixL backend settings (`[nixl]`).
//!
//! `nixl.backends` maps a backend name (`UCX`, `POSIX`, `GDS`, ...) to its parameters.
//! Names are upper-cased when a source is loaded, so `ucx` and `UCX` are the same backend
//! (and both in one table is an error).
//!
//! **Replace, not merge:** a source that sets `nixl.backends` gives the *complete* set, the
//! way a list does. A worker file with `[nixl.backends] GDS = {}` runs with GDS alone, not
//! with UCX, POSIX and GDS; write all three to keep the defaults.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

/// Parameters of one NixL backend (string to string, passed to the plugin as is).
pub type BackendParams = BTreeMap<String, String>;

/// Settings of NixL (`[nixl]`).
///
/// `Debug` hides the values of parameters whose names look like credentials
/// (`secret_key`, `token`, ...); the map keeps the real values.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct NixlConfig {
    /// Backends to create, by upper-case name, with their parameters.
    ///
    /// Default: `{ UCX = {}, POSIX = {} }`. Env: `KVBM_NIXL_BACKENDS` (comma-separated names,
    /// no parameters, e.g. `UCX,POSIX,GDS`). Constraint: names not empty. A source that
    /// sets this gives the complete set (see the module docs).
    #[validate(custom(function = "backend_names_valid"))]
    #[cfg_attr(
        feature = "schema",
        schemars(schema_with = "crate::json_schema::backends_schema")
    )]
    pub backends: BTreeMap<String, BackendParams>,
}

impl Default for NixlConfig {
    fn default() -> Self {
        let backends = ["UCX", "POSIX"]
            .into_iter()
            .map(|name| (name.to_string(), BackendParams::new()))
            .collect();
        Self { backends }
    }
}

fn backend_names_valid(backends: &BTreeMap<String, BackendParams>) -> Result<(), ValidationError> {
    if backends.keys().any(|name| name.trim().is_empty()) {
        return Err(ValidationError::new("backend_name")
            .with_message("backend names must not be empty".into()));
    }
    Ok(())
}

impl std::fmt::Debug for NixlConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let backends: BTreeMap<&str, BTreeMap<&str, &str>> = self
            .backends
            .iter()
            .map(|(name, params)| {
                let params = params
                    .iter()
                    .map(|(k, v)| {
                        let shown = match crate::secret::is_secret_name(k) {
                            true => crate::secret::REDACTED,
                            false => v.as_str(),
                        };
                        (k.as_str(), shown)
                    })
                    .collect();
                (name.as_str(), params)
            })
            .collect();
        f.debug_struct("NixlConfig")
            .field("backends", &backends)
            .finish()
    }
}

/// A NixL backend: one NixL knows by name, or a plugin this crate does not know.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum NixlBackend {
    /// `UCX`: Unified Communication X (network and GPU memory).
    Ucx,
    /// `UCX_MO`: UCX with multiple objects.
    UcxMo,
    /// `POSIX`: plain POSIX file I/O.
    Posix,
    /// `GDS`: NVIDIA GPUDirect Storage.
    Gds,
    /// `GDS_MT`: multi-threaded GPUDirect Storage.
    GdsMt,
    /// `OBJ`: object storage (S3).
    Obj,
    /// `MOONCAKE`: the Mooncake transfer engine.
    Mooncake,
    /// `HF3FS`: the 3FS file system.
    Hf3fs,
    /// `LIBFABRIC`: OFI libfabric.
    Libfabric,
    /// `GPUNETIO`: DOCA GPUNetIO.
    Gpunetio,
    /// A backend this crate does not know, by its upper-case name (a NixL plugin).
    Plugin(String),
}

impl NixlBackend {
    /// The names of the backends this crate knows.
    pub const KNOWN: &'static [&'static str] = &[
        "UCX",
        "UCX_MO",
        "POSIX",
        "GDS",
        "GDS_MT",
        "OBJ",
        "MOONCAKE",
        "HF3FS",
        "LIBFABRIC",
        "GPUNETIO",
    ];

    /// The backend a name (any case) stands for.
    pub fn from_name(name: &str) -> NixlBackend {
        match name.to_ascii_uppercase().as_str() {
            "UCX" => NixlBackend::Ucx,
            "UCX_MO" => NixlBackend::UcxMo,
            "POSIX" => NixlBackend::Posix,
            "GDS" => NixlBackend::Gds,
            "GDS_MT" => NixlBackend::GdsMt,
            "OBJ" => NixlBackend::Obj,
            "MOONCAKE" => NixlBackend::Mooncake,
            "HF3FS" => NixlBackend::Hf3fs,
            "LIBFABRIC" => NixlBackend::Libfabric,
            "GPUNETIO" => NixlBackend::Gpunetio,
            other => NixlBackend::Plugin(other.to_string()),
        }
    }

    /// The name NixL knows the backend by.
    pub fn name(&self) -> &str {
        match self {
            NixlBackend::Ucx => "UCX",
            NixlBackend::UcxMo => "UCX_MO",
            NixlBackend::Posix => "POSIX",
            NixlBackend::Gds => "GDS",
            NixlBackend::GdsMt => "GDS_MT",
            NixlBackend::Obj => "OBJ",
            NixlBackend::Mooncake => "MOONCAKE",
            NixlBackend::Hf3fs => "HF3FS",
            NixlBackend::Libfabric => "LIBFABRIC",
            NixlBackend::Gpunetio => "GPUNETIO",
            NixlBackend::Plugin(name) => name,
        }
    }

    /// `false` for a plugin this crate does not know.
    pub fn is_known(&self) -> bool {
        !matches!(self, NixlBackend::Plugin(_))
    }
}

impl std::fmt::Display for NixlBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The NixL backends to create, with their parameters, in a stable order (by name).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NixlBackends {
    entries: Vec<(NixlBackend, BackendParams)>,
}

impl NixlBackends {
    /// Each backend with its parameters, ordered by name.
    pub fn iter(&self) -> impl Iterator<Item = (&NixlBackend, &BackendParams)> {
        self.entries
            .iter()
            .map(|(backend, params)| (backend, params))
    }

    /// Whether `backend` is in the set.
    pub fn contains(&self, backend: &NixlBackend) -> bool {
        self.entries.iter().any(|(b, _)| b == backend)
    }

    /// The parameters of `backend`, if it is in the set.
    pub fn params(&self, backend: &NixlBackend) -> Option<&BackendParams> {
        self.entries
            .iter()
            .find(|(b, _)| b == backend)
            .map(|(_, params)| params)
    }

    /// The number of backends.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `true` when there is no backend.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl NixlConfig {
    /// The backends as a typed set, ordered by name.
    pub fn backend_set(&self) -> NixlBackends {
        let entries = self
            .backends
            .iter()
            .map(|(name, params)| (NixlBackend::from_name(name), params.clone()))
            .collect();
        NixlBackends { entries }
    }
}
