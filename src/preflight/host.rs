//! The facts of a host that preflight compares a config with, and their JSON form.
//!
//! A `Host` serializes to the `host` object of `kvbm-config preflight --format json`, and
//! that object (or the whole output) is what `preflight --host FILE` reads back, so a
//! config can be checked against the facts of another machine. Every field may be left
//! out; a fact that is absent is unknown, and the checks that need it say "could not check"
//! (which `--strict` fails), never pass. A field this crate does not know is an error naming
//! it: a misspelled fact must not pass as an unknown one.

use super::*;

/// Memory facts, in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Memory {
    /// `MemTotal` of `/proc/meminfo`.
    pub total: Option<u64>,
    /// `MemAvailable` of `/proc/meminfo`.
    pub available: Option<u64>,
    /// The smallest memory limit of this process's cgroup and its ancestors (v2
    /// `memory.max`, v1 `hierarchical_memory_limit`); `None` when unlimited.
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Cpus {
    /// CPUs in this process's affinity mask.
    pub affinity: Option<usize>,
    /// The smallest CPU quota of this process's cgroup and its ancestors, in CPUs (`cpu.max`
    /// quota ÷ period); `None` when unlimited.
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

/// A kind of filesystem that matters here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FsKind {
    /// `tmpfs`: files live in memory (and swap).
    Tmpfs,
    /// `ramfs`: files live in memory.
    Ramfs,
    /// A pseudo filesystem of the kernel (`proc`, `sysfs`, `cgroup2`, `devpts`), which
    /// holds no files of ours.
    Pseudo,
    /// Any other filesystem.
    Other,
}

/// What a path is on this host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PathState {
    /// A directory; whether this process can create a file in it (tried for real).
    Directory {
        /// A file could be created and removed in it.
        writable: bool,
    },
    /// A regular file; whether this process can open it for writing (tried for real,
    /// without changing it).
    File {
        /// It could be opened for writing.
        writable: bool,
    },
    /// Exists, but is neither a directory nor a regular file (a device, a socket).
    NotDirectory,
    /// A symbolic link whose target does not exist: nothing can be created through it.
    BrokenLink,
    /// Does not exist; whether it could be created (a file could be created and removed in
    /// its nearest existing ancestor).
    Missing {
        /// It could be created.
        parent_writable: bool,
    },
}

/// The facts of one path: what it is, and the filesystem that holds it (or would).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathFacts {
    /// What the path is.
    pub state: PathState,
    /// Bytes free for this process on its filesystem.
    #[serde(default)]
    pub free_bytes: Option<u64>,
    /// The filesystem's kind.
    #[serde(default)]
    pub fs: Option<FsKind>,
    /// The filesystem's device number (`st_dev`): paths with the same one share its free
    /// space.
    #[serde(default)]
    pub device: Option<u64>,
}

pub use crate::nova::Interface;

/// GPUDirect Storage facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Gds {
    /// The `/dev/nvidia-fs*` character devices: GDS needs one. (`/proc/driver/nvidia-fs`
    /// alone does not count: it is visible in containers that lack the device nodes.)
    pub devices: Vec<PathBuf>,
    /// The cuFile configuration found (`CUFILE_ENV_PATH_JSON`, else `/etc/cufile.json`).
    pub cufile_json: Option<PathBuf>,
}

/// A resource limit: a number of bytes, or none (`"unlimited"` in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Limit {
    /// At most this many bytes.
    Bytes(u64),
    /// No limit.
    Unlimited(Unlimited),
}

/// The word `"unlimited"` of a [`Limit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unlimited {
    /// No limit.
    Unlimited,
}

/// RDMA facts: UCX registers (pins) the memory it sends over an RDMA device, which the
/// locked-memory limit bounds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rdma {
    /// The RDMA devices (`/sys/class/infiniband/*`); `None` when they could not be listed.
    pub devices: Option<Vec<String>>,
    /// This process's `RLIMIT_MEMLOCK` (`ulimit -l`), inherited by the processes it starts.
    pub memlock: Option<Limit>,
}

/// The facts of the machine a config is checked against.
///
/// [`Host::probe`] reads them; [`Host::default`] knows nothing (each check then says it
/// could not check), and tests fill in what they need. [`Host::from_json`] reads the
/// facts of another machine.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Host {
    /// Memory.
    pub memory: Memory,
    /// CPUs.
    pub cpus: Cpus,
    /// Network interfaces, with or without addresses; `None` when they could not be listed.
    pub interfaces: Option<Vec<Interface>>,
    /// GPUDirect Storage.
    pub gds: Gds,
    /// RDMA devices and the locked-memory limit.
    pub rdma: Rdma,
    /// Facts of the paths the config names, probed or given.
    pub paths: BTreeMap<PathBuf, PathFacts>,
    /// Ports that cannot be bound, with the reason; probed or given.
    pub taken: BTreeMap<SocketAddr, String>,
    /// Ports that could be bound; probed or given. A port in neither list is unknown.
    pub free: BTreeSet<SocketAddr>,
    /// Whether paths and ports not given above are probed on this machine when a check
    /// asks for them (`true` for [`Host::probe`]); otherwise they are unknown.
    #[serde(skip)]
    pub probes: bool,
    /// How findings name the host: "this host" for [`Host::probe`], "the host in FILE" for
    /// [`Host::from_file`]; `None` reads as "the host".
    #[serde(skip)]
    pub label: Option<String>,
}

/// Whether a port can be bound on a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum PortState {
    /// It can.
    Free,
    /// It cannot, and why.
    Taken(String),
    /// The host's facts do not say.
    Unknown,
}

impl Host {
    /// Reads the facts of this machine that do not depend on a config. Paths and ports are
    /// probed when [`run`](super::run) asks for them.
    pub fn probe() -> Host {
        Host {
            memory: probe::memory(),
            cpus: probe::cpus(),
            interfaces: crate::nova::interfaces().ok(),
            gds: probe::gds(),
            rdma: probe::rdma(),
            paths: BTreeMap::new(),
            taken: BTreeMap::new(),
            free: BTreeSet::new(),
            probes: true,
            label: Some("this host".into()),
        }
    }

    /// The facts of another machine, from JSON: the `host` object of a
    /// `kvbm-config preflight --format json` output, or that whole output. Nothing is
    /// probed on this machine for such a host.
    ///
    /// # Errors
    ///
    /// A JSON syntax error, a field of the wrong type or a field this crate does not know,
    /// in words that name the field.
    pub fn from_json(text: &str) -> Result<Host, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let object = match value.get("host") {
            Some(host) if value.get("findings").is_some() => host.clone(),
            _ => value,
        };
        serde_json::from_value(object).map_err(|e| e.to_string())
    }

    /// As [`Host::from_json`], for a file read the way config files are (a regular file of at
    /// most 4 MiB).
    ///
    /// # Errors
    ///
    /// Why the file cannot be read, or what is wrong in it, in words.
    pub fn from_file(path: &Path) -> Result<Host, String> {
        let text = crate::load::read_config_file(path)?;
        let mut host = Host::from_json(&text)?;
        host.label = Some(format!("the host in {}", path.display()));
        Ok(host)
    }

    /// How findings name this host ("this host", "the host in FILE").
    pub fn called(&self) -> &str {
        self.label.as_deref().unwrap_or("the host")
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

    pub(super) fn bind(&mut self, addr: SocketAddr) -> PortState {
        if let Some(why) = self.taken.get(&addr) {
            return PortState::Taken(why.clone());
        }
        if self.free.contains(&addr) {
            return PortState::Free;
        }
        if !self.probes {
            return PortState::Unknown;
        }
        // Binding is the only network probe; the listener is closed at once.
        match TcpListener::bind(addr) {
            Ok(_) => {
                self.free.insert(addr);
                PortState::Free
            }
            Err(e) => {
                self.taken.insert(addr, e.to_string());
                PortState::Taken(e.to_string())
            }
        }
    }
}
