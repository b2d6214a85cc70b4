//! The v1 variables this crate knows: one table, read by the environment scan (to tell a
//! v1 variable from another component's), by the v1 layer (`v1.rs`, which maps them), by
//! the `env` command and by the README's migration table.
//!
//! The list is the `DYN_KVBM_*` names the released KVBM v1 package (`kvbm` 1.6.1) reads.
//! Each one either sets a setting of this config, switches one on, or is known to have no
//! effect here; a `DYN_KVBM_*` name outside the list belongs to another component.

use crate::registry;

/// Prefix of the v1 per-backend switches, `DYN_KVBM_NIXL_BACKEND_<NAME>=true|false`.
pub(crate) const NIXL_BACKEND_PREFIX: &str = "DYN_KVBM_NIXL_BACKEND_";

/// What a v1 variable does to this config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum V1Meaning {
    /// Its value is the value of the setting with this dotted key.
    Sets(&'static str),
    /// `true` sets `key` to `value` (written as the setting's variable would write it);
    /// `false` leaves the setting alone.
    SwitchesOn {
        /// The dotted key it sets.
        key: &'static str,
        /// The value it sets, in the variable syntax of that setting.
        value: &'static str,
    },
    /// KVBM v1 read it for something this config does not hold.
    NoEffect,
}

/// One v1 variable (or family of variables) and what it means here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct V1Var {
    /// The v1 name (`<NAME>` stands for a backend name).
    pub var: &'static str,
    /// What it does to this config.
    pub meaning: V1Meaning,
    /// What else to know (for a variable without effect: why).
    pub note: &'static str,
}

const fn sets(var: &'static str, key: &'static str, note: &'static str) -> V1Var {
    V1Var {
        var,
        meaning: V1Meaning::Sets(key),
        note,
    }
}

const fn switches_on(var: &'static str, key: &'static str, value: &'static str) -> V1Var {
    V1Var {
        var,
        meaning: V1Meaning::SwitchesOn { key, value },
        note: "`false` leaves the setting alone",
    }
}

const fn no_effect(var: &'static str, note: &'static str) -> V1Var {
    V1Var {
        var,
        meaning: V1Meaning::NoEffect,
        note,
    }
}

impl V1Var {
    /// The dotted key it sets, if it sets one.
    pub fn key(&self) -> Option<&'static str> {
        match self.meaning {
            V1Meaning::Sets(key) | V1Meaning::SwitchesOn { key, .. } => Some(key),
            V1Meaning::NoEffect => None,
        }
    }

    /// What to set instead: the `KVBM_*` variable declared for its key, with the value
    /// for a switch (`KVBM_CACHE_PARALLELISM=replicated_data`); `None` without effect.
    pub fn replacement(&self) -> Option<String> {
        let env = |key| registry::setting(key).map_or("", |setting| setting.env);
        match self.meaning {
            V1Meaning::Sets(key) => Some(env(key).to_string()),
            V1Meaning::SwitchesOn { key, value } => Some(format!("{}={value}", env(key))),
            V1Meaning::NoEffect => None,
        }
    }

    /// The sentence the load's warning and the `env` command give about it.
    pub fn advice(&self) -> String {
        match (self.replacement(), self.note) {
            (Some(instead), PER_WORKER_NOTE) => {
                format!("is deprecated (KVBM v1); use `{instead}` instead. {PER_WORKER_NOTE}")
            }
            (Some(instead), _) => format!("is deprecated (KVBM v1); use `{instead}` instead"),
            (None, why) => format!("is a KVBM v1 variable with no effect on this config: {why}"),
        }
    }
}

/// The change of meaning of the v1 size variables, said the same way by the deprecation
/// warning, the preflight check and the README's migration table.
pub const PER_WORKER_NOTE: &str = "KVBM v1 treated this as a total for the model instance and divided it across the tensor-parallel ranks; v2's `cache_size_gb` is allocated by each worker, so divide the v1 value by the number of workers";

pub(crate) const OBJECT_ENABLED: &str = "DYN_KVBM_OBJECT_ENABLED";
pub(crate) const OBJECT_ENDPOINT: &str = "DYN_KVBM_OBJECT_ENDPOINT";

/// Why the v1 leader/worker transport variables do nothing here.
const TRANSPORT: &str = "v2's leader and workers talk over `nova` (`KVBM_NOVA_BACKEND_*`)";
/// Why the v1 metrics and statistics variables do nothing here.
const OBSERVABILITY: &str = "metrics and cache statistics are not part of KVBM's config";
/// Why the v1 tuning knobs do nothing here.
const ENGINE: &str = "a KVBM v1 engine knob; v2 has no such setting";

/// Every `DYN_KVBM_*` variable the released KVBM v1 package reads.
pub const V1_VARS: &[V1Var] = &[
    sets("DYN_KVBM_CPU_CACHE_GB", crate::key::cache::host::CACHE_SIZE_GB, PER_WORKER_NOTE),
    sets("DYN_KVBM_CPU_CACHE_OVERRIDE_NUM_BLOCKS", crate::key::cache::host::NUM_BLOCKS, ""),
    sets("DYN_KVBM_DISK_CACHE_GB", crate::key::cache::disk::CACHE_SIZE_GB, PER_WORKER_NOTE),
    sets("DYN_KVBM_DISK_CACHE_OVERRIDE_NUM_BLOCKS", crate::key::cache::disk::NUM_BLOCKS, ""),
    sets("DYN_KVBM_DISK_CACHE_DIR", crate::key::cache::disk::STORAGE_PATH, ""),
    sets("DYN_KVBM_NIXL_BACKEND_<NAME>", crate::key::nixl::BACKENDS, "`true` includes backend `<NAME>`, `false` leaves it out; any such variable makes the v1 set the complete set",
    ),
    sets(OBJECT_ENABLED, crate::key::object::client::TYPE, "`true` turns on G4 with an `s3` client; `false` turns G4 off",
    ),
    sets("DYN_KVBM_OBJECT_BUCKET", crate::key::object::client::BUCKET, "used only with `DYN_KVBM_OBJECT_ENABLED=true`"),
    sets(OBJECT_ENDPOINT, crate::key::object::client::ENDPOINT_URL, "used only with `DYN_KVBM_OBJECT_ENABLED=true`; also sets `force_path_style = true`, as MinIO needs",
    ),
    sets("DYN_KVBM_OBJECT_REGION", crate::key::object::client::REGION, "used only with `DYN_KVBM_OBJECT_ENABLED=true`"),
    switches_on("DYN_KVBM_NCCL_MLA_MODE", crate::key::cache::PARALLELISM, "replicated_data"),
    switches_on("DYN_KVBM_DISABLE_DISK_OFFLOAD_FILTER", crate::key::offload::g1_to_g2::POLICIES, "pass_all"),
    sets("DYN_KVBM_KV_EVENTS_ENABLE_CONSOLIDATOR", crate::key::events::ENABLED, ""),
    no_effect("DYN_KVBM_LEADER_ZMQ_HOST", TRANSPORT),
    no_effect("DYN_KVBM_LEADER_ZMQ_PUB_PORT", TRANSPORT),
    no_effect("DYN_KVBM_LEADER_ZMQ_ACK_PORT", TRANSPORT),
    no_effect("DYN_KVBM_TRTLLM_ZMQ_PORT", TRANSPORT),
    no_effect("DYN_KVBM_LEADER_WORKER_INIT_TIMEOUT_SECS", TRANSPORT),
    no_effect("DYN_KVBM_METRICS", OBSERVABILITY),
    no_effect("DYN_KVBM_METRICS_PORT", OBSERVABILITY),
    no_effect("DYN_KVBM_CACHE_STATS_MAX_REQUESTS", OBSERVABILITY),
    no_effect("DYN_KVBM_CACHE_STATS_LOG_INTERVAL_SECS", OBSERVABILITY),
    no_effect("DYN_KVBM_ENABLE_RECORD", OBSERVABILITY),
    no_effect("DYN_KVBM_KV_EVENTS_CONSOLIDATOR_MODE", "the `events` section has no consolidator mode"),
    no_effect("DYN_KVBM_ENABLE_NUMA", ENGINE),
    no_effect("DYN_KVBM_NCCL_MAX_CTAS", ENGINE),
    no_effect("DYN_KVBM_HOST_OFFLOAD_PREFIX_MIN_PRIORITY", ENGINE),
    no_effect("DYN_KVBM_MAX_CONCURRENT_TRANSFERS", ENGINE),
    no_effect("DYN_KVBM_MAX_TRANSFER_BATCH_SIZE", ENGINE),
    no_effect("DYN_KVBM_DISK_ZEROFILL_FALLBACK", ENGINE),
    no_effect("DYN_KVBM_DISK_DISABLE_O_DIRECT", ENGINE),
    no_effect("DYN_KVBM_DISK_ALLOCATOR_TYPE", ENGINE),
    no_effect("DYN_KVBM_DISABLE_WRITE_COMBINED", ENGINE),
];

/// The entry of [`V1_VARS`] for the variable `var`, if it is one KVBM v1 reads
/// (`DYN_KVBM_NIXL_BACKEND_GDS` is the `DYN_KVBM_NIXL_BACKEND_<NAME>` entry).
pub fn lookup(var: &str) -> Option<&'static V1Var> {
    match var.strip_prefix(NIXL_BACKEND_PREFIX) {
        Some(name) if !name.is_empty() => V1_VARS
            .iter()
            .find(|v| v.meaning == V1Meaning::Sets(crate::key::nixl::BACKENDS)),
        _ => V1_VARS.iter().find(|v| v.var == var),
    }
}
