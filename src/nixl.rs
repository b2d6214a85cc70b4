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
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct NixlConfig {
    /// Backends to create, by upper-case name, with their parameters.
    ///
    /// Default: `{ UCX = {}, POSIX = {} }`. Env: `KVBM_NIXL_BACKENDS` (comma-separated names,
    /// no parameters, e.g. `UCX,POSIX,GDS`). Constraint: names not empty. A source that
    /// sets this gives the complete set (see the module docs).
    #[validate(custom(function = "backend_names_valid"))]
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
