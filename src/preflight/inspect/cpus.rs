//! Thread counts of every process against the CPUs the host gives them.

use super::*;

impl Run<'_> {
    /// Threads of every process against the usable CPUs. A value set above the usable
    /// CPUs is a warning; a total above them is `info` (threads of many processes are
    /// often idle), with the way to set it.
    pub(in crate::preflight) fn cpus(&mut self) {
        let keys: [(&str, ThreadsOf); 2] = [
            (crate::key::tokio::WORKER_THREADS, |l| {
                l.config.tokio.worker_threads
            }),
            (crate::key::rayon::NUM_THREADS, |l| {
                l.config.rayon.num_threads
            }),
        ];
        let Some(usable) = self.host.cpus.usable() else {
            if let Some(group) = (0..self.groups.len())
                .find(|g| !keys.iter().all(|(k, _)| self.groups[*g].is_default(k)))
            {
                self.could_not_check("cpu", group, keys[0].0, "the usable CPU count is unknown");
            }
            return;
        };
        for (key, threads_of) in keys {
            let mut warned = false;
            for group in 0..self.groups.len() {
                let threads = threads_of(self.groups[group].loaded);
                if threads > usable && !self.groups[group].is_default(key) {
                    let env = self.variable_of(group, key);
                    let message = format!(
                        "{threads} threads per process on {usable} usable CPUs of {}; set `{key}` ({env}) to at most {usable}",
                        self.host.called()
                    );
                    self.push(
                        Severity::Warning,
                        "cpu",
                        group,
                        key,
                        format!("{usable} usable CPUs"),
                        message,
                    );
                    warned = true;
                }
            }
            let total = self.groups.iter().fold(0u64, |sum, g| {
                sum.saturating_add((threads_of(g.loaded) as u64).saturating_mul(g.count))
            });
            // Defaults never raise a finding: the total of default thread counts is
            // tokio's and Rayon's own choice, not the operator's.
            let set_somewhere = (0..self.groups.len()).any(|g| !self.groups[g].is_default(key));
            if warned || total <= usable as u64 || !set_somewhere {
                continue;
            }
            let main = (0..self.groups.len())
                .max_by_key(|g| self.groups[*g].count)
                .unwrap_or(0);
            let what = self
                .groups
                .iter()
                .map(|g| format!("{} × {}", g.processes(), threads_of(g.loaded)))
                .collect::<Vec<_>>()
                .join(" + ");
            let env = self.variable_of(main, key);
            let message = format!(
                "{what} = {total} threads on {usable} usable CPUs; set `{key}` ({env}) to bound each process"
            );
            self.push(
                Severity::Info,
                "cpu",
                main,
                key,
                format!("{usable} usable CPUs"),
                message,
            );
        }
    }
}
