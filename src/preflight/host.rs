//! The facts of a host that preflight compares a config with.

use super::*;

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
    /// probed when [`run`](super::run) asks for them.
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

    pub(super) fn path(&mut self, path: &Path) -> Option<PathFacts> {
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

    pub(super) fn bind(&mut self, addr: SocketAddr) -> Result<(), String> {
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
