//! The v1 variables this crate honours: one table, read by the environment scan (to tell
//! a v1 variable from another component's) and by the v1 layer (`v1.rs`, which maps them).

use crate::registry;

/// Prefix of the v1 per-backend switches, `DYN_KVBM_NIXL_BACKEND_<NAME>=true|false`.
pub(crate) const NIXL_BACKEND_PREFIX: &str = "DYN_KVBM_NIXL_BACKEND_";

/// One v1 variable (or family of variables) and what it maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct V1Var {
    /// The v1 name (`<NAME>` stands for a backend name).
    pub var: &'static str,
    /// The dotted key it sets.
    pub key: &'static str,
    /// What else to know.
    pub note: &'static str,
}

const fn v1(var: &'static str, key: &'static str, note: &'static str) -> V1Var {
    V1Var { var, key, note }
}

impl V1Var {
    /// The `KVBM_*` variable that replaces it: the variable declared for its key.
    pub fn replacement(&self) -> &'static str {
        registry::setting(self.key).map_or("", |setting| setting.env)
    }
}

/// The change of meaning of the v1 size variables, said the same way by the deprecation
/// warning, the preflight check and the README's migration table.
pub const PER_WORKER_NOTE: &str = "KVBM v1 treated this as a total for the model instance and divided it across the tensor-parallel ranks; v2's `cache_size_gb` is allocated by each worker, so divide the v1 value by the number of workers";

pub(crate) const OBJECT_ENABLED: &str = "DYN_KVBM_OBJECT_ENABLED";
pub(crate) const OBJECT_ENDPOINT: &str = "DYN_KVBM_OBJECT_ENDPOINT";

/// The v1 variables this crate honours.
pub const V1_VARS: &[V1Var] = &[
    v1("DYN_KVBM_CPU_CACHE_GB", "cache.host.cache_size_gb", PER_WORKER_NOTE),
    v1("DYN_KVBM_CPU_CACHE_OVERRIDE_NUM_BLOCKS", "cache.host.num_blocks", ""),
    v1("DYN_KVBM_DISK_CACHE_GB", "cache.disk.cache_size_gb", PER_WORKER_NOTE),
    v1("DYN_KVBM_DISK_CACHE_OVERRIDE_NUM_BLOCKS", "cache.disk.num_blocks", ""),
    v1("DYN_KVBM_DISK_CACHE_DIR", "cache.disk.storage_path", ""),
    v1("DYN_KVBM_NIXL_BACKEND_<NAME>", "nixl.backends", "`true` includes backend `<NAME>`, `false` leaves it out; any such variable makes the v1 set the complete set",
    ),
    v1(OBJECT_ENABLED, "object.client.type", "`true` turns on G4 with an `s3` client; `false` turns G4 off",
    ),
    v1("DYN_KVBM_OBJECT_BUCKET", "object.client.bucket", "used only with `DYN_KVBM_OBJECT_ENABLED=true`"),
    v1(OBJECT_ENDPOINT, "object.client.endpoint_url", "used only with `DYN_KVBM_OBJECT_ENABLED=true`; also sets `force_path_style = true`, as MinIO needs",
    ),
    v1("DYN_KVBM_OBJECT_REGION", "object.client.region", "used only with `DYN_KVBM_OBJECT_ENABLED=true`"),
];

/// The entry of [`V1_VARS`] for the variable `var`, if it is one this crate honours
/// (`DYN_KVBM_NIXL_BACKEND_GDS` is the `DYN_KVBM_NIXL_BACKEND_<NAME>` entry).
pub fn lookup(var: &str) -> Option<&'static V1Var> {
    match var.strip_prefix(NIXL_BACKEND_PREFIX) {
        Some(name) if !name.is_empty() => V1_VARS.iter().find(|v| v.key == "nixl.backends"),
        _ => V1_VARS.iter().find(|v| v.var == var),
    }
}
