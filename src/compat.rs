//! The names of `dynamo-kvbm-config`, so that its consumers compile with this crate by
//! changing one manifest line (see `MIGRATING.md`):
//!
//! ```toml
//! dynamo-kvbm-config = { package = "kvbm-config", version = "0.1" }
//! ```
//!
//! Everything here is re-exported at the crate root (hidden from its docs). Renamed types
//! are deprecated aliases pointing at this crate's names; adapter methods delegate to this
//! crate's own items, so no rule is written twice. New code should use the names the
//! notes point to.

use std::net::SocketAddr;

use figment::{Figment, Provider};

use crate::cache::{DiskCacheConfig, HostCacheConfig};
use crate::nixl::{BackendParams, NixlBackend};
use crate::nova::NovaBackendConfig;
use crate::object::S3ClientConfig;
use crate::{BuildError, KvbmConfig, Loader, Role};

pub use crate::nixl::NixlConfig;
pub use crate::nova::NovaConfig;
pub use crate::object::{ObjectClientConfig, ObjectConfig};
pub use crate::offload::{OnboardMode, TierOffloadConfig};

/// Upstream name of [`crate::cache::CacheParallelism`].
#[deprecated(note = "use kvbm_config::cache::CacheParallelism")]
pub type ParallelismMode = crate::cache::CacheParallelism;

/// Upstream name of [`crate::offload::OffloadPolicy`].
#[deprecated(note = "use kvbm_config::offload::OffloadPolicy")]
pub type PolicyType = crate::offload::OffloadPolicy;

/// Upstream name of [`crate::object::S3ClientConfig`].
#[deprecated(note = "use kvbm_config::object::S3ClientConfig")]
pub type S3ObjectConfig = crate::object::S3ClientConfig;

/// Upstream name of [`crate::object::NixlObjectClientConfig`].
#[deprecated(note = "use kvbm_config::object::NixlObjectClientConfig")]
pub type NixlObjectConfig = crate::object::NixlObjectClientConfig;

/// Upstream name of [`crate::offload::PresenceLfuConfig`].
#[deprecated(note = "use kvbm_config::offload::PresenceLfuConfig")]
pub type PresenceLfuFilterConfig = crate::offload::PresenceLfuConfig;

/// The upstream helpers of a cache tier; both tiers have the same two fields.
macro_rules! tier_shims {
    ($($tier:ident),*) => {$(
        impl $tier {
            /// Whether the tier is configured (a size or a block count is set).
            pub fn is_enabled(&self) -> bool {
                self.cache_size_gb.is_some() || self.num_blocks.is_some()
            }

            /// Upstream's block count: `num_blocks(bytes_per_block)`, with `None` for an
            /// error.
            #[deprecated(note = "use num_blocks, which says why a count is missing")]
            pub fn compute_num_blocks(&self, bytes_per_block: usize) -> Option<usize> {
                self.num_blocks(bytes_per_block).ok().flatten()
            }
        }
    )*};
}

tier_shims!(HostCacheConfig, DiskCacheConfig);

impl KvbmConfig {
    /// Layers 2–4 of the process for the leader, selected as the `leader` profile, so that
    /// [`KvbmConfig::extract_from`] applies the `leader` tables of what is merged on top.
    pub fn figment_for_leader() -> Figment {
        Loader::from_process()
            .role(Role::Leader)
            .figment()
            .select("leader")
    }

    /// As [`KvbmConfig::figment_for_leader`], for a worker.
    pub fn figment_for_worker() -> Figment {
        Loader::from_process()
            .role(Role::Worker)
            .figment()
            .select("worker")
    }

    /// [`KvbmConfig::figment`] with `provider` merged on top.
    pub fn figment_with<P: Provider>(provider: P) -> Figment {
        Self::figment().merge(provider)
    }
}

impl NixlConfig {
    /// No backend at all (a load's default is UCX and POSIX).
    pub fn empty() -> Self {
        let mut none = NixlConfig::default();
        none.backends.clear();
        none
    }

    /// Adds `name` (upper-cased, as a load does) without parameters.
    pub fn with_backend(self, name: &str) -> Self {
        self.with_backend_params(name, BackendParams::new())
    }

    /// Adds `name` (upper-cased, as a load does) with `params`.
    pub fn with_backend_params(mut self, name: &str, params: BackendParams) -> Self {
        self.backends
            .insert(NixlBackend::normalize_name(name), params);
        self
    }

    /// Whether `name` (any case) is in the set.
    pub fn has_backend(&self, name: &str) -> bool {
        self.backends
            .contains_key(&NixlBackend::normalize_name(name))
    }

    /// The backend names, upper case, in a stable order.
    pub fn enabled_backends(&self) -> Vec<String> {
        self.backends.keys().cloned().collect()
    }

    /// The parameters of `name` (any case), if it is in the set.
    pub fn backend_params(&self, name: &str) -> Option<&BackendParams> {
        self.backends.get(&NixlBackend::normalize_name(name))
    }

    /// Each backend name with its parameters, in a stable order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &BackendParams)> {
        self.backends.iter()
    }
}

impl NovaBackendConfig {
    /// Upstream name of [`NovaBackendConfig::bind_addr`].
    ///
    /// # Errors
    ///
    /// As [`NovaBackendConfig::bind_addr`].
    #[deprecated(note = "use NovaBackendConfig::bind_addr")]
    pub fn resolve_bind_addr(&self) -> Result<SocketAddr, BuildError> {
        self.bind_addr()
    }
}

impl S3ClientConfig {
    /// AWS S3: `bucket` in `region`, virtual-hosted URLs.
    pub fn aws(bucket: impl Into<String>, region: impl Into<String>) -> Self {
        S3ClientConfig {
            bucket: bucket.into(),
            region: region.into(),
            ..S3ClientConfig::default()
        }
    }

    /// MinIO or another S3-compatible store at `endpoint_url`: path-style URLs.
    pub fn minio(endpoint_url: impl Into<String>, bucket: impl Into<String>) -> Self {
        S3ClientConfig {
            endpoint_url: Some(endpoint_url.into()),
            bucket: bucket.into(),
            force_path_style: true,
            ..S3ClientConfig::default()
        }
    }
}
