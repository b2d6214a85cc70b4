//! The checks: each compares settings of the loaded configs of a node with a host fact.
//!
//! A node runs groups of processes ([`Processes`]): one leader, N workers. Sizes and
//! threads add up over every process; a finding names the group whose setting it is about.
//! A fact that could not be read gives `info: could not check`, never an error: the gate
//! must not fail on what it does not know, nor pass in silence.

use super::*;

/// One group of processes as the checks see it.
struct Group<'a> {
    role: Option<Role>,
    count: u64,
    loaded: &'a Loaded,
    settings: BTreeMap<String, (Option<String>, Source)>,
}

impl Group<'_> {
    /// "8 workers", "1 leader".
    fn processes(&self) -> String {
        let noun = match self.role {
            Some(Role::Leader) => "leader",
            _ => "worker",
        };
        match self.count {
            1 => format!("1 {noun}"),
            n => format!("{n} {noun}s"),
        }
    }

    /// Whether these processes allocate the cache tiers: the workers do (each its own
    /// `cache_size_gb`); the leader coordinates and allocates none.
    fn allocates_tiers(&self) -> bool {
        self.role != Some(Role::Leader)
    }

    /// Whether `key` has its default value in this group's config.
    fn is_default(&self, key: &str) -> bool {
        matches!(self.loaded.report.origin(key), Source::Default)
    }
}

pub(super) struct Run<'a> {
    groups: Vec<Group<'a>>,
    host: &'a mut Host,
    block_bytes: Option<u64>,
    pub(super) found: Vec<Finding>,
}

/// The thread count of a config that a CPU check reads.
type ThreadsOf = fn(&Loaded) -> usize;

/// A tier's size as the checks see it.
#[derive(Clone, Copy)]
enum TierSize {
    None,
    Bytes(u64),
    /// Sized by blocks, and no block size was given.
    Unknown,
}

/// What a directory the config names needs on this host, and what it is.
enum DirectoryVerdict {
    Usable,
    WillBeCreated,
    Unusable(&'static str, String),
    Unknown,
}

impl<'a> Run<'a> {
    pub(super) fn new(
        processes: &[Processes<'a>],
        host: &'a mut Host,
        block_bytes: Option<u64>,
    ) -> Run<'a> {
        let groups = processes
            .iter()
            .map(|p| Group {
                role: p.role,
                count: u64::from(p.count.max(1)),
                loaded: p.loaded,
                settings: p
                    .loaded
                    .entries()
                    .into_iter()
                    .map(|e| (e.key, (e.value, e.source)))
                    .collect(),
            })
            .collect();
        Run {
            groups,
            host,
            block_bytes,
            found: Vec::new(),
        }
    }

    fn push(
        &mut self,
        severity: Severity,
        check: &'static str,
        group: usize,
        key: &str,
        fact: String,
        message: String,
    ) {
        let group = &self.groups[group];
        let (value, source) = group
            .settings
            .get(key)
            .cloned()
            .unwrap_or((None, group.loaded.report.origin(key)));
        let role = match self.groups.len() {
            1 => None,
            _ => group.role,
        };
        self.found.push(Finding {
            severity,
            check,
            role,
            key: key.to_string(),
            value,
            source,
            host_fact: fact,
            message,
        });
    }

    fn could_not_check(&mut self, check: &'static str, group: usize, key: &str, what: &str) {
        let message = format!("could not check: {what}");
        self.push(
            Severity::Info,
            check,
            group,
            key,
            UNKNOWN_FACT.into(),
            message,
        );
    }

    fn tier_size(&self, sizing: TierSizing) -> TierSize {
        match (sizing.num_blocks, self.block_bytes, sizing.cache_size_gb) {
            (Some(blocks), Some(bytes), _) => {
                TierSize::Bytes((blocks as u64).saturating_mul(bytes))
            }
            (Some(_), None, _) => TierSize::Unknown,
            (None, _, Some(gb)) => TierSize::Bytes((gb * BYTES_PER_GB) as u64),
            (None, _, None) => TierSize::None,
        }
    }

    fn sizing(&self, group: usize, tier: CacheTier) -> TierSizing {
        self.groups[group].loaded.config.cache.tier(tier)
    }

    /// A group's `cache.disk.storage_path`.
    fn storage_path(&self, group: usize) -> Option<PathBuf> {
        self.groups[group]
            .loaded
            .config
            .cache
            .disk
            .storage_path
            .clone()
    }

    /// The memory filesystem (`tmpfs`, `ramfs`) a group's disk tier is on, if any.
    fn disk_on_memory(&mut self, group: usize) -> Option<&'static str> {
        let path = self.storage_path(group)?;
        match self.host.path(&path)?.fs? {
            FsKind::Tmpfs => Some("tmpfs"),
            FsKind::Ramfs => Some("ramfs"),
            _ => None,
        }
    }

    /// The load's own warnings: `--strict` fails on them as `check --strict` does.
    /// A warning every group's load gives (an unknown variable, read by each role) is one
    /// finding, without a role.
    pub(super) fn config_warnings(&mut self) {
        let everywhere = |warning: &Warning| {
            self.groups
                .iter()
                .all(|g| g.loaded.report.warnings().contains(warning))
        };
        for (index, group) in self.groups.iter().enumerate() {
            for warning in group.loaded.report.warnings() {
                let shared = everywhere(warning);
                if shared && index > 0 {
                    continue;
                }
                let role = match shared || self.groups.len() == 1 {
                    true => None,
                    false => group.role,
                };
                self.found.push(Finding::from_warning(warning, role));
            }
        }
    }

    pub(super) fn memory(&mut self) {
        // (group, bytes of one process, the words for them)
        let mut parts: Vec<(usize, u64, String)> = Vec::new();
        for group in 0..self.groups.len() {
            if !self.groups[group].allocates_tiers() {
                continue;
            }
            let host_sizing = self.sizing(group, CacheTier::Host);
            let host = match self.tier_size(host_sizing) {
                TierSize::Unknown => {
                    self.block_size_unknown(group, host_sizing, "g2-memory", "its memory");
                    0
                }
                TierSize::Bytes(bytes) => bytes,
                TierSize::None => 0,
            };
            let disk = match (
                self.tier_size(self.sizing(group, CacheTier::Disk)),
                self.disk_on_memory(group),
            ) {
                (TierSize::Bytes(bytes), Some(_)) => bytes,
                _ => 0,
            };
            let words = match disk {
                0 => bytes_text(host),
                _ => format!(
                    "({} host tier + {} disk tier on a memory filesystem)",
                    bytes_text(host),
                    bytes_text(disk)
                ),
            };
            let bytes = host.saturating_add(disk);
            if bytes > 0 {
                parts.push((group, bytes, words));
            }
        }
        let total = parts.iter().fold(0u64, |sum, (group, bytes, _)| {
            sum.saturating_add(bytes.saturating_mul(self.groups[*group].count))
        });
        let Some(&(main, _, _)) = parts
            .iter()
            .max_by_key(|(group, bytes, _)| bytes.saturating_mul(self.groups[*group].count))
        else {
            return;
        };
        let key = self.sizing(main, CacheTier::Host).sizing_key();
        let Some(limit) = self.host.memory.effective_limit() else {
            self.could_not_check("g2-memory", main, key, "the memory limit is unknown");
            return;
        };
        let what = parts
            .iter()
            .map(|(group, _, words)| format!("{} × {words}", self.groups[*group].processes()))
            .collect::<Vec<_>>()
            .join(" + ");
        let limit_fact = format!("memory limit {}", bytes_text(limit));
        if total > limit {
            let message = format!(
                "{what} = {} exceeds the memory limit of {}; the processes would be killed for lack of memory",
                bytes_text(total),
                bytes_text(limit)
            );
            self.push(Severity::Error, "g2-memory", main, key, limit_fact, message);
        } else if total as f64 > MEMORY_WARNING_SHARE * limit as f64 {
            let message = format!(
                "{what} = {} is above 90% of the memory limit of {}",
                bytes_text(total),
                bytes_text(limit)
            );
            self.push(
                Severity::Warning,
                "g2-memory",
                main,
                key,
                limit_fact,
                message,
            );
        } else if let Some(available) = self.host.memory.available.filter(|a| total > *a) {
            let message = format!(
                "{what} = {} is more than the memory available now, {}",
                bytes_text(total),
                bytes_text(available)
            );
            let fact = format!("MemAvailable {}", bytes_text(available));
            self.push(Severity::Warning, "g2-memory", main, key, fact, message);
        }
    }

    /// A tier sized by `num_blocks` with no `--block-bytes`: named, never skipped in silence.
    fn block_size_unknown(
        &mut self,
        group: usize,
        sizing: TierSizing,
        check: &'static str,
        what: &str,
    ) {
        let message =
            format!("is sized by blocks and no --block-bytes was given, so {what} was not checked");
        let key = sizing.tier.blocks_key();
        self.push(
            Severity::Warning,
            check,
            group,
            key,
            "block size unknown".into(),
            message,
        );
    }

    /// The one rule for a directory the config names (`cache.disk.storage_path`, the
    /// discovery file's directory): a writable directory is usable; a missing one is
    /// created at start by the process that uses it, which needs its nearest existing
    /// ancestor to be writable; anything else cannot be used.
    fn directory(&mut self, dir: &Path) -> DirectoryVerdict {
        let Some(facts) = self.host.path(dir) else {
            return DirectoryVerdict::Unknown;
        };
        let shown = dir.display().to_string();
        if facts.fs == Some(FsKind::Pseudo) {
            return DirectoryVerdict::Unusable(
                "pseudo filesystem",
                format!("{shown} is on a pseudo filesystem of the kernel (proc, sysfs), which holds no files"),
            );
        }
        match facts.state {
            PathState::Directory { writable: true } => DirectoryVerdict::Usable,
            PathState::Directory { writable: false } => DirectoryVerdict::Unusable(
                "not writable",
                format!("{shown} is not writable by this process (a file could not be created in it)"),
            ),
            PathState::NotDirectory => DirectoryVerdict::Unusable(
                "not a directory",
                format!("{shown} exists but is not a directory"),
            ),
            PathState::Missing {
                parent_writable: true,
            } => DirectoryVerdict::WillBeCreated,
            PathState::Missing {
                parent_writable: false,
            } => DirectoryVerdict::Unusable(
                "missing",
                format!("{shown} does not exist and cannot be created: its nearest existing parent is not writable"),
            ),
        }
    }

    /// Reports the verdict on a directory; `true` when it can be used.
    fn report_directory(
        &mut self,
        check: &'static str,
        group: usize,
        key: &str,
        dir: &Path,
        created_by: &str,
    ) -> bool {
        match self.directory(dir) {
            DirectoryVerdict::Usable => true,
            DirectoryVerdict::WillBeCreated => {
                let message = format!(
                    "{} does not exist yet; {created_by} creates it at start",
                    dir.display()
                );
                let fact = "missing, parent writable".into();
                self.push(Severity::Info, check, group, key, fact, message);
                true
            }
            DirectoryVerdict::Unusable(fact, message) => {
                self.push(Severity::Error, check, group, key, fact.into(), message);
                false
            }
            DirectoryVerdict::Unknown => {
                let what = format!(
                    "nothing is known of {} on {}",
                    dir.display(),
                    self.host.called()
                );
                self.could_not_check(check, group, key, &what);
                false
            }
        }
    }

    pub(super) fn disk(&mut self) {
        const PATH_KEY: &str = "cache.disk.storage_path";
        // Every group's tier on one path shares that path's free space.
        let mut on_path: Vec<(PathBuf, Vec<(usize, TierSize)>)> = Vec::new();
        for group in 0..self.groups.len() {
            if !self.groups[group].allocates_tiers() {
                continue;
            }
            let sizing = self.sizing(group, CacheTier::Disk);
            let size = self.tier_size(sizing);
            if let TierSize::Unknown = size {
                self.block_size_unknown(group, sizing, "g3-disk", "its disk space");
            }
            let path = self.storage_path(group);
            match (path, size) {
                (Some(path), _) => match on_path.iter_mut().find(|(p, _)| *p == path) {
                    Some((_, users)) => users.push((group, size)),
                    None => on_path.push((path, vec![(group, size)])),
                },
                (None, TierSize::None) => {}
                (None, _) => {
                    let message = "the disk tier has a size but no `cache.disk.storage_path`, so where it goes is undefined".to_string();
                    let key = sizing.sizing_key();
                    self.push(
                        Severity::Warning,
                        "g3-disk",
                        group,
                        key,
                        "no storage path".into(),
                        message,
                    );
                }
            }
        }
        for (path, users) in on_path {
            let first = users[0].0;
            let created_by = "the worker's disk tier";
            if !self.report_directory("g3-disk", first, PATH_KEY, &path, created_by) {
                continue;
            }
            let Some(facts) = self.host.path(&path) else {
                continue;
            };
            let shown = path.display().to_string();
            if let Some(fs @ (FsKind::Tmpfs | FsKind::Ramfs)) = facts.fs {
                let name = if fs == FsKind::Tmpfs {
                    "tmpfs"
                } else {
                    "ramfs"
                };
                let counted = match users
                    .iter()
                    .all(|(_, size)| matches!(size, TierSize::Bytes(_)))
                {
                    true => "counted in the memory check",
                    false => "not all of it counted in the memory check: a size is unknown",
                };
                let message = format!(
                    "{shown} is on a {name}: the disk tier would use host memory too ({counted})"
                );
                self.push(
                    Severity::Warning,
                    "g3-disk",
                    first,
                    PATH_KEY,
                    format!("filesystem {name}"),
                    message,
                );
            }
            self.free_space(&path, facts, &users);
        }
    }

    fn free_space(&mut self, path: &Path, facts: PathFacts, users: &[(usize, TierSize)]) {
        let sized: Vec<(usize, u64)> = users
            .iter()
            .filter_map(|&(group, size)| match size {
                TierSize::Bytes(bytes) => Some((group, bytes)),
                _ => None,
            })
            .collect();
        let Some(&(main, _)) = sized
            .iter()
            .max_by_key(|(group, bytes)| bytes.saturating_mul(self.groups[*group].count))
        else {
            return;
        };
        let key = self.sizing(main, CacheTier::Disk).sizing_key();
        let Some(free) = facts.free_bytes else {
            let what = format!("the free space at {} is unknown", path.display());
            self.could_not_check("g3-disk", main, key, &what);
            return;
        };
        let total = sized.iter().fold(0u64, |sum, (group, bytes)| {
            sum.saturating_add(bytes.saturating_mul(self.groups[*group].count))
        });
        if total > free {
            let what = sized
                .iter()
                .map(|(group, bytes)| {
                    format!(
                        "{} × {}",
                        self.groups[*group].processes(),
                        bytes_text(*bytes)
                    )
                })
                .collect::<Vec<_>>()
                .join(" + ");
            let message = format!(
                "{what} = {} exceeds the {} free at {}",
                bytes_text(total),
                bytes_text(free),
                path.display()
            );
            let fact = format!("free space {}", bytes_text(free));
            self.push(Severity::Error, "g3-disk", main, key, fact, message);
        }
    }

    pub(super) fn gds(&mut self) {
        for group in 0..self.groups.len() {
            if !self.groups[group].allocates_tiers()
                || !self.groups[group].loaded.config.cache.disk.use_gds
                || !self.host.gds.devices.is_empty()
            {
                continue;
            }
            let cufile = match &self.host.gds.cufile_json {
                Some(path) => format!(
                    " ({} was found, but it does not make a device)",
                    path.display()
                ),
                None => String::new(),
            };
            let message = format!("GPUDirect Storage is on but {} has no /dev/nvidia-fs* device{cufile}; transfers would fall back or fail", self.host.called());
            self.push(
                Severity::Warning,
                "gds",
                group,
                "cache.disk.use_gds",
                "no GDS device".into(),
                message,
            );
        }
    }

    /// Threads of every process against the usable CPUs. A value set above the usable
    /// CPUs is a warning; a total above them is `info` (threads of many processes are
    /// often idle), with the way to set it.
    pub(super) fn cpus(&mut self) {
        let keys: [(&str, ThreadsOf); 2] = [
            ("tokio.worker_threads", |l| l.config.tokio.worker_threads),
            ("rayon.num_threads", |l| l.config.rayon.num_threads),
        ];
        let Some(usable) = self.host.cpus.usable() else {
            if let Some(group) = (0..self.groups.len())
                .find(|g| !keys.iter().all(|(k, _)| self.groups[*g].is_default(k)))
            {
                self.could_not_check("cpu", group, keys[0].0, "the usable CPU count is unknown");
            }
            return;
        };
        for (key, threads_of) in keys {
            let mut warned = false;
            for group in 0..self.groups.len() {
                let threads = threads_of(self.groups[group].loaded);
                if threads > usable && !self.groups[group].is_default(key) {
                    let message = format!("{threads} threads per process on {usable} usable CPUs");
                    self.push(
                        Severity::Warning,
                        "cpu",
                        group,
                        key,
                        format!("{usable} usable CPUs"),
                        message,
                    );
                    warned = true;
                }
            }
            let total = self.groups.iter().fold(0u64, |sum, g| {
                sum.saturating_add((threads_of(g.loaded) as u64).saturating_mul(g.count))
            });
            // Defaults never raise a finding: the total of default thread counts is
            // tokio's and Rayon's own choice, not the operator's.
            let set_somewhere = (0..self.groups.len()).any(|g| !self.groups[g].is_default(key));
            if warned || total <= usable as u64 || !set_somewhere {
                continue;
            }
            let main = (0..self.groups.len())
                .max_by_key(|g| self.groups[*g].count)
                .unwrap_or(0);
            let what = self
                .groups
                .iter()
                .map(|g| format!("{} × {}", g.processes(), threads_of(g.loaded)))
                .collect::<Vec<_>>()
                .join(" + ");
            let env = crate::registry::setting(key).map_or("", |s| s.env);
            let message = format!(
                "{what} = {total} threads on {usable} usable CPUs; set `{key}` ({env}) to bound each process"
            );
            self.push(
                Severity::Info,
                "cpu",
                main,
                key,
                format!("{usable} usable CPUs"),
                message,
            );
        }
    }

    pub(super) fn network(&mut self) {
        // Processes of one node that bind the same fixed address collide.
        let mut fixed: Vec<(SocketAddr, u64)> = Vec::new();
        for group in 0..self.groups.len() {
            let backend = self.groups[group].loaded.config.nova.backend.clone();
            let Some(addr) = self.bind_addr(group, &backend) else {
                continue;
            };
            if backend.tcp_port == 0 {
                continue;
            }
            match fixed.iter_mut().find(|(a, _)| *a == addr) {
                Some((_, count)) => *count += self.groups[group].count,
                None => fixed.push((addr, self.groups[group].count)),
            }
            match self.host.bind(addr) {
                PortState::Free => {}
                PortState::Taken(why) => {
                    let message = format!(
                        "port {} cannot be bound at {addr}: {why}; choose a free port, or 0 for any",
                        backend.tcp_port
                    );
                    let fact = format!("bind {addr} failed");
                    self.push(
                        Severity::Error,
                        "network",
                        group,
                        "nova.backend.tcp_port",
                        fact,
                        message,
                    );
                }
                PortState::Unknown => {
                    let what = format!(
                        "{} does not say whether {addr} can be bound (list it under `free` or `taken`)",
                        self.host.called()
                    );
                    self.could_not_check("network", group, "nova.backend.tcp_port", &what);
                }
            }
        }
        for (addr, count) in fixed.into_iter().filter(|(_, count)| *count > 1) {
            let group = (0..self.groups.len())
                .find(|g| self.groups[*g].loaded.config.nova.backend.tcp_port == addr.port())
                .unwrap_or(0);
            let message = format!(
                "{count} processes of this node would bind {addr}; only one can (use port 0, or a port per process)"
            );
            self.push(
                Severity::Error,
                "network",
                group,
                "nova.backend.tcp_port",
                format!("{count} processes"),
                message,
            );
        }
    }

    /// The address a group's Nova binds, by the rule start-up uses
    /// ([`NovaBackendConfig::bind_addr_among`](crate::nova::NovaBackendConfig::bind_addr_among));
    /// `None` (after a finding) when it has none here.
    fn bind_addr(
        &mut self,
        group: usize,
        backend: &crate::nova::NovaBackendConfig,
    ) -> Option<SocketAddr> {
        use crate::BuildError;
        if backend.tcp_interface.is_none() && backend.tcp_addr.is_none() {
            return backend.bind_addr_among(&[]).ok();
        }
        let Some(interfaces) = self.host.interfaces.clone() else {
            let key = match backend.tcp_interface {
                Some(_) => "nova.backend.tcp_interface",
                None => "nova.backend.tcp_addr",
            };
            self.could_not_check(
                "network",
                group,
                key,
                "the network interfaces could not be listed",
            );
            return None;
        };
        let names = interfaces
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let fact = format!("interfaces: {names}");
        match backend.bind_addr_among(&interfaces) {
            Ok(addr) if is_local(addr.ip(), &interfaces) => Some(addr),
            Ok(addr) => {
                let message = format!("{} is not an address of {}", addr.ip(), self.host.called());
                self.push(
                    Severity::Error,
                    "network",
                    group,
                    "nova.backend.tcp_addr",
                    fact,
                    message,
                );
                None
            }
            Err(BuildError::UnknownInterface { name, .. }) => {
                let message = format!(
                    "no interface `{name}` on {}; it has: {names}",
                    self.host.called()
                );
                self.push(
                    Severity::Error,
                    "network",
                    group,
                    "nova.backend.tcp_interface",
                    fact,
                    message,
                );
                None
            }
            Err(BuildError::NoIpv4Address { name }) => {
                let has = match interfaces.iter().find(|i| i.name == name) {
                    Some(i) if !i.addrs.is_empty() => "only IPv6 addresses",
                    _ => "no address",
                };
                let message = format!("interface `{name}` has {has}; Nova binds the interface's IPv4 address, so start-up would fail");
                self.push(
                    Severity::Error,
                    "network",
                    group,
                    "nova.backend.tcp_interface",
                    has.into(),
                    message,
                );
                None
            }
            Err(other) => {
                let key = "nova.backend.tcp_addr";
                self.push(
                    Severity::Error,
                    "network",
                    group,
                    key,
                    "invalid".into(),
                    other.to_string(),
                );
                None
            }
        }
    }

    /// The filesystem discovery file's directory, by the same rule as the disk tier's.
    /// (Etcd endpoints follow the declared `etcd_endpoints` rule, which the load already
    /// ran; nothing more without contacting them.)
    pub(super) fn discovery(&mut self) {
        let mut seen: Vec<PathBuf> = Vec::new();
        for group in 0..self.groups.len() {
            let Some(DiscoveryConfig::Filesystem(fs)) =
                self.groups[group].loaded.config.nova.discovery.clone()
            else {
                continue;
            };
            let dir = match fs.path.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
                _ => PathBuf::from("."),
            };
            if seen.contains(&dir) {
                continue;
            }
            seen.push(dir.clone());
            let created_by = "Nova's filesystem discovery";
            self.report_directory("discovery", group, "nova.discovery.path", &dir, created_by);
        }
    }

    pub(super) fn v1_sizes(&mut self) {
        let workers: u64 = self
            .groups
            .iter()
            .filter(|g| g.role != Some(Role::Leader))
            .map(|g| g.count)
            .sum::<u64>()
            .max(1);
        for group in 0..self.groups.len() {
            for sizing in self.groups[group].loaded.config.cache.tiers() {
                let key = sizing.tier.size_key();
                let Source::Env { var } = self.groups[group].loaded.report.origin(key) else {
                    continue;
                };
                let from_v1 = crate::load::v1::lookup(&var)
                    .is_some_and(|v1| v1.note == crate::load::v1::PER_WORKER_NOTE);
                let (true, Some(gb)) = (from_v1, sizing.cache_size_gb) else {
                    continue;
                };
                let message = format!(
                    "came from {var}: {}; {gb} GB across {workers} workers is {:.3} GB per worker",
                    crate::load::v1::PER_WORKER_NOTE,
                    gb / workers as f64
                );
                self.push(
                    Severity::Warning,
                    "v1-size",
                    group,
                    key,
                    format!("{workers} workers"),
                    message,
                );
            }
        }
    }
}

/// Whether `ip` is an address of this host: the unspecified address, all of 127.0.0.0/8
/// and `::1`, or an address of one of its interfaces (link-local ones included).
fn is_local(ip: IpAddr, interfaces: &[Interface]) -> bool {
    ip.is_unspecified() || ip.is_loopback() || interfaces.iter().any(|i| i.addrs.contains(&ip))
}
