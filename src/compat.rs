//! The names of `dynamo-kvbm-config`, so that its consumers compile with this crate by
//! changing one manifest line (see `MIGRATING.md`):
//!
//! ```toml
//! dynamo-kvbm-config = { package = "kvbm-layered-config", version = "0.1" }
//! ```
//!
//! and the names of upstream's releases, `kvbm-config` 1.x (`MessengerConfig`,
//! `EventsConfig`, …), so that their consumers switch the same way.
//!
//! Everything here is re-exported at the crate root (hidden from its docs). Renamed types
//! are plain aliases of this crate's types, not deprecated: a consumer that builds with
//! `-D warnings` stays green after the one-line switch. Adapter methods delegate to this
//! crate's own items, so no rule is written twice.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use figment::{Figment, Provider};

use crate::nixl::{BackendParams, NixlBackend};
use crate::object::S3ClientConfig;
use crate::{BuildError, KvbmConfig, Loader, Role};

// Upstream's root names that are this crate's types under the same name.
pub use crate::cache::{CacheConfig, DiskCacheConfig, HostCacheConfig};
pub use crate::events::{EventPolicyConfig, EventsBatchingConfig, EventsConfig};
pub use crate::nixl::NixlConfig;
pub use crate::nova::{
    DiscoveryConfig, EtcdDiscoveryConfig, FilesystemDiscoveryConfig, NovaBackendConfig, NovaConfig,
    P2pDiscoveryConfig,
};
pub use crate::object::{ObjectClientConfig, ObjectConfig};
pub use crate::offload::{OffloadConfig, OnboardConfig, OnboardMode, TierOffloadConfig};
pub use crate::rayon::RayonConfig;
pub use crate::tokio::TokioConfig;

/// Upstream name of [`crate::offload::PresenceConfig`] (the `presence` table of a hop).
pub type PresenceFilterConfig = crate::offload::PresenceConfig;

/// Upstream name of [`crate::cache::CacheParallelism`].
pub type ParallelismMode = crate::cache::CacheParallelism;

/// The name of [`NovaConfig`] in upstream's releases (`kvbm-config` 1.x), whose table is
/// `messenger`: the same table, which this crate reads under both names.
pub type MessengerConfig = crate::nova::NovaConfig;

/// The name of [`NovaBackendConfig`] in upstream's releases (`[messenger.backend]`).
pub type MessengerBackendConfig = crate::nova::NovaBackendConfig;

/// Upstream name of [`crate::offload::OffloadPolicy`].
pub type PolicyType = crate::offload::OffloadPolicy;

/// Upstream name of [`crate::object::S3ClientConfig`].
pub type S3ObjectConfig = crate::object::S3ClientConfig;

/// Upstream name of [`crate::object::NixlObjectClientConfig`].
pub type NixlObjectConfig = crate::object::NixlObjectClientConfig;

/// Upstream name of [`crate::offload::PresenceLfuConfig`].
pub type PresenceLfuFilterConfig = crate::offload::PresenceLfuConfig;

/// The upstream helpers of a cache tier; both tiers have the same two fields.
macro_rules! tier_shims {
    ($($tier:ident),*) => {$(
        impl $tier {
            /// Whether the tier is configured (a size or a block count is set).
            pub fn is_enabled(&self) -> bool {
                self.cache_size_gb.is_some() || self.num_blocks.is_some()
            }

            /// Upstream's block count, with its answers: `None` for a zero `bytes_per_block`
            /// (whatever is set) or when neither field is set; else `num_blocks` when set;
            /// else `floor(cache_size_gb × 10⁹ / bytes_per_block)`, `Some(0)` when the size
            /// holds no block. [`Self::num_blocks`] says why a count is missing.
            pub fn compute_num_blocks(&self, bytes_per_block: usize) -> Option<usize> {
                if bytes_per_block == 0 {
                    return None;
                }
                self.num_blocks.or_else(|| {
                    // Upstream's arithmetic, in floating point; `as` saturates (a NaN or
                    // negative size is 0 blocks).
                    let gb = self.cache_size_gb?;
                    Some((gb * crate::cache::BYTES_PER_GB / bytes_per_block as f64) as usize)
                })
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
    /// The backends of `backends`, each name upper-cased as a load does. Upstream's
    /// constructor, with its concrete argument type, so `NixlConfig::new(HashMap::new())`
    /// infers.
    pub fn new(backends: HashMap<String, HashMap<String, String>>) -> Self {
        backends
            .into_iter()
            .fold(NixlConfig::empty(), |config, (name, params)| {
                config.with_backend_params(name, params)
            })
    }

    /// No backend at all (a load's default is UCX and POSIX).
    pub fn empty() -> Self {
        let mut none = NixlConfig::default();
        none.backends.clear();
        none
    }

    /// Adds `name` (upper-cased, as a load does) without parameters.
    pub fn with_backend(self, name: impl Into<String>) -> Self {
        self.with_backend_params(name, HashMap::new())
    }

    /// Adds `name` (upper-cased, as a load does) with `params`: upstream's concrete
    /// `HashMap`, so `with_backend_params("GDS", HashMap::new())` infers.
    pub fn with_backend_params(
        mut self,
        name: impl Into<String>,
        params: HashMap<String, String>,
    ) -> Self {
        let params: BackendParams = params.into_iter().collect();
        self.backends
            .insert(NixlBackend::normalize_name(&name.into()), params);
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
    /// Upstream's bind address: as [`NovaBackendConfig::bind_addr`], except that an
    /// interface with no IPv4 address gives its first IPv6 address, as upstream did
    /// (`bind_addr`, and so preflight, want the IPv4 one that Nova binds).
    ///
    /// # Errors
    ///
    /// As [`NovaBackendConfig::bind_addr`], but an interface with only IPv6 addresses is
    /// not an error. [`BuildError`] is a `std::error::Error + Send + Sync`, so `?` and
    /// anyhow's `.context(…)` work where upstream returned `anyhow::Result`.
    pub fn resolve_bind_addr(&self) -> Result<SocketAddr, BuildError> {
        match self.bind_addr() {
            Err(BuildError::NoIpv4Address { name }) => {
                let interfaces = crate::nova::interfaces().map_err(|source| BuildError::Io {
                    what: "cannot list the network interfaces",
                    source,
                })?;
                let ipv6 = interfaces
                    .iter()
                    .filter(|i| i.name == name)
                    .flat_map(|i| i.addrs.iter())
                    .find(|ip| matches!(ip, IpAddr::V6(_)));
                match ipv6 {
                    Some(ip) => Ok(SocketAddr::new(*ip, self.tcp_port)),
                    None => Err(BuildError::NoIpv4Address { name }),
                }
            }
            other => other,
        }
    }
}

impl S3ClientConfig {
    /// AWS S3: `bucket` in `region`, virtual-hosted URLs. (Takes `String`s, as upstream's,
    /// so that `aws("b".into(), "r".into())` infers.)
    pub fn aws(bucket: String, region: String) -> Self {
        S3ClientConfig {
            bucket,
            region,
            ..S3ClientConfig::default()
        }
    }

    /// MinIO or another S3-compatible store at `endpoint_url`: path-style URLs.
    pub fn minio(endpoint_url: String, bucket: String) -> Self {
        S3ClientConfig {
            endpoint_url: Some(endpoint_url),
            bucket,
            force_path_style: true,
            ..S3ClientConfig::default()
        }
    }
}
