//! Sizes that came from KVBM v1 variables, which were totals across the workers.

use super::*;

impl Run<'_> {
    pub(in crate::preflight) fn v1_sizes(&mut self) {
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
                let per_worker = gb / workers as f64;
                let message = format!(
                    "came from {var}: {}; {gb} GB across {workers} workers is {per_worker:.3} GB per worker: to keep v1's total, set `{key}` ({}) to {per_worker:.3}",
                    crate::load::v1::PER_WORKER_NOTE,
                    crate::registry::setting(key).map_or("", |s| s.env),
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
