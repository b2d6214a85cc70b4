//! Locked memory for RDMA: UCX registers (pins) the G2 tier to send it over an RDMA
//! device, and `RLIMIT_MEMLOCK` bounds what a process may pin. Hosts without an RDMA device
//! send over TCP and pin nothing, so they get no finding.

use super::*;
use crate::nixl::NixlBackend;

impl Run<'_> {
    /// Each worker group whose G2 tier UCX would pin, against the locked-memory limit.
    pub(in crate::preflight) fn memlock(&mut self) {
        let rdma = self.host.rdma.clone();
        if rdma.devices.as_ref().is_some_and(Vec::is_empty) {
            return;
        }
        for group in 0..self.groups.len() {
            if !self.groups[group].allocates_tiers() || !self.pins_memory(group) {
                continue;
            }
            let sizing = self.sizing(group, CacheTier::Host);
            let TierSize::Bytes(g2) = self.tier_size(sizing) else {
                continue;
            };
            let key = sizing.sizing_key();
            let (Some(devices), Some(limit)) = (&rdma.devices, rdma.memlock) else {
                let what = format!(
                    "the RDMA devices or the locked-memory limit of {} are unknown",
                    self.host.called()
                );
                self.could_not_check("memlock", group, key, &what);
                continue;
            };
            let Limit::Bytes(limit) = limit else {
                continue;
            };
            if limit >= g2 {
                continue;
            }
            let message = format!(
                "UCX pins the {} G2 tier of each worker to send it over RDMA ({}), but RLIMIT_MEMLOCK is {}: registration would fail or fall back; raise it to unlimited (`ulimit -l unlimited` in the launcher, `--ulimit memlock=-1` for docker, or the runtime's default ulimits for pods), or lower `{key}`",
                bytes_text(g2),
                devices.join(", "),
                bytes_text(limit)
            );
            let fact = format!("RLIMIT_MEMLOCK {}", bytes_text(limit));
            self.push(Severity::Warning, "memlock", group, key, fact, message);
        }
    }

    /// Whether a group's NixL backends pin memory for RDMA (UCX).
    fn pins_memory(&self, group: usize) -> bool {
        let backends = &self.groups[group].loaded.config.nixl.backends;
        backends
            .keys()
            .any(|name| NixlBackend::from_name(name).pins_memory())
    }
}
