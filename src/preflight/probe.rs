//! Reading the real machine. Every reader returns "unknown" rather than fail.

use super::*;

/// Where the kernel shows cgroups; tests point the readers at a fake tree instead.
const CGROUP_ROOT: &str = "/sys/fs/cgroup";

pub(super) fn memory() -> Memory {
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let field = |name: &str| -> Option<u64> {
        let line = meminfo.lines().find(|l| l.starts_with(name))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    };
    let own = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    Memory {
        total: field("MemTotal:"),
        available: field("MemAvailable:"),
        cgroup_limit: cgroup_memory_limit(&own, Path::new(CGROUP_ROOT)),
    }
}

pub(super) fn cpus() -> Cpus {
    let affinity = rustix::thread::sched_getaffinity(None)
        .ok()
        .map(|set| set.count() as usize)
        .filter(|n| *n > 0);
    let own = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    Cpus {
        affinity,
        quota: cgroup_cpu_quota(&own, Path::new(CGROUP_ROOT)),
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

/// The directories of this process's cgroup for `controller` (`""` for the v2 unified
/// hierarchy), from its own directory up to the hierarchy's root. `own` is the text of
/// `/proc/self/cgroup`; `root` is where the hierarchies are mounted.
fn cgroup_dirs(own: &str, root: &Path, controller: &str) -> Vec<PathBuf> {
    for line in own.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(_), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let hierarchy = match (controller, controllers) {
            ("", "") => root.to_path_buf(),
            ("", _) | (_, "") => continue,
            (wanted, list) if list.split(',').any(|c| c == wanted) => {
                // v1 mounts a co-mounted hierarchy under its joined name (`cpu,cpuacct`).
                let joined = root.join(list);
                match joined.is_dir() {
                    true => joined,
                    false => root.join(wanted),
                }
            }
            _ => continue,
        };
        let relative = Path::new(path.trim_start_matches('/'));
        return relative
            .ancestors()
            .map(|part| hierarchy.join(part))
            .collect();
    }
    Vec::new()
}

/// The smallest of a value read at every level of a cgroup path; `None` when no level
/// sets one.
fn smallest<T: PartialOrd>(values: impl Iterator<Item = Option<T>>) -> Option<T> {
    values.flatten().fold(None, |low, value| match low {
        Some(low) if low <= value => Some(low),
        _ => Some(value),
    })
}

/// The memory limit of the cgroup in `own` and its ancestors: v2 `memory.max` at each
/// level, else v1's `hierarchical_memory_limit` (which the kernel already takes from the
/// ancestors) or `memory.limit_in_bytes` at each level.
pub(super) fn cgroup_memory_limit(own: &str, root: &Path) -> Option<u64> {
    let read = |path: PathBuf| std::fs::read_to_string(path).ok();
    let v2 = cgroup_dirs(own, root, "");
    if let Some(limit) = smallest(
        v2.iter()
            .map(|dir| read(dir.join("memory.max")).and_then(|t| parse_limit(&t))),
    ) {
        return Some(limit);
    }
    let v1 = cgroup_dirs(own, root, "memory");
    let hierarchical = v1
        .first()
        .and_then(|leaf| read(leaf.join("memory.stat")))
        .and_then(|stat| {
            stat.lines()
                .find_map(|line| line.strip_prefix("hierarchical_memory_limit "))
                .and_then(parse_limit)
        });
    let per_level = smallest(
        v1.iter()
            .map(|dir| read(dir.join("memory.limit_in_bytes")).and_then(|t| parse_limit(&t))),
    );
    smallest([hierarchical, per_level].into_iter())
}

/// The CPU quota of the cgroup in `own` and its ancestors, in CPUs: v2 `cpu.max` at each
/// level, else v1 `cpu.cfs_quota_us` ÷ `cpu.cfs_period_us` at each level.
pub(super) fn cgroup_cpu_quota(own: &str, root: &Path) -> Option<f64> {
    let read = |path: PathBuf| std::fs::read_to_string(path).ok();
    let v2 = smallest(cgroup_dirs(own, root, "").iter().map(|dir| {
        let text = read(dir.join("cpu.max"))?;
        let mut parts = text.split_whitespace();
        parse_quota(parts.next()?, parts.next().unwrap_or("100000"))
    }));
    if v2.is_some() {
        return v2;
    }
    smallest(cgroup_dirs(own, root, "cpu").iter().map(|dir| {
        parse_quota(
            &read(dir.join("cpu.cfs_quota_us"))?,
            &read(dir.join("cpu.cfs_period_us"))?,
        )
    }))
}

pub(super) fn gds() -> Gds {
    use std::os::unix::fs::FileTypeExt;
    let mut devices: Vec<PathBuf> = std::fs::read_dir("/dev")
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("nvidia-fs"))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_char_device()))
        .map(|e| e.path())
        .collect();
    devices.sort();
    let cufile_json = std::env::var_os("CUFILE_ENV_PATH_JSON")
        .map(PathBuf::from)
        .into_iter()
        .chain([PathBuf::from("/etc/cufile.json")])
        .find(|path| path.is_file());
    Gds {
        devices,
        cufile_json,
    }
}

/// Whether this process can create a file in the directory `dir`: tried for real (a file
/// created and removed at once), since `access(W_OK)` says yes to root on a read-only or
/// pseudo filesystem.
fn can_create_in(dir: &Path) -> bool {
    let probe = dir.join(format!(".kvbm-preflight-{}", std::process::id()));
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .is_ok();
    if created {
        let _ = std::fs::remove_file(&probe);
    }
    created
}

pub(super) fn path(path: &Path) -> PathFacts {
    let on = existing_ancestor(path);
    let state = match (std::fs::metadata(path), std::fs::symlink_metadata(path)) {
        (Ok(meta), _) if meta.is_dir() => PathState::Directory {
            writable: can_create_in(path),
        },
        (Ok(meta), _) if meta.is_file() => PathState::File {
            writable: can_write(path),
        },
        (Ok(_), _) => PathState::NotDirectory,
        (Err(_), Ok(link)) if link.file_type().is_symlink() => PathState::BrokenLink,
        (Err(_), _) => PathState::Missing {
            parent_writable: on
                .as_deref()
                .is_some_and(|p| p.is_dir() && can_create_in(p)),
        },
    };
    let free_bytes = on
        .as_deref()
        .and_then(|p| rustix::fs::statvfs(p).ok())
        .map(|s| s.f_bavail.saturating_mul(s.f_frsize));
    let fs = on
        .as_deref()
        .and_then(|p| rustix::fs::statfs(p).ok())
        .map(|s| fs_kind(s.f_type as u64));
    let device = on
        .as_deref()
        .and_then(|p| rustix::fs::stat(p).ok())
        // `st_dev` is not a `u64` on every target.
        .map(|s| {
            #[allow(clippy::unnecessary_cast)]
            let device = s.st_dev as u64;
            device
        });
    PathFacts {
        state,
        free_bytes,
        fs,
        device,
    }
}

/// Whether this process can open the regular file `path` for writing: tried for real
/// (opened for appending, nothing written), as `access(W_OK)` says yes to root on a
/// read-only filesystem.
fn can_write(path: &Path) -> bool {
    std::fs::OpenOptions::new().append(true).open(path).is_ok()
}

/// The RDMA devices and this process's locked-memory limit.
pub(super) fn rdma() -> Rdma {
    let devices = std::fs::read_dir("/sys/class/infiniband").ok().map(|dir| {
        let mut names: Vec<String> = dir
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    });
    let devices = match devices {
        Some(names) => Some(names),
        // No such class: the kernel has no RDMA device (or no RDMA support at all).
        None if Path::new("/sys/class").is_dir() => Some(Vec::new()),
        None => None,
    };
    let memlock = rustix::process::getrlimit(rustix::process::Resource::Memlock)
        .current
        .map_or(Limit::Unlimited(Unlimited::Unlimited), Limit::Bytes);
    Rdma {
        devices,
        memlock: Some(memlock),
    }
}

/// The kind of a filesystem from the magic number of statfs(2).
fn fs_kind(magic: u64) -> FsKind {
    match magic {
        0x0102_1994 => FsKind::Tmpfs,
        0x8584_58f6 => FsKind::Ramfs,
        // proc, sysfs, cgroup2, cgroup, devpts, debugfs, securityfs.
        0x9fa0 | 0x6265_6572 | 0x6367_7270 | 0x0027_e0eb | 0x1cd1 | 0x6462_6720 | 0x7363_6673 => {
            FsKind::Pseudo
        }
        _ => FsKind::Other,
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
