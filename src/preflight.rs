//! Preflight: does a valid config fit the host that will run it?
//!
//! A config can load and still fail on the machine: eight workers of 64 GB each in a pod
//! with a 256 GB limit, a disk tier larger than the free space or on a tmpfs, an interface
//! the pod does not have, a port already taken. [`check`] compares a loaded config with a
//! [`Host`] (the facts of the machine) and returns [`Finding`]s, each naming the setting,
//! its value, where the value came from and the host fact it was compared with.
//!
//! [`Host::probe`] reads the real machine (`/proc/meminfo`, the cgroup limits, the CPU
//! affinity, `statvfs`/`statfs` through `rustix`, the interfaces, a bind of the port, the
//! GDS driver). Every fact is a plain field or an injected answer, so tests build a `Host`
//! by hand. Nothing is sent over a network: binding a port is the only probe.
//!
//! Sizes are per worker process: `workers` is how many KVBM workers on this node each
//! allocate the tier sizes. GB means 10⁹ bytes; messages give GiB too.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cache::BYTES_PER_GB;
use crate::nova::DiscoveryConfig;
use crate::source::Source;
use crate::Loaded;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing to fix (a cache directory that will be created).
    Info,
    /// Will probably hurt (memory nearly full, a tmpfs disk tier, oversubscribed CPUs).
    Warning,
    /// Will fail at start-up or soon after (out of memory or disk, a port taken).
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One result of a preflight check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// How bad it is.
    pub severity: Severity,
    /// The check that found it (`g2-memory`, `g3-disk`, `gds`, `cpu`, `network`,
    /// `discovery`, `v1-size`).
    pub check: &'static str,
    /// The dotted key of the setting.
    pub key: String,
    /// Its value as TOML writes it (credentials redacted), if set.
    pub value: Option<String>,
    /// Where the value came from, as in the load report.
    #[serde(serialize_with = "display")]
    pub source: Source,
    /// The host fact it was compared with.
    pub host_fact: String,
    /// What is wrong, with both numbers.
    pub message: String,
}

fn display<S: serde::Serializer>(source: &Source, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(source)
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {} (", self.severity, self.key, self.message)?;
        if let Some(value) = &self.value {
            write!(f, "{value}, ")?;
        }
        write!(f, "{})", self.source)
    }
}

/// Memory facts, in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Memory {
    /// `MemTotal` of `/proc/meminfo`.
    pub total: Option<u64>,
    /// `MemAvailable` of `/proc/meminfo`.
    pub available: Option<u64>,
    /// The cgroup's limit (`memory.max`, `memory.limit_in_bytes`); `None` when unlimited.
    pub cgroup_limit: Option<u64>,
}

impl Memory {
    /// The smaller of the total and the cgroup limit: what the processes may use.
    pub fn effective_limit(&self) -> Option<u64> {
        match (self.total, self.cgroup_limit) {
            (Some(total), Some(limit)) => Some(total.min(limit)),
            (total, limit) => total.or(limit),
        }
    }
}

/// CPU facts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Cpus {
    /// CPUs in this process's affinity mask.
    pub affinity: Option<usize>,
    /// The cgroup CPU quota in CPUs (`cpu.max` quota ÷ period); `None` when unlimited.
    pub quota: Option<f64>,
}

impl Cpus {
    /// The CPUs this process may use: the affinity, capped by the quota (rounded up).
    pub fn usable(&self) -> Option<usize> {
        let quota = self.quota.map(|q| q.ceil().max(1.0) as usize);
        match (self.affinity, quota) {
            (Some(a), Some(q)) => Some(a.min(q)),
            (a, q) => a.or(q),
        }
    }
}

/// A kind of filesystem that matters here: memory-backed ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FsKind {
    /// `tmpfs`: files live in memory (and swap).
    Tmpfs,
    /// `ramfs`: files live in memory.
    Ramfs,
    /// Any other filesystem.
    Other,
}

/// What a path is on this host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PathState {
    /// A directory; whether this process may write in it.
    Directory {
        /// `access(W_OK)` succeeds.
        writable: bool,
    },
    /// Exists, but is not a directory.
    NotDirectory,
    /// Does not exist; whether its nearest existing parent is a writable directory.
    Missing {
        /// It could be created.
        parent_writable: bool,
    },
}

/// The facts of one path: what it is, and the filesystem that holds it (or would).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PathFacts {
    /// What the path is.
    pub state: PathState,
    /// Bytes free for this process on its filesystem.
    pub free_bytes: Option<u64>,
    /// The filesystem's kind.
    pub fs: Option<FsKind>,
}

/// A network interface and its addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interface {
    /// Its name (`eth0`).
    pub name: String,
    /// Its addresses.
    pub addrs: Vec<IpAddr>,
}

/// The facts of the machine a config is checked against.
///
/// [`Host::probe`] reads them; [`Host::default`] knows nothing (each check then says it
/// could not check), and tests fill in what they need.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Host {
    /// Memory.
    pub memory: Memory,
    /// CPUs.
    pub cpus: Cpus,
    /// Network interfaces.
    pub interfaces: Vec<Interface>,
    /// Whether the GPUDirect Storage driver is present (`/dev/nvidia-fs*`,
    /// `/proc/driver/nvidia-fs`).
    pub gds: bool,
    /// Facts of the paths the config names, probed or injected.
    pub paths: BTreeMap<PathBuf, PathFacts>,
    /// Ports that cannot be bound, with the reason; probed or injected.
    pub taken: BTreeMap<SocketAddr, String>,
    /// Whether paths and ports not given above are probed on this machine when a check
    /// asks for them (`true` for [`Host::probe`]); otherwise they are unknown (paths) or
    /// free (ports).
    #[serde(skip)]
    pub probes: bool,
}

impl Host {
    /// Reads the facts of this machine that do not depend on a config. Paths and ports are
    /// probed when [`check`] asks for them.
    pub fn probe() -> Host {
        Host {
            memory: probe::memory(),
            cpus: probe::cpus(),
            interfaces: probe::interfaces(),
            gds: probe::gds(),
            paths: BTreeMap::new(),
            taken: BTreeMap::new(),
            probes: true,
        }
    }

    /// Injects the facts of a path.
    pub fn with_path(mut self, path: impl Into<PathBuf>, facts: PathFacts) -> Host {
        self.paths.insert(path.into(), facts);
        self
    }

    /// Injects a port that cannot be bound.
    pub fn with_taken_port(mut self, addr: SocketAddr, why: impl Into<String>) -> Host {
        self.taken.insert(addr, why.into());
        self
    }

    fn path(&mut self, path: &Path) -> Option<PathFacts> {
        if let Some(facts) = self.paths.get(path) {
            return Some(*facts);
        }
        if !self.probes {
            return None;
        }
        let facts = probe::path(path);
        self.paths.insert(path.to_path_buf(), facts);
        Some(facts)
    }

    fn bind(&mut self, addr: SocketAddr) -> Result<(), String> {
        if let Some(why) = self.taken.get(&addr) {
            return Err(why.clone());
        }
        if !self.probes {
            return Ok(());
        }
        // Binding is the only network probe; the listener is closed at once.
        match TcpListener::bind(addr) {
            Ok(_) => Ok(()),
            Err(e) => {
                self.taken.insert(addr, e.to_string());
                Err(e.to_string())
            }
        }
    }
}

/// What the checks need beyond the config and the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// KVBM worker processes on this node, each allocating the tier sizes. At least 1.
    pub workers: u32,
    /// Bytes of one KV block, to size a tier given by `num_blocks`.
    pub block_bytes: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            workers: 1,
            block_bytes: None,
        }
    }
}

/// Share of the memory limit above which the G2 tier gets a warning.
const MEMORY_WARNING_SHARE: f64 = 0.9;

/// `64.0 GB (59.6 GiB)`.
pub fn bytes_text(bytes: u64) -> String {
    format!(
        "{:.1} GB ({:.1} GiB)",
        bytes as f64 / 1e9,
        bytes as f64 / (1u64 << 30) as f64
    )
}

/// Checks `loaded` against `host`; findings are sorted errors first, then by key.
pub fn check(loaded: &Loaded, host: &mut Host, options: Options) -> Vec<Finding> {
    let mut run = Run {
        loaded,
        host,
        options: Options {
            workers: options.workers.max(1),
            ..options
        },
        settings: loaded
            .entries()
            .into_iter()
            .map(|e| (e.key, (e.value, e.source)))
            .collect(),
        found: Vec::new(),
    };
    run.memory();
    run.disk();
    run.gds();
    run.cpus();
    run.network();
    run.discovery();
    run.v1_sizes();
    let mut found = run.found;
    found.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.key.cmp(&b.key)));
    found
}

struct Run<'a> {
    loaded: &'a Loaded,
    host: &'a mut Host,
    options: Options,
    settings: BTreeMap<String, (Option<String>, Source)>,
    found: Vec<Finding>,
}

/// A tier's size as the checks see it.
enum TierSize {
    None,
    Bytes(u64),
    /// Sized by blocks, and no block size was given.
    Unknown,
}

impl Run<'_> {
    fn push(
        &mut self,
        severity: Severity,
        check: &'static str,
        key: &str,
        fact: String,
        message: String,
    ) {
        let (value, source) = self
            .settings
            .get(key)
            .cloned()
            .unwrap_or((None, self.loaded.report.origin(key)));
        self.found.push(Finding {
            severity,
            check,
            key: key.to_string(),
            value,
            source,
            host_fact: fact,
            message,
        });
    }

    /// The key that decides a tier's size: `num_blocks` when set (it wins).
    fn size_key(&self, tier: &str) -> String {
        let blocks = format!("cache.{tier}.num_blocks");
        match self.settings.get(&blocks) {
            Some((Some(_), _)) => blocks,
            _ => format!("cache.{tier}.cache_size_gb"),
        }
    }

    fn tier_size(&self, size_gb: Option<f64>, blocks: Option<usize>) -> TierSize {
        match (blocks, self.options.block_bytes, size_gb) {
            (Some(blocks), Some(bytes), _) => {
                TierSize::Bytes((blocks as u64).saturating_mul(bytes))
            }
            (Some(_), None, _) => TierSize::Unknown,
            (None, _, Some(gb)) => TierSize::Bytes((gb * BYTES_PER_GB) as u64),
            (None, _, None) => TierSize::None,
        }
    }

    fn workers(&self) -> u64 {
        u64::from(self.options.workers)
    }

    fn disk_on_memory(&mut self) -> bool {
        let Some(path) = self.loaded.config.cache.disk.storage_path.clone() else {
            return false;
        };
        self.host
            .path(&path)
            .is_some_and(|f| matches!(f.fs, Some(FsKind::Tmpfs | FsKind::Ramfs)))
    }

    fn memory(&mut self) {
        let cache = &self.loaded.config.cache;
        let host = self.tier_size(cache.host.cache_size_gb, cache.host.num_blocks);
        let disk = self.tier_size(cache.disk.cache_size_gb, cache.disk.num_blocks);
        let key = self.size_key("host");
        let host_bytes = match host {
            TierSize::None => 0,
            TierSize::Unknown => {
                let message = "is sized by blocks and no --block-bytes was given, so its memory could not be checked".to_string();
                self.push(
                    Severity::Warning,
                    "g2-memory",
                    &key,
                    "block size unknown".into(),
                    message,
                );
                0
            }
            TierSize::Bytes(bytes) => bytes,
        };
        let disk_in_memory = match disk {
            TierSize::Bytes(bytes) if self.disk_on_memory() => bytes,
            _ => 0,
        };
        let per_worker = host_bytes.saturating_add(disk_in_memory);
        if per_worker == 0 {
            return;
        }
        let total = per_worker.saturating_mul(self.workers());
        let Some(limit) = self.host.memory.effective_limit() else {
            let fact = "memory limit unknown".to_string();
            self.push(
                Severity::Warning,
                "g2-memory",
                &key,
                fact,
                "could not be checked: the memory limit is unknown".into(),
            );
            return;
        };
        let what = match disk_in_memory {
            0 => format!("{} workers × {}", self.workers(), bytes_text(host_bytes)),
            _ => format!(
                "{} workers × ({} host tier + {} disk tier on a memory filesystem)",
                self.workers(),
                bytes_text(host_bytes),
                bytes_text(disk_in_memory)
            ),
        };
        let limit_fact = format!("memory limit {}", bytes_text(limit));
        if total > limit {
            let message = format!(
                "{what} = {} exceeds the memory limit of {}; the processes would be killed for lack of memory",
                bytes_text(total),
                bytes_text(limit)
            );
            self.push(Severity::Error, "g2-memory", &key, limit_fact, message);
        } else if total as f64 > MEMORY_WARNING_SHARE * limit as f64 {
            let message = format!(
                "{what} = {} is above 90% of the memory limit of {}",
                bytes_text(total),
                bytes_text(limit)
            );
            self.push(Severity::Warning, "g2-memory", &key, limit_fact, message);
        } else if let Some(available) = self.host.memory.available.filter(|a| total > *a) {
            let message = format!(
                "{what} = {} is more than the memory available now, {}",
                bytes_text(total),
                bytes_text(available)
            );
            let fact = format!("MemAvailable {}", bytes_text(available));
            self.push(Severity::Warning, "g2-memory", &key, fact, message);
        }
    }

    fn disk(&mut self) {
        let disk = self.loaded.config.cache.disk.clone();
        let size = self.tier_size(disk.cache_size_gb, disk.num_blocks);
        let size_key = self.size_key("disk");
        let path_key = "cache.disk.storage_path";
        let Some(path) = disk.storage_path else {
            if !matches!(size, TierSize::None) {
                let message = "the disk tier has a size but no `cache.disk.storage_path`, so where it goes is undefined".to_string();
                self.push(
                    Severity::Warning,
                    "g3-disk",
                    &size_key,
                    "no storage path".into(),
                    message,
                );
            }
            return;
        };
        let Some(facts) = self.host.path(&path) else {
            return;
        };
        let shown = path.display().to_string();
        match facts.state {
            PathState::NotDirectory => {
                let message = format!("{shown} exists but is not a directory");
                self.push(
                    Severity::Error,
                    "g3-disk",
                    path_key,
                    "not a directory".into(),
                    message,
                );
                return;
            }
            PathState::Directory { writable: false } => {
                let message = format!("{shown} is not writable by this process");
                self.push(
                    Severity::Error,
                    "g3-disk",
                    path_key,
                    "not writable".into(),
                    message,
                );
                return;
            }
            PathState::Missing {
                parent_writable: false,
            } => {
                let message = format!("{shown} does not exist and its parent directory is not writable, so it cannot be created");
                self.push(
                    Severity::Error,
                    "g3-disk",
                    path_key,
                    "missing".into(),
                    message,
                );
                return;
            }
            PathState::Missing {
                parent_writable: true,
            } => {
                let message = format!("{shown} does not exist yet; it will be created");
                self.push(
                    Severity::Info,
                    "g3-disk",
                    path_key,
                    "missing, parent writable".into(),
                    message,
                );
            }
            PathState::Directory { writable: true } => {}
        }
        if let Some(fs @ (FsKind::Tmpfs | FsKind::Ramfs)) = facts.fs {
            let name = if fs == FsKind::Tmpfs {
                "tmpfs"
            } else {
                "ramfs"
            };
            let message = format!("{shown} is on a {name}: the disk tier would use host memory too (counted in the memory check)");
            self.push(
                Severity::Warning,
                "g3-disk",
                path_key,
                format!("filesystem {name}"),
                message,
            );
        }
        let TierSize::Bytes(bytes) = size else {
            return;
        };
        let Some(free) = facts.free_bytes else {
            return;
        };
        let total = bytes.saturating_mul(self.workers());
        if total > free {
            let message = format!(
                "{} workers × {} = {} exceeds the {} free at {shown}",
                self.workers(),
                bytes_text(bytes),
                bytes_text(total),
                bytes_text(free)
            );
            self.push(
                Severity::Error,
                "g3-disk",
                &size_key,
                format!("free space {}", bytes_text(free)),
                message,
            );
        }
    }

    fn gds(&mut self) {
        if self.loaded.config.cache.disk.use_gds && !self.host.gds {
            let message = "GPUDirect Storage is on but this host has no GDS driver (/dev/nvidia-fs*, /proc/driver/nvidia-fs); transfers would fall back or fail".to_string();
            self.push(
                Severity::Warning,
                "gds",
                "cache.disk.use_gds",
                "no GDS driver".into(),
                message,
            );
        }
    }

    fn cpus(&mut self) {
        let Some(usable) = self.host.cpus.usable() else {
            return;
        };
        let threads = [
            (
                "tokio.worker_threads",
                self.loaded.config.tokio.worker_threads,
            ),
            ("rayon.num_threads", self.loaded.config.rayon.num_threads),
        ];
        for (key, count) in threads {
            let total = (count as u64).saturating_mul(self.workers());
            if total > usable as u64 {
                let threads = if count == 1 { "thread" } else { "threads" };
                let message = format!(
                    "{} workers × {count} {threads} = {total} threads on {usable} usable CPUs",
                    self.workers()
                );
                self.push(
                    Severity::Warning,
                    "cpu",
                    key,
                    format!("{usable} usable CPUs"),
                    message,
                );
            }
        }
    }

    fn network(&mut self) {
        let backend = self.loaded.config.nova.backend.clone();
        let names = || -> String {
            let mut names: Vec<&str> = self
                .host
                .interfaces
                .iter()
                .map(|i| i.name.as_str())
                .collect();
            names.sort();
            names.dedup();
            names.join(", ")
        };
        let ip = match (&backend.tcp_interface, &backend.tcp_addr) {
            (Some(name), _) => {
                let interface = self
                    .host
                    .interfaces
                    .iter()
                    .find(|i| &i.name == name)
                    .cloned();
                match interface {
                    None => {
                        let fact = format!("interfaces: {}", names());
                        let message =
                            format!("no interface `{name}` on this host; it has: {}", names());
                        self.push(
                            Severity::Error,
                            "network",
                            "nova.backend.tcp_interface",
                            fact,
                            message,
                        );
                        return;
                    }
                    Some(interface) => match interface
                        .addrs
                        .iter()
                        .find(|a| a.is_ipv4())
                        .or(interface.addrs.first())
                    {
                        Some(ip) => *ip,
                        None => {
                            let message = format!("interface `{name}` has no address");
                            self.push(
                                Severity::Error,
                                "network",
                                "nova.backend.tcp_interface",
                                "no address".into(),
                                message,
                            );
                            return;
                        }
                    },
                }
            }
            (None, Some(addr)) => {
                let Ok(ip) = addr.parse::<IpAddr>() else {
                    return;
                };
                let local = self.host.interfaces.iter().any(|i| i.addrs.contains(&ip));
                if !ip.is_unspecified() && !local {
                    let fact = format!("interfaces: {}", names());
                    let message = format!("{ip} is not an address of this host");
                    self.push(
                        Severity::Error,
                        "network",
                        "nova.backend.tcp_addr",
                        fact,
                        message,
                    );
                    return;
                }
                ip
            }
            (None, None) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        };
        if backend.tcp_port == 0 {
            return;
        }
        let addr = SocketAddr::new(ip, backend.tcp_port);
        if let Err(why) = self.host.bind(addr) {
            let message = format!("port {} cannot be bound at {addr}: {why}", backend.tcp_port);
            self.push(
                Severity::Error,
                "network",
                "nova.backend.tcp_port",
                format!("bind {addr} failed"),
                message,
            );
        }
    }

    fn discovery(&mut self) {
        match self.loaded.config.nova.discovery.clone() {
            Some(DiscoveryConfig::Filesystem(fs)) => {
                let dir = match fs.path.parent() {
                    Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                let Some(facts) = self.host.path(&dir) else {
                    return;
                };
                let problem = match facts.state {
                    PathState::Directory { writable: true } => return,
                    PathState::Directory { writable: false } => "is not writable",
                    PathState::NotDirectory => "is not a directory",
                    PathState::Missing { .. } => "does not exist",
                };
                let message = format!("the discovery file's directory {} {problem}", dir.display());
                self.push(
                    Severity::Error,
                    "discovery",
                    "nova.discovery.path",
                    problem.into(),
                    message,
                );
            }
            Some(DiscoveryConfig::Etcd(etcd)) => {
                let bad: Vec<&String> = etcd
                    .endpoints
                    .iter()
                    .filter(|e| !crate::settings::is_url_with_host(e))
                    .collect();
                if !bad.is_empty() {
                    let shown: Vec<String> = bad
                        .iter()
                        .map(|e| crate::secret::redact_urls(e).into_owned())
                        .collect();
                    let message = format!(
                        "not a URL with a host: {} (write them as http://HOST:2379)",
                        shown.join(", ")
                    );
                    self.push(
                        Severity::Error,
                        "discovery",
                        "nova.discovery.endpoints",
                        "never contacted".into(),
                        message,
                    );
                }
            }
            _ => {}
        }
    }

    fn v1_sizes(&mut self) {
        for (tier, var) in [
            ("host", "DYN_KVBM_CPU_CACHE_GB"),
            ("disk", "DYN_KVBM_DISK_CACHE_GB"),
        ] {
            let key = format!("cache.{tier}.cache_size_gb");
            let from_v1 =
                matches!(self.loaded.report.origin(&key), Source::Env { var: ref v } if v == var);
            let size = match tier {
                "host" => self.loaded.config.cache.host.cache_size_gb,
                _ => self.loaded.config.cache.disk.cache_size_gb,
            };
            let (true, Some(gb)) = (from_v1, size) else {
                continue;
            };
            let workers = self.workers();
            let message = format!(
                "came from {var}: {}; {gb} GB across {workers} workers is {:.3} GB per worker",
                crate::load::v1::PER_WORKER_NOTE,
                gb / workers as f64
            );
            self.push(
                Severity::Warning,
                "v1-size",
                &key,
                format!("{workers} workers"),
                message,
            );
        }
    }
}

/// Reading the real machine. Every reader returns "unknown" rather than fail.
mod probe {
    use super::*;

    pub(super) fn memory() -> Memory {
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let field = |name: &str| -> Option<u64> {
            let line = meminfo.lines().find(|l| l.starts_with(name))?;
            let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kb * 1024)
        };
        Memory {
            total: field("MemTotal:"),
            available: field("MemAvailable:"),
            cgroup_limit: cgroup_file("memory.max", "memory", "memory.limit_in_bytes")
                .and_then(|text| parse_limit(&text)),
        }
    }

    /// `max`, or v1's "no limit" (a number near 2⁶³), mean none.
    pub(super) fn parse_limit(text: &str) -> Option<u64> {
        let text = text.trim();
        if text == "max" {
            return None;
        }
        text.parse::<u64>().ok().filter(|n| *n < (1u64 << 60))
    }

    /// `quota period` (v2 `cpu.max`) or v1's quota and period in CPUs; `None` unlimited.
    pub(super) fn parse_quota(quota: &str, period: &str) -> Option<f64> {
        let quota: f64 = quota.trim().parse().ok().filter(|q: &f64| *q > 0.0)?;
        let period: f64 = period.trim().parse().ok().filter(|p: &f64| *p > 0.0)?;
        Some(quota / period)
    }

    /// The file of this process's cgroup: v2 `name2`, else v1 `controller/name1`.
    fn cgroup_file(name2: &str, controller: &str, name1: &str) -> Option<String> {
        let cgroups = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
        for line in cgroups.lines() {
            let mut parts = line.splitn(3, ':');
            let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
            let candidates = if controllers.is_empty() {
                vec![
                    format!("/sys/fs/cgroup{path}/{name2}"),
                    format!("/sys/fs/cgroup/{name2}"),
                ]
            } else if controllers.split(',').any(|c| c == controller) {
                vec![
                    format!("/sys/fs/cgroup/{controller}{path}/{name1}"),
                    format!("/sys/fs/cgroup/{controller}/{name1}"),
                ]
            } else {
                continue;
            };
            if let Some(text) = candidates
                .iter()
                .find_map(|p| std::fs::read_to_string(p).ok())
            {
                return Some(text);
            }
        }
        None
    }

    pub(super) fn cpus() -> Cpus {
        let affinity = rustix::thread::sched_getaffinity(None)
            .ok()
            .map(|set| set.count() as usize)
            .filter(|n| *n > 0);
        let quota = match cgroup_file("cpu.max", "cpu", "cpu.cfs_quota_us") {
            Some(text) if text.split_whitespace().count() == 2 => {
                let mut parts = text.split_whitespace();
                parse_quota(parts.next().unwrap_or(""), parts.next().unwrap_or(""))
            }
            Some(quota) => {
                let period = cgroup_file("cpu.max", "cpu", "cpu.cfs_period_us").unwrap_or_default();
                parse_quota(&quota, &period)
            }
            None => None,
        };
        Cpus { affinity, quota }
    }

    pub(super) fn interfaces() -> Vec<Interface> {
        let mut interfaces: Vec<Interface> = Vec::new();
        for interface in if_addrs::get_if_addrs().unwrap_or_default() {
            let ip = interface.ip();
            match interfaces.iter_mut().find(|i| i.name == interface.name) {
                Some(known) => known.addrs.push(ip),
                None => interfaces.push(Interface {
                    name: interface.name,
                    addrs: vec![ip],
                }),
            }
        }
        interfaces.sort_by(|a, b| a.name.cmp(&b.name));
        interfaces
    }

    pub(super) fn gds() -> bool {
        let device = std::fs::read_dir("/dev").ok().is_some_and(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("nvidia-fs"))
        });
        device || Path::new("/proc/driver/nvidia-fs").exists()
    }

    fn writable(path: &Path) -> bool {
        rustix::fs::access(path, rustix::fs::Access::WRITE_OK).is_ok()
    }

    pub(super) fn path(path: &Path) -> PathFacts {
        let state = match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => PathState::Directory {
                writable: writable(path),
            },
            Ok(_) => PathState::NotDirectory,
            Err(_) => PathState::Missing {
                parent_writable: existing_ancestor(path)
                    .is_some_and(|p| p.is_dir() && writable(&p)),
            },
        };
        let on = existing_ancestor(path);
        let free_bytes = on
            .as_deref()
            .and_then(|p| rustix::fs::statvfs(p).ok())
            .map(|s| s.f_bavail.saturating_mul(s.f_frsize));
        let fs = on
            .as_deref()
            .and_then(|p| rustix::fs::statfs(p).ok())
            .map(|s| {
                // Magic numbers of statfs(2).
                match s.f_type as u64 {
                    0x0102_1994 => FsKind::Tmpfs,
                    0x8584_58f6 => FsKind::Ramfs,
                    _ => FsKind::Other,
                }
            });
        PathFacts {
            state,
            free_bytes,
            fs,
        }
    }

    fn existing_ancestor(path: &Path) -> Option<PathBuf> {
        let absolute = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir().ok()?.join(path)
        };
        absolute
            .ancestors()
            .find(|p| p.exists())
            .map(Path::to_path_buf)
    }
}

#[cfg(test)]
mod tests {
    use super::probe::{parse_limit, parse_quota};

    #[test]
    fn cgroup_limits_parse_and_max_means_none() {
        assert_eq!(parse_limit("max\n"), None);
        assert_eq!(parse_limit("9223372036854771712\n"), None);
        assert_eq!(parse_limit("8589934592\n"), Some(8 << 30));
        assert_eq!(parse_quota("200000", "100000"), Some(2.0));
        assert_eq!(parse_quota("max", "100000"), None);
        assert_eq!(parse_quota("-1", "100000"), None);
    }
}
