//! GPUDirect Storage: what GDS needs of the host when the config uses it.

use super::*;

impl Run<'_> {
    pub(in crate::preflight) fn gds(&mut self) {
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
}
