//! Cache tier settings (`[cache]`): host memory (G2) and local disk (G3).
//!
//! Sizes are **per process** (per rank): a node with 8 workers each configured with
//! `cache_size_gb = 4` uses 32 GB of host memory. `GB` is decimal (10⁹ bytes), as in KVBM.
//! When both `num_blocks` and `cache_size_gb` are set, `num_blocks` wins.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

/// Settings of the cache tiers (`[cache]`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct CacheConfig {
    /// Host-memory cache, tier G2 (`[cache.host]`).
    #[validate(nested)]
    pub host: HostCacheConfig,

    /// Local-disk cache, tier G3 (`[cache.disk]`).
    #[validate(nested)]
    pub disk: DiskCacheConfig,

    /// How KV blocks are laid out across the ranks of a model.
    ///
    /// Default: `"tensor_parallel"`. Env: `KVBM_CACHE_PARALLELISM`.
    /// Constraint: `"tensor_parallel"` or `"replicated_data"`.
    pub parallelism: CacheParallelism,
}

/// How KV blocks are laid out across ranks (`cache.parallelism`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CacheParallelism {
    /// Each rank holds its shard of every block.
    #[default]
    TensorParallel,
    /// Every rank holds whole blocks.
    ReplicatedData,
}

impl CacheParallelism {
    /// The accepted names.
    pub const NAMES: &'static [&'static str] = &["tensor_parallel", "replicated_data"];
}

/// Host-memory cache, tier G2 (`[cache.host]`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct HostCacheConfig {
    /// Cache size in decimal GB (10⁹ bytes) per process.
    ///
    /// Default: none. Env: `KVBM_CACHE_HOST_SIZE_GB`. Constraint: finite and `> 0`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "positive_finite_gb"))]
    pub cache_size_gb: Option<f64>,

    /// Explicit block count per process; wins over `cache_size_gb`.
    ///
    /// Default: none. Env: `KVBM_CACHE_HOST_NUM_BLOCKS`. Constraint: `≥ 1`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(range(min = 1, message = "must be at least 1"))]
    pub num_blocks: Option<usize>,
}

/// Local-disk cache, tier G3 (`[cache.disk]`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct DiskCacheConfig {
    /// Cache size in decimal GB (10⁹ bytes) per process.
    ///
    /// Default: none. Env: `KVBM_CACHE_DISK_SIZE_GB`. Constraint: finite and `> 0`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "positive_finite_gb"))]
    pub cache_size_gb: Option<f64>,

    /// Explicit block count per process; wins over `cache_size_gb`.
    ///
    /// Default: none. Env: `KVBM_CACHE_DISK_NUM_BLOCKS`. Constraint: `≥ 1`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(range(min = 1, message = "must be at least 1"))]
    pub num_blocks: Option<usize>,

    /// Read and write the disk tier with GPUDirect Storage.
    ///
    /// Default: `false`. Env: `KVBM_CACHE_DISK_USE_GDS`.
    pub use_gds: bool,

    /// Directory for the cache files.
    ///
    /// Default: none. Env: `KVBM_CACHE_DISK_STORAGE_PATH`. Constraint: not empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "crate::validation::non_empty_path"))]
    pub storage_path: Option<PathBuf>,
}

fn positive_finite_gb(gb: f64) -> Result<(), ValidationError> {
    if gb.is_finite() && gb > 0.0 {
        return Ok(());
    }
    Err(ValidationError::new("positive_finite")
        .with_message("must be a finite number greater than 0".into()))
}
