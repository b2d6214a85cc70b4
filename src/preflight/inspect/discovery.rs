//! Filesystem discovery: the discovery file and its directory.

use super::*;

impl Run<'_> {
    /// The filesystem discovery file's directory, by the same rule as the disk tier's.
    /// (Etcd endpoints follow the declared `etcd_endpoints` rule, which the load already
    /// ran; nothing more without contacting them.)
    pub(in crate::preflight) fn discovery(&mut self) {
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
}
