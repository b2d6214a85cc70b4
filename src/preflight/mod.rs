//! Preflight: does a valid config fit the host that will run it?
//!
//! A config can load and still fail on the machine: eight workers of 64 GB each in a pod
//! with a 256 GB limit, a disk tier larger than the free space or on a tmpfs, an interface
//! the pod does not have, a port already taken. [`run`] compares a loaded config with a
//! [`Host`] (the facts of the machine) and returns [`Finding`]s, each naming the setting,
//! its value, where the value came from and the host fact it was compared with.
//!
//! [`Host::probe`] reads the real machine (`/proc/meminfo`, the cgroup limits, the CPU
//! affinity, `statvfs`/`statfs` through `rustix`, the interfaces, a bind of the port, the
//! GDS driver). Every fact is a plain field or an injected answer, so tests build a `Host`
//! by hand. Nothing is sent over a network: binding a port is the only probe.
//!
//! Sizes are per worker process: `workers` is how many KVBM workers on this node each
//! allocate the tier sizes. GB means 10⁹ bytes; messages give GiB too.
//!
//! Files: `host.rs` holds the host facts, `probe.rs` reads them from this machine, and
//! `inspect.rs` holds the checks that compare them with a config.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cache::{CacheTier, TierSizing, BYTES_PER_GB};
use crate::nova::DiscoveryConfig;
use crate::source::Source;
use crate::Loaded;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing to fix (a cache directory that will be created).
    Info,
    /// Will probably hurt (memory nearly full, a tmpfs disk tier, oversubscribed CPUs).
    Warning,
    /// Will fail at start-up or soon after (out of memory or disk, a port taken).
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One result of a preflight check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// How bad it is.
    pub severity: Severity,
    /// The check that found it (`g2-memory`, `g3-disk`, `gds`, `cpu`, `network`,
    /// `discovery`, `v1-size`).
    pub check: &'static str,
    /// The dotted key of the setting.
    pub key: String,
    /// Its value as TOML writes it (credentials redacted), if set.
    pub value: Option<String>,
    /// Where the value came from, as in the load report.
    #[serde(serialize_with = "display")]
    pub source: Source,
    /// The host fact it was compared with.
    pub host_fact: String,
    /// What is wrong, with both numbers.
    pub message: String,
}

fn display<S: serde::Serializer>(source: &Source, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(source)
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {} (", self.severity, self.key, self.message)?;
        if let Some(value) = &self.value {
            write!(f, "{value}, ")?;
        }
        write!(f, "{})", self.source)
    }
}

/// What the checks need beyond the config and the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// KVBM worker processes on this node, each allocating the tier sizes. At least 1.
    pub workers: u32,
    /// Bytes of one KV block, to size a tier given by `num_blocks`.
    pub block_bytes: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            workers: 1,
            block_bytes: None,
        }
    }
}

/// Share of the memory limit above which the G2 tier gets a warning.
const MEMORY_WARNING_SHARE: f64 = 0.9;

/// `64.0 GB (59.6 GiB)`.
fn bytes_text(bytes: u64) -> String {
    format!(
        "{:.1} GB ({:.1} GiB)",
        bytes as f64 / 1e9,
        bytes as f64 / (1u64 << 30) as f64
    )
}

/// Checks `loaded` against `host`; findings are sorted errors first, then by key.
pub fn run(loaded: &Loaded, host: &mut Host, options: Options) -> Vec<Finding> {
    let mut run = inspect::Run {
        loaded,
        host,
        options: Options {
            workers: options.workers.max(1),
            ..options
        },
        settings: loaded
            .entries()
            .into_iter()
            .map(|e| (e.key, (e.value, e.source)))
            .collect(),
        found: Vec::new(),
    };
    run.memory();
    run.disk();
    run.gds();
    run.cpus();
    run.network();
    run.discovery();
    run.v1_sizes();
    let mut found = run.found;
    found.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.key.cmp(&b.key)));
    found
}

mod host;
mod inspect;
mod probe;

pub use host::*;

#[cfg(test)]
mod tests {
    use super::probe::{parse_limit, parse_quota};

    #[test]
    fn cgroup_limits_parse_and_max_means_none() {
        assert_eq!(parse_limit("max\n"), None);
        assert_eq!(parse_limit("9223372036854771712\n"), None);
        assert_eq!(parse_limit("8589934592\n"), Some(8 << 30));
        assert_eq!(parse_quota("200000", "100000"), Some(2.0));
        assert_eq!(parse_quota("max", "100000"), None);
        assert_eq!(parse_quota("-1", "100000"), None);
    }
}
