//! Cache tier settings (`[cache]`): host memory (G2) and local disk (G3).
//!
//! Sizes are **per process** (per rank): a node with 8 workers each configured with
//! `cache_size_gb = 4` uses 32 GB of host memory. `GB` is decimal (10⁹ bytes), as in KVBM.
//! When both `num_blocks` and `cache_size_gb` are set, `num_blocks` wins.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

use crate::error::BuildError;

/// Settings of the cache tiers (`[cache]`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// Bytes in a decimal gigabyte, as KVBM counts them.
pub const BYTES_PER_GB: f64 = 1e9;

impl HostCacheConfig {
    /// The number of G2 blocks of `bytes_per_block` bytes: `num_blocks` when set, else
    /// `floor(cache_size_gb × 10⁹ / bytes_per_block)` (decimal GB, as in KVBM); `None` when
    /// neither is set (no host tier).
    ///
    /// # Errors
    ///
    /// [`BuildError::Invalid`] when `bytes_per_block` is zero or the size holds no block.
    ///
    /// # Examples
    ///
    /// ```
    /// let host = kvbm_config::cache::HostCacheConfig { cache_size_gb: Some(1.0), num_blocks: None };
    /// assert_eq!(host.num_blocks(1_000_000)?, Some(1000));
    /// # Ok::<(), kvbm_config::BuildError>(())
    /// ```
    pub fn num_blocks(&self, bytes_per_block: usize) -> Result<Option<usize>, BuildError> {
        tier_blocks(
            "cache.host",
            self.cache_size_gb,
            self.num_blocks,
            bytes_per_block,
        )
    }
}

impl DiskCacheConfig {
    /// The number of G3 blocks of `bytes_per_block` bytes; see
    /// [`HostCacheConfig::num_blocks`] for the rule.
    ///
    /// # Errors
    ///
    /// [`BuildError::Invalid`] when `bytes_per_block` is zero or the size holds no block.
    pub fn num_blocks(&self, bytes_per_block: usize) -> Result<Option<usize>, BuildError> {
        tier_blocks(
            "cache.disk",
            self.cache_size_gb,
            self.num_blocks,
            bytes_per_block,
        )
    }
}

fn tier_blocks(
    tier: &'static str,
    size_gb: Option<f64>,
    num_blocks: Option<usize>,
    bytes_per_block: usize,
) -> Result<Option<usize>, BuildError> {
    let invalid = |key: &'static str, value: String, message: &str| BuildError::Invalid {
        key,
        value,
        message: message.to_string(),
    };
    if bytes_per_block == 0 {
        return Err(invalid(
            "bytes_per_block",
            "0".into(),
            "a block must have at least one byte",
        ));
    }
    if let Some(blocks) = num_blocks {
        return Ok(Some(blocks));
    }
    let Some(gb) = size_gb else {
        return Ok(None);
    };
    let key = if tier == "cache.host" {
        "cache.host.cache_size_gb"
    } else {
        "cache.disk.cache_size_gb"
    };
    if !gb.is_finite() || gb <= 0.0 {
        return Err(invalid(
            key,
            gb.to_string(),
            "must be a finite number greater than 0",
        ));
    }
    // f64 → u128 saturates, so absurd sizes cannot wrap around.
    let bytes = (gb * BYTES_PER_GB).floor() as u128;
    let blocks = bytes / bytes_per_block as u128;
    match usize::try_from(blocks) {
        Ok(0) => Err(invalid(
            key,
            gb.to_string(),
            &format!("holds no block of {bytes_per_block} bytes"),
        )),
        Ok(blocks) => Ok(Some(blocks)),
        Err(_) => Err(invalid(
            key,
            gb.to_string(),
            "holds more blocks than this machine can count",
        )),
    }
}
