//! The checks: each compares settings of a loaded config with a host fact.

use super::*;

pub(super) struct Run<'a> {
    pub(super) loaded: &'a Loaded,
    pub(super) host: &'a mut Host,
    pub(super) options: Options,
    pub(super) settings: BTreeMap<String, (Option<String>, Source)>,
    pub(super) found: Vec<Finding>,
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

    fn tier_size(&self, sizing: TierSizing) -> TierSize {
        match (
            sizing.num_blocks,
            self.options.block_bytes,
            sizing.cache_size_gb,
        ) {
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

    pub(super) fn memory(&mut self) {
        let cache = &self.loaded.config.cache;
        let (host_sizing, disk_sizing) = (cache.tier(CacheTier::Host), cache.tier(CacheTier::Disk));
        let host = self.tier_size(host_sizing);
        let disk = self.tier_size(disk_sizing);
        let key = host_sizing.sizing_key();
        let host_bytes = match host {
            TierSize::None => 0,
            TierSize::Unknown => {
                let message = "is sized by blocks and no --block-bytes was given, so its memory could not be checked".to_string();
                self.push(
                    Severity::Warning,
                    "g2-memory",
                    key,
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
                key,
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
            self.push(Severity::Error, "g2-memory", key, limit_fact, message);
        } else if total as f64 > MEMORY_WARNING_SHARE * limit as f64 {
            let message = format!(
                "{what} = {} is above 90% of the memory limit of {}",
                bytes_text(total),
                bytes_text(limit)
            );
            self.push(Severity::Warning, "g2-memory", key, limit_fact, message);
        } else if let Some(available) = self.host.memory.available.filter(|a| total > *a) {
            let message = format!(
                "{what} = {} is more than the memory available now, {}",
                bytes_text(total),
                bytes_text(available)
            );
            let fact = format!("MemAvailable {}", bytes_text(available));
            self.push(Severity::Warning, "g2-memory", key, fact, message);
        }
    }

    pub(super) fn disk(&mut self) {
        let disk = self.loaded.config.cache.disk.clone();
        let sizing = self.loaded.config.cache.tier(CacheTier::Disk);
        let size = self.tier_size(sizing);
        let size_key = sizing.sizing_key();
        let path_key = "cache.disk.storage_path";
        let Some(path) = disk.storage_path else {
            if !matches!(size, TierSize::None) {
                let message = "the disk tier has a size but no `cache.disk.storage_path`, so where it goes is undefined".to_string();
                self.push(
                    Severity::Warning,
                    "g3-disk",
                    size_key,
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
                size_key,
                format!("free space {}", bytes_text(free)),
                message,
            );
        }
    }

    pub(super) fn gds(&mut self) {
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

    pub(super) fn cpus(&mut self) {
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

    pub(super) fn network(&mut self) {
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

    /// The filesystem discovery file's directory. (Etcd endpoints follow the declared
    /// `etcd_endpoints` rule, which the load already ran; nothing more without contacting
    /// them.)
    pub(super) fn discovery(&mut self) {
        let Some(DiscoveryConfig::Filesystem(fs)) = self.loaded.config.nova.discovery.clone()
        else {
            return;
        };
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

    pub(super) fn v1_sizes(&mut self) {
        for sizing in self.loaded.config.cache.tiers() {
            let key = sizing.tier.size_key();
            let Source::Env { var } = self.loaded.report.origin(key) else {
                continue;
            };
            let from_v1 = crate::load::v1::lookup(&var)
                .is_some_and(|v1| v1.note == crate::load::v1::PER_WORKER_NOTE);
            let (true, Some(gb)) = (from_v1, sizing.cache_size_gb) else {
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
                key,
                format!("{workers} workers"),
                message,
            );
        }
    }
}
