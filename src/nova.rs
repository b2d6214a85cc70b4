//! Nova transport settings (`[nova]`): where the RPC transport binds and how peers find
//! each other.
//!
//! `nova.discovery` is optional and is one of three methods. It may be written in the
//! tagged form (`type = "etcd"`, what this crate serializes) or the table form
//! (`[nova.discovery.etcd]`); both are accepted from files, JSON and serde.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize};
use validator::{Validate, ValidationError, ValidationErrors};

/// Settings of the Nova transport (`[nova]`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct NovaConfig {
    /// Where the TCP backend binds (`[nova.backend]`).
    #[validate(nested)]
    pub backend: NovaBackendConfig,

    /// Peer discovery for multi-node set-ups (`[nova.discovery]`).
    ///
    /// Default: none (single node). Env: `KVBM_NOVA_DISCOVERY_TYPE` plus the variant's fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(nested)]
    pub discovery: Option<DiscoveryConfig>,
}

/// Where Nova's TCP backend binds (`[nova.backend]`).
///
/// If neither `tcp_addr` nor `tcp_interface` is set, Nova binds to `0.0.0.0`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
#[validate(schema(
    function = "addr_and_interface_exclusive",
    skip_on_field_errors = false
))]
pub struct NovaBackendConfig {
    /// TCP port; `0` lets the OS choose.
    ///
    /// Default: `0`. Env: `KVBM_NOVA_BACKEND_TCP_PORT`. Constraint: `0 ≤ x ≤ 65535`.
    pub tcp_port: u16,

    /// IP address to bind (IPv4 or IPv6).
    ///
    /// Default: none. Env: `KVBM_NOVA_BACKEND_TCP_ADDR`.
    /// Constraint: a valid IP address; mutually exclusive with `tcp_interface`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(ip(message = "must be a valid IPv4 or IPv6 address"))]
    pub tcp_addr: Option<String>,

    /// Network interface whose address to bind (e.g. `eth0`).
    ///
    /// Default: none. Env: `KVBM_NOVA_BACKEND_TCP_INTERFACE`.
    /// Constraint: not empty; mutually exclusive with `tcp_addr`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, message = "must not be empty"))]
    pub tcp_interface: Option<String>,
}

fn addr_and_interface_exclusive(backend: &NovaBackendConfig) -> Result<(), ValidationError> {
    if backend.tcp_addr.is_some() && backend.tcp_interface.is_some() {
        return Err(
            ValidationError::new(crate::error::EXCLUSIVE_CODE).with_message(
                "`tcp_addr` and `tcp_interface` are mutually exclusive; set only one".into(),
            ),
        );
    }
    Ok(())
}

/// Peer discovery method (`[nova.discovery]`), one of three.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum DiscoveryConfig {
    /// Discovery through an etcd cluster.
    Etcd(EtcdDiscoveryConfig),
    /// Peer-to-peer discovery (Kademlia-style DHT).
    P2p(P2pDiscoveryConfig),
    /// Discovery through a shared file.
    Filesystem(FilesystemDiscoveryConfig),
}

impl DiscoveryConfig {
    /// The variant names, as written after `type =`.
    pub const TYPES: &'static [&'static str] = &["etcd", "p2p", "filesystem"];
}

/// Mirror of [`DiscoveryConfig`] that serde derives for the tagged form.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum TaggedDiscovery {
    Etcd(EtcdDiscoveryConfig),
    P2p(P2pDiscoveryConfig),
    Filesystem(FilesystemDiscoveryConfig),
}

impl<'de> Deserialize<'de> for DiscoveryConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let tagged: TaggedDiscovery =
            crate::variant::deserialize_either_form(deserializer, Self::TYPES)?;
        Ok(match tagged {
            TaggedDiscovery::Etcd(c) => Self::Etcd(c),
            TaggedDiscovery::P2p(c) => Self::P2p(c),
            TaggedDiscovery::Filesystem(c) => Self::Filesystem(c),
        })
    }
}

// `validator` cannot derive on enums: validate the active variant, whose errors then carry
// the same field names as the config keys under `nova.discovery`.
impl Validate for DiscoveryConfig {
    fn validate(&self) -> Result<(), ValidationErrors> {
        match self {
            Self::Etcd(c) => c.validate(),
            Self::P2p(c) => c.validate(),
            Self::Filesystem(c) => c.validate(),
        }
    }
}

/// Etcd discovery (`type = "etcd"`).
///
/// `Debug` redacts passwords in `endpoints`; the field keeps the real values.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct EtcdDiscoveryConfig {
    /// Name of the KVBM cluster; peers with the same id find each other.
    ///
    /// Default: none (required). Env: `KVBM_NOVA_DISCOVERY_CLUSTER_ID`. Constraint: not empty.
    #[validate(length(min = 1, message = "must not be empty"))]
    pub cluster_id: String,

    /// Etcd endpoints.
    ///
    /// Default: `["http://localhost:2379"]`. Env: `KVBM_NOVA_DISCOVERY_ENDPOINTS`
    /// (comma-separated). Constraint: at least one, none empty.
    #[validate(
        length(min = 1, message = "must list at least one endpoint"),
        custom(function = "crate::validation::no_empty_items")
    )]
    pub endpoints: Vec<String>,

    /// Lease time-to-live in seconds.
    ///
    /// Default: `60`. Env: `KVBM_NOVA_DISCOVERY_TTL_SECS`. Constraint: `10 ≤ x ≤ 600`.
    #[validate(range(min = 10, max = 600, message = "must be between 10 and 600"))]
    pub ttl_secs: u64,

    /// Timeout of one etcd operation in seconds.
    ///
    /// Default: `30`. Env: `KVBM_NOVA_DISCOVERY_OPERATION_TIMEOUT_SECS`. Constraint: `≥ 1`.
    #[validate(range(min = 1, message = "must be at least 1"))]
    pub operation_timeout_secs: u64,

    /// Retries of a failed etcd operation.
    ///
    /// Default: `3`. Env: `KVBM_NOVA_DISCOVERY_MAX_RETRIES`. Constraint: `0 ≤ x ≤ 10`.
    #[validate(range(max = 10, message = "must be between 0 and 10"))]
    pub max_retries: u32,
}

impl Default for EtcdDiscoveryConfig {
    fn default() -> Self {
        Self {
            cluster_id: String::new(),
            endpoints: vec!["http://localhost:2379".to_string()],
            ttl_secs: 60,
            operation_timeout_secs: 30,
            max_retries: 3,
        }
    }
}

/// Peer-to-peer discovery (`type = "p2p"`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct P2pDiscoveryConfig {
    /// Name of the KVBM cluster; peers with the same id find each other.
    ///
    /// Default: none (required). Env: `KVBM_NOVA_DISCOVERY_CLUSTER_ID`. Constraint: not empty.
    #[validate(length(min = 1, message = "must not be empty"))]
    pub cluster_id: String,

    /// Peers to contact first, as `host:port`.
    ///
    /// Default: `[]`. Env: `KVBM_NOVA_DISCOVERY_BOOTSTRAP_PEERS` (comma-separated).
    /// Constraint: no empty entry.
    #[validate(custom(function = "crate::validation::no_empty_items"))]
    pub bootstrap_peers: Vec<String>,

    /// Port the discovery service listens on; `0` lets the OS choose.
    ///
    /// Default: `0`. Env: `KVBM_NOVA_DISCOVERY_LISTEN_PORT`. Constraint: `0 ≤ x ≤ 65535`.
    pub listen_port: u16,

    /// Number of peers each record is stored on.
    ///
    /// Default: `3`. Env: `KVBM_NOVA_DISCOVERY_REPLICATION_FACTOR`. Constraint: `≥ 1`.
    #[validate(range(min = 1, message = "must be at least 1"))]
    pub replication_factor: usize,

    /// Also find peers on the local network with mDNS.
    ///
    /// Default: `false`. Env: `KVBM_NOVA_DISCOVERY_ENABLE_MDNS`.
    pub enable_mdns: bool,

    /// Lifetime of a published record in seconds.
    ///
    /// Default: `600`. Env: `KVBM_NOVA_DISCOVERY_RECORD_TTL_SECS`. Constraint: `≥ 1`.
    #[validate(range(min = 1, message = "must be at least 1"))]
    pub record_ttl_secs: u64,
}

impl Default for P2pDiscoveryConfig {
    fn default() -> Self {
        Self {
            cluster_id: String::new(),
            bootstrap_peers: Vec::new(),
            listen_port: 0,
            replication_factor: 3,
            enable_mdns: false,
            record_ttl_secs: 600,
        }
    }
}

/// Filesystem discovery (`type = "filesystem"`): peers register in a shared file.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct FilesystemDiscoveryConfig {
    /// Path of the shared discovery file.
    ///
    /// Default: none (required). Env: `KVBM_NOVA_DISCOVERY_PATH`. Constraint: not empty.
    #[validate(custom(function = "crate::validation::non_empty_path"))]
    pub path: PathBuf,
}

impl std::fmt::Debug for EtcdDiscoveryConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::secret::RedactedStr;
        let endpoints: Vec<RedactedStr<'_>> =
            self.endpoints.iter().map(|e| RedactedStr(e)).collect();
        f.debug_struct("EtcdDiscoveryConfig")
            .field("cluster_id", &self.cluster_id)
            .field("endpoints", &endpoints)
            .field("ttl_secs", &self.ttl_secs)
            .field("operation_timeout_secs", &self.operation_timeout_secs)
            .field("max_retries", &self.max_retries)
            .finish()
    }
}

impl NovaBackendConfig {
    /// The address Nova binds: `tcp_addr`, else the IPv4 address of `tcp_interface`, else
    /// `0.0.0.0`; with port `tcp_port`.
    ///
    /// # Errors
    ///
    /// [`BuildError::Invalid`] for a `tcp_addr` that is not an IP or set together with
    /// `tcp_interface`; [`BuildError::UnknownInterface`] (listing the interfaces that exist)
    /// or [`BuildError::NoIpv4Address`] for an unusable interface.
    ///
    /// [`BuildError::Invalid`]: crate::BuildError::Invalid
    /// [`BuildError::UnknownInterface`]: crate::BuildError::UnknownInterface
    /// [`BuildError::NoIpv4Address`]: crate::BuildError::NoIpv4Address
    pub fn bind_addr(&self) -> Result<SocketAddr, crate::BuildError> {
        let ip = match (&self.tcp_addr, &self.tcp_interface) {
            (Some(_), Some(_)) => {
                return Err(crate::BuildError::Invalid {
                    key: "nova.backend.tcp_interface",
                    value: format!("{:?}", self.tcp_interface.as_deref().unwrap_or_default()),
                    message: "`tcp_addr` and `tcp_interface` are mutually exclusive".into(),
                })
            }
            (Some(addr), None) => {
                addr.parse::<IpAddr>()
                    .map_err(|_| crate::BuildError::Invalid {
                        key: "nova.backend.tcp_addr",
                        value: format!("{addr:?}"),
                        message: "must be a valid IPv4 or IPv6 address".into(),
                    })?
            }
            (None, Some(name)) => IpAddr::V4(interface_ipv4(name)?),
            (None, None) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        };
        Ok(SocketAddr::new(ip, self.tcp_port))
    }
}

/// The first IPv4 address of the network interface `name`.
fn interface_ipv4(name: &str) -> Result<Ipv4Addr, crate::BuildError> {
    let interfaces = if_addrs::get_if_addrs().map_err(|source| crate::BuildError::Io {
        what: "cannot list the network interfaces",
        source,
    })?;
    let ipv4 = interfaces
        .iter()
        .filter(|i| i.name == name)
        .find_map(|i| match i.ip() {
            IpAddr::V4(ip) => Some(ip),
            IpAddr::V6(_) => None,
        });
    if let Some(ip) = ipv4 {
        return Ok(ip);
    }
    if interfaces.iter().any(|i| i.name == name) {
        return Err(crate::BuildError::NoIpv4Address {
            name: name.to_string(),
        });
    }
    let mut available: Vec<String> = interfaces.into_iter().map(|i| i.name).collect();
    available.sort();
    available.dedup();
    Err(crate::BuildError::UnknownInterface {
        name: name.to_string(),
        available,
    })
}

impl EtcdDiscoveryConfig {
    /// `ttl_secs` as a duration.
    pub fn ttl(&self) -> Duration {
        Duration::from_secs(self.ttl_secs)
    }

    /// `operation_timeout_secs` as a duration.
    pub fn operation_timeout(&self) -> Duration {
        Duration::from_secs(self.operation_timeout_secs)
    }
}

impl P2pDiscoveryConfig {
    /// `record_ttl_secs` as a duration.
    pub fn record_ttl(&self) -> Duration {
        Duration::from_secs(self.record_ttl_secs)
    }
}
