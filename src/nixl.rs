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

/// Parameters of one NixL backend (string to string, passed to the plugin as is).
pub type BackendParams = BTreeMap<String, String>;

crate::declare::settings! {
    /// Settings of NixL (`[nixl]`).
    ///
    /// `Debug` hides the values of parameters whose names look like credentials
    /// (`secret_key`, `token`, ...); the map keeps the real values.
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct NixlConfig {
        /// NixL backends and their parameters (a source gives the complete set).
        ///
        /// Backends by upper-case name. `KVBM_NIXL_BACKENDS` takes comma-separated names
        /// without parameters, e.g. `UCX,POSIX,GDS`. A source that sets this gives the
        /// complete set (see the module docs).
        #[cfg_attr(
            feature = "schema",
            schemars(schema_with = "crate::json_schema::backends_schema")
        )]
        pub backends: BTreeMap<String, BackendParams> = {
            default: NixlBackend::DEFAULT_SET.iter().map(|b| (b.name().to_string(), BackendParams::new())).collect(),
            check: [backend_names],
            example: r#"{ UCX = {}, POSIX = {}, GDS = { num_threads = "4" } }"#,
            secret,
        },
    }
    // `"nixl": null` is NixL off (no backend), as upstream's `Option` table meant.
    null: NixlConfig::empty();
}

/// Declares [`NixlBackend`] from one list of (variant, name, doc): the enum, its names and
/// the lookup by name cannot disagree.
macro_rules! known_backends {
    ($($variant:ident => $name:literal, $doc:literal;)*) => {
        /// A NixL backend: one NixL knows by name, or a plugin this crate does not know.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum NixlBackend {
            $(#[doc = concat!("`", $name, "`: ", $doc)] $variant,)*
            /// A backend this crate does not know, by its upper-case name (a NixL plugin).
            Plugin(String),
        }

        impl NixlBackend {
            /// The names of the backends this crate knows.
            pub const KNOWN: &'static [&'static str] = &[$($name),*];

            /// The backend a name (any case) stands for.
            pub fn from_name(name: &str) -> NixlBackend {
                let upper = name.to_ascii_uppercase();
                match upper.as_str() {
                    $($name => NixlBackend::$variant,)*
                    _ => NixlBackend::Plugin(upper),
                }
            }

            /// The name NixL knows the backend by.
            pub fn name(&self) -> &str {
                match self {
                    $(NixlBackend::$variant => $name,)*
                    NixlBackend::Plugin(name) => name,
                }
            }
        }
    };
}

known_backends! {
    Ucx => "UCX", "Unified Communication X (network and GPU memory).";
    UcxMo => "UCX_MO", "UCX with multiple objects.";
    Posix => "POSIX", "plain POSIX file I/O.";
    Gds => "GDS", "NVIDIA GPUDirect Storage.";
    GdsMt => "GDS_MT", "multi-threaded GPUDirect Storage.";
    Obj => "OBJ", "object storage (S3).";
    Mooncake => "MOONCAKE", "the Mooncake transfer engine.";
    Hf3fs => "HF3FS", "the 3FS file system.";
    Libfabric => "LIBFABRIC", "OFI libfabric.";
    Gpunetio => "GPUNETIO", "DOCA GPUNetIO.";
}

impl NixlBackend {
    /// The backends a config has when no source names any: UCX and POSIX, as the spec says.
    pub const DEFAULT_SET: &'static [NixlBackend] = &[NixlBackend::Ucx, NixlBackend::Posix];

    /// `false` for a plugin this crate does not know.
    pub fn is_known(&self) -> bool {
        !matches!(self, NixlBackend::Plugin(_))
    }

    /// Whether the backend does its I/O through GPUDirect Storage (`GDS`, `GDS_MT`), which
    /// needs the `nvidia-fs` device on the host.
    pub fn uses_gds(&self) -> bool {
        matches!(self, NixlBackend::Gds | NixlBackend::GdsMt)
    }

    /// Whether the backend registers (pins) the memory it sends for RDMA (`UCX`, `UCX_MO`),
    /// which the locked-memory limit (`RLIMIT_MEMLOCK`) bounds.
    pub fn pins_memory(&self) -> bool {
        matches!(self, NixlBackend::Ucx | NixlBackend::UcxMo)
    }

    /// `name` as NixL knows it: upper case. Every source's names pass through here.
    pub fn normalize_name(name: &str) -> String {
        name.to_ascii_uppercase()
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
