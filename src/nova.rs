//! Nova transport settings (`[nova]`): where the RPC transport binds and how peers find
//! each other.
//!
//! `nova.discovery` is optional and is one of three methods. It may be written in the
//! tagged form (`type = "etcd"`, what this crate serializes) or the table form
//! (`[nova.discovery.etcd]`); both are accepted from files, JSON and serde.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

crate::declare::settings! {
    /// Settings of the Nova transport (`[nova]`).
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, PartialEq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct NovaConfig {
        /// Where the TCP backend binds (`[nova.backend]`).
        pub backend: NovaBackendConfig = section,
        /// Peer discovery for multi-node set-ups (`[nova.discovery]`); none for a single node.
        pub discovery: Option<DiscoveryConfig> = section,
    }
}

crate::declare::settings! {
    /// Where Nova's TCP backend binds (`[nova.backend]`).
    ///
    /// If neither `tcp_addr` nor `tcp_interface` is set, Nova binds to `0.0.0.0`.
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct NovaBackendConfig {
        /// TCP port (0 = OS-assigned).
        pub tcp_port: u16 = {
            default: 0,
        },
        /// IP address to bind.
        ///
        /// IPv4 or IPv6.
        pub tcp_addr: Option<String> = {
            default: None,
            check: [ip, not_with("tcp_interface")],
            example: r#""10.0.0.5""#,
        },
        /// Network interface name.
        ///
        /// Nova binds the interface's first IPv4 address (e.g. of `eth0`).
        pub tcp_interface: Option<String> = {
            default: None,
            check: [not_empty, not_with("tcp_addr")],
            example: r#""eth0""#,
        },
    }
}

crate::one_of::one_of! {
    /// Peer discovery method (`[nova.discovery]`), one of three.
    #[derive(Debug, Clone, PartialEq)]
    pub enum DiscoveryConfig {
        tag: { doc: "Discovery method" },
        /// Discovery through an etcd cluster.
        Etcd = "etcd" (EtcdDiscoveryConfig),
        /// Peer-to-peer discovery (Kademlia-style DHT).
        P2p = "p2p" (P2pDiscoveryConfig),
        /// Discovery through a shared file.
        Filesystem = "filesystem" (FilesystemDiscoveryConfig),
    }
}

crate::declare::settings! {
    /// Etcd discovery (`type = "etcd"`).
    ///
    /// `Debug` redacts passwords in `endpoints`; the field keeps the real values.
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct EtcdDiscoveryConfig {
        /// Cluster name shared by peers.
        ///
        /// Peers with the same id find each other. Required.
        pub cluster_id: String = {
            default: String::new(),
            check: [not_empty],
            example: r#""my-cluster""#,
            agree,
        },
        /// Etcd endpoints.
        pub endpoints: Vec<String> = {
            default: vec!["http://localhost:2379".to_string()],
            check: [non_empty_list, etcd_endpoints],
            example: r#"["http://etcd-0:2379", "http://etcd-1:2379"]"#,
            secret,
            agree,
        },
        /// Etcd lease TTL in seconds.
        pub ttl_secs: u64 = {
            default: 60,
            check: [range(10, 600)],
        },
        /// Etcd operation timeout in seconds.
        pub operation_timeout_secs: u64 = {
            default: 30,
            check: [min(1)],
        },
        /// Etcd operation retries.
        pub max_retries: u32 = {
            default: 3,
            check: [range(0, 10)],
        },
    }
}

crate::declare::settings! {
    /// Peer-to-peer discovery (`type = "p2p"`).
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct P2pDiscoveryConfig {
        /// Cluster name shared by peers.
        pub cluster_id: String = { same_as: EtcdDiscoveryConfig },
        /// Peers to contact first (host:port).
        pub bootstrap_peers: Vec<String> = {
            default: Vec::new(),
            check: [no_empty_items, host_ports],
            example: r#"["10.0.0.10:5000"]"#,
        },
        /// P2P listen port (0 = OS-assigned).
        pub listen_port: u16 = {
            default: 0,
        },
        /// Peers each record is stored on.
        pub replication_factor: usize = {
            default: 3,
            check: [min(1)],
        },
        /// Also discover peers with mDNS.
        pub enable_mdns: bool = {
            default: false,
        },
        /// P2P record lifetime in seconds.
        pub record_ttl_secs: u64 = {
            default: 600,
            check: [min(1)],
        },
    }
}

crate::declare::settings! {
    /// Filesystem discovery (`type = "filesystem"`): peers register in a shared file.
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct FilesystemDiscoveryConfig {
        /// Shared discovery file.
        ///
        /// Required.
        pub path: PathBuf = {
            default: PathBuf::new(),
            check: [not_empty],
            example: r#""/tmp/kvbm-discovery/cluster.json""#,
            agree,
        },
    }
}

/// A network interface and its addresses, as the bind address is resolved against. An
/// interface that is up without an address has an empty list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interface {
    /// Its name (`eth0`).
    pub name: String,
    /// Its addresses.
    #[serde(default)]
    pub addrs: Vec<IpAddr>,
}

/// The interfaces of this machine: every address `getifaddrs` lists, plus the interfaces
/// in `/sys/class/net` that have none (which `getifaddrs` leaves out).
///
/// # Errors
///
/// The OS error when the interfaces cannot be listed at all.
pub fn interfaces() -> std::io::Result<Vec<Interface>> {
    let mut interfaces: Vec<Interface> = Vec::new();
    for interface in if_addrs::get_if_addrs()? {
        let ip = interface.ip();
        match interfaces.iter_mut().find(|i| i.name == interface.name) {
            Some(known) => known.addrs.push(ip),
            None => interfaces.push(Interface {
                name: interface.name,
                addrs: vec![ip],
            }),
        }
    }
    let unaddressed: Vec<String> = std::fs::read_dir("/sys/class/net")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| !interfaces.iter().any(|i| &i.name == name))
        .collect();
    interfaces.extend(unaddressed.into_iter().map(|name| Interface {
        name,
        addrs: Vec::new(),
    }));
    interfaces.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(interfaces)
}

impl NovaBackendConfig {
    /// The address Nova binds: `tcp_addr`, else the IPv4 address of `tcp_interface`, else
    /// `0.0.0.0`; with port `tcp_port`.
    ///
    /// # Errors
    ///
    /// [`BuildError::Invalid`] for a `tcp_addr` that is not an IP or set together with
    /// `tcp_interface`; [`BuildError::Io`] when the interfaces cannot be listed;
    /// [`BuildError::UnknownInterface`] (listing the interfaces that exist) or
    /// [`BuildError::NoIpv4Address`] for an unusable interface.
    ///
    /// [`BuildError::Invalid`]: crate::BuildError::Invalid
    /// [`BuildError::Io`]: crate::BuildError::Io
    /// [`BuildError::UnknownInterface`]: crate::BuildError::UnknownInterface
    /// [`BuildError::NoIpv4Address`]: crate::BuildError::NoIpv4Address
    pub fn bind_addr(&self) -> Result<SocketAddr, crate::BuildError> {
        match self.tcp_interface {
            None => self.bind_addr_among(&[]),
            Some(_) => {
                let interfaces = interfaces().map_err(|source| crate::BuildError::Io {
                    what: "cannot list the network interfaces",
                    source,
                })?;
                self.bind_addr_among(&interfaces)
            }
        }
    }

    /// As [`bind_addr`](Self::bind_addr), against the given interfaces instead of this
    /// machine's: the one rule that start-up and `kvbm-config preflight` (which may check
    /// another host's facts) both follow.
    ///
    /// # Errors
    ///
    /// As [`bind_addr`](Self::bind_addr), but never an I/O error.
    pub fn bind_addr_among(
        &self,
        interfaces: &[Interface],
    ) -> Result<SocketAddr, crate::BuildError> {
        let ip = match (&self.tcp_addr, &self.tcp_interface) {
            (Some(_), Some(_)) => {
                return Err(crate::BuildError::Invalid {
                    key: crate::key::nova::backend::TCP_INTERFACE,
                    value: format!("{:?}", self.tcp_interface.as_deref().unwrap_or_default()),
                    message: "`tcp_addr` and `tcp_interface` are mutually exclusive".into(),
                })
            }
            (Some(addr), None) => {
                addr.parse::<IpAddr>()
                    .map_err(|_| crate::BuildError::Invalid {
                        key: crate::key::nova::backend::TCP_ADDR,
                        value: format!("{addr:?}"),
                        message: "must be a valid IPv4 or IPv6 address".into(),
                    })?
            }
            (None, Some(name)) => IpAddr::V4(interface_ipv4(name, interfaces)?),
            (None, None) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        };
        Ok(SocketAddr::new(ip, self.tcp_port))
    }
}

/// The first IPv4 address of the network interface `name` among `interfaces`.
fn interface_ipv4(name: &str, interfaces: &[Interface]) -> Result<Ipv4Addr, crate::BuildError> {
    let Some(interface) = interfaces.iter().find(|i| i.name == name) else {
        let mut available: Vec<String> = interfaces.iter().map(|i| i.name.clone()).collect();
        available.sort();
        available.dedup();
        return Err(crate::BuildError::UnknownInterface {
            name: name.to_string(),
            available,
        });
    };
    interface
        .addrs
        .iter()
        .find_map(|ip| match ip {
            IpAddr::V4(ip) => Some(*ip),
            IpAddr::V6(_) => None,
        })
        .ok_or_else(|| crate::BuildError::NoIpv4Address {
            name: name.to_string(),
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
