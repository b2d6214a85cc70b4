//! Reading the real machine. Every reader returns "unknown" rather than fail.

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
            parent_writable: existing_ancestor(path).is_some_and(|p| p.is_dir() && writable(&p)),
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
