//! The G3 disk check and the one rule for a directory the config names: usable, created
//! at start, or unusable; free space summed over every tier on one filesystem.

use super::*;

/// The paths on one filesystem, its facts, and the tiers (group, size) that use it.
type Filesystem = (Vec<PathBuf>, PathFacts, Vec<(usize, TierSize)>);

impl Run<'_> {
    /// The one rule for a directory the config names (`cache.disk.storage_path`, the
    /// discovery file's directory): a writable directory is usable; a missing one is
    /// created at start by the process that uses it, which needs its nearest existing
    /// ancestor to be writable; anything else cannot be used.
    pub(super) fn directory(&mut self, dir: &Path) -> DirectoryVerdict {
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
            PathState::File { .. } | PathState::NotDirectory => DirectoryVerdict::Unusable(
                "not a directory",
                format!("{shown} exists but is not a directory; name a directory"),
            ),
            PathState::BrokenLink => DirectoryVerdict::Unusable(
                "dangling symbolic link",
                format!("{shown} is a symbolic link to a path that does not exist, so it cannot be created; create the link's target or name another directory"),
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
    pub(super) fn report_directory(
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

    pub(in crate::preflight) fn disk(&mut self) {
        const PATH_KEY: &str = crate::key::cache::disk::STORAGE_PATH;
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
                    let message = format!(
                        "the disk tier has a size but no `{PATH_KEY}`, so where it goes is undefined: set `{PATH_KEY}` ({}) to a local directory",
                        self.variable_of(group, PATH_KEY)
                    );
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
        // Paths on one filesystem (one `st_dev`) share its free space.
        let mut filesystems: Vec<Filesystem> = Vec::new();
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
                    "{shown} is on a {name}: the disk tier would use host memory too ({counted}); put it on a local disk"
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
            let same_fs = filesystems
                .iter_mut()
                .find(|(_, seen, _)| seen.device.is_some() && seen.device == facts.device);
            match same_fs {
                Some((paths, _, all_users)) => {
                    paths.push(path);
                    all_users.extend(users);
                }
                None => filesystems.push((vec![path], facts, users)),
            }
        }
        for (paths, facts, users) in filesystems {
            self.free_space(&paths, facts, &users);
        }
    }

    /// The disk tiers on one filesystem (at `paths`) against its free space.
    pub(super) fn free_space(
        &mut self,
        paths: &[PathBuf],
        facts: PathFacts,
        users: &[(usize, TierSize)],
    ) {
        let at = match paths {
            [path] => format!("at {}", path.display()),
            _ => {
                let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                format!("on the one filesystem of {}", shown.join(" and "))
            }
        };
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
            let what = format!("the free space {at} is unknown");
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
            let main_bytes = sized
                .iter()
                .find(|(group, _)| *group == main)
                .map_or(0, |(_, bytes)| *bytes);
            let fix = self.largest_that_fits(main, CacheTier::Disk, main_bytes, total, free);
            let message = format!(
                "{what} = {} exceeds the {} free {at}; {fix}",
                bytes_text(total),
                bytes_text(free),
            );
            let fact = format!("free space {}", bytes_text(free));
            self.push(Severity::Error, "g3-disk", main, key, fact, message);
        }
    }
}
