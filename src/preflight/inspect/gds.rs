//! GPUDirect Storage: what GDS needs of the host when the config uses it, through
//! `cache.disk.use_gds` or a `GDS` / `GDS_MT` NixL backend.

use super::*;
use crate::nixl::NixlBackend;

impl Run<'_> {
    /// The setting that makes a group use GPUDirect Storage, if any: `cache.disk.use_gds`,
    /// else a `GDS` or `GDS_MT` NixL backend.
    fn gds_key(&self, group: usize) -> Option<&'static str> {
        let config = &self.groups[group].loaded.config;
        if config.cache.disk.use_gds {
            return Some(crate::key::cache::disk::USE_GDS);
        }
        let backend = config
            .nixl
            .backends
            .keys()
            .any(|name| NixlBackend::from_name(name).uses_gds());
        backend.then_some(crate::key::nixl::BACKENDS)
    }

    /// Each group that uses GDS needs a `/dev/nvidia-fs*` device, and a disk tier on a
    /// block filesystem: GDS cannot do direct I/O to `tmpfs` or `ramfs`.
    pub(in crate::preflight) fn gds(&mut self) {
        for group in 0..self.groups.len() {
            if !self.groups[group].allocates_tiers() {
                continue;
            }
            let Some(key) = self.gds_key(group) else {
                continue;
            };
            if self.host.gds.devices.is_empty() {
                self.no_gds_device(group, key);
            }
            if let Some(name) = self.disk_on_memory(group) {
                let message = format!(
                    "GPUDirect Storage is on ({key}) but `cache.disk.storage_path` is on a {name}, which GDS cannot do direct I/O to; put the disk tier on a local block filesystem (ext4, xfs) or turn GDS off"
                );
                let fact = format!("filesystem {name}");
                self.push(Severity::Warning, "gds", group, key, fact, message);
            }
        }
    }

    fn no_gds_device(&mut self, group: usize, key: &'static str) {
        let cufile = match &self.host.gds.cufile_json {
            Some(path) => format!(
                " ({} was found, but it does not make a device)",
                path.display()
            ),
            None => String::new(),
        };
        let message = format!(
            "GPUDirect Storage is on ({key}) but {} has no /dev/nvidia-fs* device{cufile}; transfers would fall back or fail: load the nvidia-fs driver and expose its devices, or turn GDS off",
            self.host.called()
        );
        self.push(
            Severity::Warning,
            "gds",
            group,
            key,
            "no GDS device".into(),
            message,
        );
    }
}
