//! The G2 memory check: every process's host tier (and a disk tier on a memory
//! filesystem) against the memory limit of the host.

use super::*;

impl Run<'_> {
    pub(in crate::preflight) fn memory(&mut self) {
        // (group, bytes of one process, of its host tier alone, the words for them)
        let mut parts: Vec<(usize, u64, u64, String)> = Vec::new();
        for group in 0..self.groups.len() {
            if !self.groups[group].allocates_tiers() {
                continue;
            }
            let host_sizing = self.sizing(group, CacheTier::Host);
            let host = match self.tier_size(host_sizing) {
                TierSize::Unknown => {
                    self.block_size_unknown(group, host_sizing, "g2-memory", "its memory");
                    0
                }
                TierSize::Bytes(bytes) => bytes,
                TierSize::None => 0,
            };
            let disk = match (
                self.tier_size(self.sizing(group, CacheTier::Disk)),
                self.disk_on_memory(group),
            ) {
                (TierSize::Bytes(bytes), Some(_)) => bytes,
                _ => 0,
            };
            let words = match disk {
                0 => bytes_text(host),
                _ => format!(
                    "({} host tier + {} disk tier on a memory filesystem)",
                    bytes_text(host),
                    bytes_text(disk)
                ),
            };
            let bytes = host.saturating_add(disk);
            if bytes > 0 {
                parts.push((group, bytes, host, words));
            }
        }
        let total = parts.iter().fold(0u64, |sum, (group, bytes, _, _)| {
            sum.saturating_add(bytes.saturating_mul(self.groups[*group].count))
        });
        let Some(&(main, _, main_host, _)) = parts
            .iter()
            .max_by_key(|(group, bytes, _, _)| bytes.saturating_mul(self.groups[*group].count))
        else {
            return;
        };
        let key = self.sizing(main, CacheTier::Host).sizing_key();
        let Some(limit) = self.host.memory.effective_limit() else {
            self.could_not_check("g2-memory", main, key, "the memory limit is unknown");
            return;
        };
        let what = parts
            .iter()
            .map(|(group, _, _, words)| format!("{} × {words}", self.groups[*group].processes()))
            .collect::<Vec<_>>()
            .join(" + ");
        let limit_fact = format!("memory limit {}", bytes_text(limit));
        if total > limit {
            let fix = self.largest_that_fits(main, CacheTier::Host, main_host, total, limit);
            let message = format!(
                "{what} = {} exceeds the memory limit of {}; the processes would be killed for lack of memory; {fix}",
                bytes_text(total),
                bytes_text(limit)
            );
            self.push(Severity::Error, "g2-memory", main, key, limit_fact, message);
        } else if total as f64 > MEMORY_WARNING_SHARE * limit as f64 {
            let room = (MEMORY_WARNING_SHARE * limit as f64) as u64;
            let fix = self.largest_that_fits(main, CacheTier::Host, main_host, total, room);
            let message = format!(
                "{what} = {} is above 90% of the memory limit of {}, leaving the processes little else; {fix}",
                bytes_text(total),
                bytes_text(limit)
            );
            self.push(
                Severity::Warning,
                "g2-memory",
                main,
                key,
                limit_fact,
                message,
            );
        } else if let Some(available) = self.host.memory.available.filter(|a| total > *a) {
            let message = format!(
                "{what} = {} is more than the memory available now, {}",
                bytes_text(total),
                bytes_text(available)
            );
            let fact = format!("MemAvailable {}", bytes_text(available));
            self.push(Severity::Warning, "g2-memory", main, key, fact, message);
        }
    }

    /// A tier sized by `num_blocks` with no `--block-bytes`: named, never skipped in silence.
    pub(super) fn block_size_unknown(
        &mut self,
        group: usize,
        sizing: TierSizing,
        check: &'static str,
        what: &str,
    ) {
        let message =
            format!("is sized by blocks and no --block-bytes was given, so {what} was not checked: pass --block-bytes (the bytes of one KV block)");
        let key = sizing.tier.blocks_key();
        self.push(
            Severity::Warning,
            check,
            group,
            key,
            "block size unknown".into(),
            message,
        );
    }
}
