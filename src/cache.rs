//! Cache tier settings (`[cache]`): host memory (G2) and local disk (G3).
//!
//! Sizes are **per process** (per rank): a node with 8 workers each configured with
//! `cache_size_gb = 4` uses 32 GB of host memory. `GB` is decimal (10⁹ bytes), as in KVBM.
//! When both `num_blocks` and `cache_size_gb` are set, `num_blocks` wins.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::BuildError;

crate::declare::settings! {
    /// Settings of the cache tiers (`[cache]`).
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, PartialEq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct CacheConfig {
        /// Block layout across ranks.
        ///
        /// How KV blocks are laid out across the ranks of a model.
        pub parallelism: CacheParallelism = {
            default: CacheParallelism::TensorParallel,
            agree,
        },
        /// Host-memory cache, tier G2 (`[cache.host]`).
        pub host: HostCacheConfig = section,
        /// Local-disk cache, tier G3 (`[cache.disk]`).
        pub disk: DiskCacheConfig = section,
    }
}

crate::declare::choice! {
    /// How KV blocks are laid out across ranks (`cache.parallelism`).
    #[derive(Default)]
    pub enum CacheParallelism {
        /// Each rank holds its shard of every block.
        #[default]
        TensorParallel = "tensor_parallel",
        /// Every rank holds whole blocks.
        ReplicatedData = "replicated_data",
    }
}

crate::declare::settings! {
    /// Host-memory cache, tier G2 (`[cache.host]`).
    ///
    /// Sizes are per worker process: 8 workers with `cache_size_gb = 64.0` pin 512 GB (477 GiB).
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, PartialEq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct HostCacheConfig {
        /// Host (G2) cache size in GB (10⁹ bytes) per process.
        pub cache_size_gb: Option<f64> = {
            default: None,
            // The specification's name; the key's (`KVBM_CACHE_HOST_CACHE_SIZE_GB`) is
            // read too, as upstream's releases spell it.
            env: "KVBM_CACHE_HOST_SIZE_GB",
            check: [positive_finite],
            example: "4.0",
        },
        /// Host (G2) block count per process (wins over cache_size_gb).
        pub num_blocks: Option<usize> = {
            default: None,
            check: [min(1)],
            example: "1024",
        },
    }
}

crate::declare::settings! {
    /// Local-disk cache, tier G3 (`[cache.disk]`).
    ///
    /// Sizes are per worker process: 8 workers with `cache_size_gb = 100.0` write 800 GB (745 GiB).
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, PartialEq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct DiskCacheConfig {
        /// Disk (G3) cache size in GB (10⁹ bytes) per process.
        pub cache_size_gb: Option<f64> = {
            default: None,
            // The specification's name; the key's (`KVBM_CACHE_DISK_CACHE_SIZE_GB`) is
            // read too, as upstream's releases spell it.
            env: "KVBM_CACHE_DISK_SIZE_GB",
            check: [positive_finite],
            example: "100.0",
        },
        /// Disk (G3) block count per process (wins over cache_size_gb).
        pub num_blocks: Option<usize> = {
            default: None,
            check: [min(1)],
            example: "16384",
        },
        /// Use GPUDirect Storage.
        ///
        /// Read and write the disk tier with GPUDirect Storage.
        pub use_gds: bool = {
            default: false,
        },
        /// Directory for cache files.
        pub storage_path: Option<PathBuf> = {
            default: None,
            check: [not_empty],
            example: r#""/mnt/kvbm-cache""#,
        },
    }
    // `"disk": null` is no disk tier, as upstream's `Option` table meant.
    null: DiskCacheConfig::default();
}

/// Bytes in a decimal gigabyte, as KVBM counts them.
pub const BYTES_PER_GB: f64 = 1e9;

/// A cache tier this crate sizes: G2 (host memory) or G3 (local disk). The one place that
/// names their tables and keys; the load warnings, the builders and preflight all take a
/// tier from here rather than spelling `"cache.host"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CacheTier {
    /// G2: pinned host memory (`[cache.host]`).
    Host,
    /// G3: local disk (`[cache.disk]`).
    Disk,
}

impl CacheTier {
    /// Both tiers, G2 first.
    pub const ALL: [CacheTier; 2] = [CacheTier::Host, CacheTier::Disk];

    /// The tier's table, `cache.host` or `cache.disk`.
    pub const fn table(self) -> &'static str {
        match self {
            CacheTier::Host => crate::key::cache::host::TABLE,
            CacheTier::Disk => crate::key::cache::disk::TABLE,
        }
    }

    /// The key of its size in GB.
    pub const fn size_key(self) -> &'static str {
        match self {
            CacheTier::Host => crate::key::cache::host::CACHE_SIZE_GB,
            CacheTier::Disk => crate::key::cache::disk::CACHE_SIZE_GB,
        }
    }

    /// The key of its block count.
    pub const fn blocks_key(self) -> &'static str {
        match self {
            CacheTier::Host => crate::key::cache::host::NUM_BLOCKS,
            CacheTier::Disk => crate::key::cache::disk::NUM_BLOCKS,
        }
    }

    /// The tier's name in KVBM's words, `G2` or `G3`.
    pub const fn name(self) -> &'static str {
        match self {
            CacheTier::Host => "G2",
            CacheTier::Disk => "G3",
        }
    }
}

/// How one tier is sized in a config: its size in GB and its block count (which wins when
/// both are set).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct TierSizing {
    /// Which tier.
    pub tier: CacheTier,
    /// `cache_size_gb` of the tier.
    pub cache_size_gb: Option<f64>,
    /// `num_blocks` of the tier.
    pub num_blocks: Option<usize>,
}

impl CacheConfig {
    /// How `tier` is sized.
    pub fn tier(&self, tier: CacheTier) -> TierSizing {
        let (cache_size_gb, num_blocks) = match tier {
            CacheTier::Host => (self.host.cache_size_gb, self.host.num_blocks),
            CacheTier::Disk => (self.disk.cache_size_gb, self.disk.num_blocks),
        };
        TierSizing {
            tier,
            cache_size_gb,
            num_blocks,
        }
    }

    /// How each tier is sized, G2 first.
    pub fn tiers(&self) -> [TierSizing; 2] {
        CacheTier::ALL.map(|tier| self.tier(tier))
    }
}

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
    /// let host = kvbm_config::cache::HostCacheConfig { cache_size_gb: Some(1.0), ..Default::default() };
    /// assert_eq!(host.num_blocks(1_000_000)?, Some(1000));
    /// # Ok::<(), kvbm_config::BuildError>(())
    /// ```
    pub fn num_blocks(&self, bytes_per_block: usize) -> Result<Option<usize>, BuildError> {
        TierSizing {
            tier: CacheTier::Host,
            cache_size_gb: self.cache_size_gb,
            num_blocks: self.num_blocks,
        }
        .blocks(bytes_per_block)
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
        TierSizing {
            tier: CacheTier::Disk,
            cache_size_gb: self.cache_size_gb,
            num_blocks: self.num_blocks,
        }
        .blocks(bytes_per_block)
    }
}

impl TierSizing {
    /// The number of blocks of `bytes_per_block` bytes; see [`HostCacheConfig::num_blocks`]
    /// for the rule.
    ///
    /// # Errors
    ///
    /// [`BuildError::Invalid`] when `bytes_per_block` is zero or the size holds no block.
    pub fn blocks(&self, bytes_per_block: usize) -> Result<Option<usize>, BuildError> {
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
        if let Some(blocks) = self.num_blocks {
            return Ok(Some(blocks));
        }
        let Some(gb) = self.cache_size_gb else {
            return Ok(None);
        };
        let key = self.tier.size_key();
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

    /// The key that sizes the tier: `num_blocks` when set (it wins), else `cache_size_gb`.
    pub fn sizing_key(&self) -> &'static str {
        match self.num_blocks {
            Some(_) => self.tier.blocks_key(),
            None => self.tier.size_key(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_tier_names_declared_keys_of_its_table() {
        for tier in CacheTier::ALL {
            for key in [tier.size_key(), tier.blocks_key()] {
                let setting = crate::registry::setting(key).expect("declared");
                assert_eq!(setting.table(), tier.table());
            }
        }
    }
}
