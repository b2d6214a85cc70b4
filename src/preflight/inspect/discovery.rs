//! Filesystem discovery: the discovery file and its directory.

use super::*;

/// The key of the discovery file.
const PATH_KEY: &str = crate::key::nova::discovery::PATH;

impl Run<'_> {
    /// The filesystem discovery file: an existing one must be a regular file this process
    /// can write; a missing one is created at start, in a directory judged by the same
    /// rule as the disk tier's. (Etcd endpoints follow the declared `etcd_endpoints` rule,
    /// which the load already ran; nothing more without contacting them.)
    pub(in crate::preflight) fn discovery(&mut self) {
        let mut seen: Vec<PathBuf> = Vec::new();
        for group in 0..self.groups.len() {
            let Some(DiscoveryConfig::Filesystem(fs)) =
                self.groups[group].loaded.config.nova.discovery.clone()
            else {
                continue;
            };
            if seen.contains(&fs.path) {
                continue;
            }
            seen.push(fs.path.clone());
            if self.discovery_file_exists(group, &fs.path) {
                continue;
            }
            let dir = match fs.path.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
                _ => PathBuf::from("."),
            };
            let created_by = "Nova's filesystem discovery";
            self.report_directory("discovery", group, PATH_KEY, &dir, created_by);
        }
    }

    /// Judges the discovery file if it exists (an error unless it is a regular file this
    /// process can write); `false` when it does not exist or nothing is known of it.
    fn discovery_file_exists(&mut self, group: usize, path: &Path) -> bool {
        let Some(facts) = self.host.path(path) else {
            return false;
        };
        let shown = path.display();
        let (fact, message) = match facts.state {
            PathState::File { writable: true } => return true,
            PathState::Missing { .. } | PathState::BrokenLink => return false,
            PathState::Directory { .. } => (
                "a directory",
                format!("{shown} is a directory, but `{PATH_KEY}` names the discovery file: name a file in it, such as {}", path.join("kvbm-discovery.json").display()),
            ),
            PathState::File { writable: false } => (
                "not writable",
                format!("{shown} exists but this process cannot write it: make it writable by the processes' user, or name another file"),
            ),
            PathState::NotDirectory => (
                "not a regular file",
                format!("{shown} exists but is not a regular file (a device or a socket): name a regular file"),
            ),
        };
        self.push(
            Severity::Error,
            "discovery",
            group,
            PATH_KEY,
            fact.into(),
            message,
        );
        true
    }
}
