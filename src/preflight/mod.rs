//! Preflight: does a valid config fit the host that will run it?
//!
//! A config can load and still fail on the machine: eight workers of 64 GB each in a pod
//! with a 256 GB limit, a disk tier larger than the free space or on a tmpfs, an interface
//! the pod does not have, a port already taken. [`run`] compares a loaded config with a
//! [`Host`] (the facts of the machine) and returns [`Finding`]s, each naming the setting,
//! its value, where the value came from and the host fact it was compared with.
//!
//! [`Host::probe`] reads the real machine (`/proc/meminfo`, the smallest cgroup limits from
//! this process's cgroup up to the root, the CPU affinity, `statvfs`/`statfs` through
//! `rustix`, the interfaces with and without addresses, a bind of the port, the GDS device
//! nodes); [`Host::from_json`] reads another machine's facts. Every fact is a plain field
//! or an injected answer, so tests build a `Host` by hand. Nothing is sent over a network:
//! binding a port is the only probe. A fact that is unknown gives `info: could not check`.
//!
//! Sizes are per process: [`run_node`] adds them up over the processes of a node (one
//! leader, N workers), [`run`] over `workers` processes of one config. GB means 10⁹ bytes;
//! messages give GiB too.
//!
//! Files: `host.rs` holds the host facts, `probe.rs` reads them from this machine, and
//! `inspect.rs` holds the checks that compare them with a config.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};

use serde::Serialize;

use serde::Deserialize;

use crate::cache::{CacheTier, TierSizing, BYTES_PER_GB};
use crate::error::{Problem, Warning};
use crate::nova::DiscoveryConfig;
use crate::source::{Role, Source};
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

/// The host fact of a finding whose fact is unknown ("could not check").
pub(crate) const UNKNOWN_FACT: &str = "unknown";

/// One result of a preflight check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// How bad it is.
    pub severity: Severity,
    /// The check that found it (`config`, `agreement`, `g2-memory`, `g3-disk`, `gds`, `cpu`,
    /// `network`, `discovery`, `v1-size`, and `reach` with `--network`). `config` is the
    /// load itself: its problems (an invalid config) and its warnings; `agreement` a
    /// must-agree setting the leader and the workers disagree on.
    pub check: &'static str,
    /// The processes it is about, when the node runs several kinds (`--role all`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// The dotted key of the setting (or the variable, for a warning about one).
    pub key: String,
    /// Its value as TOML writes it (credentials redacted), if set. `--format json` writes
    /// it as the JSON value it is (`8`, `["a"]`), not as text.
    #[serde(serialize_with = "value_as_json")]
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

/// A value as TOML writes it, serialized as the same value in JSON; text that is not a
/// TOML value stays a string.
fn value_as_json<S: serde::Serializer>(
    value: &Option<String>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let json = value.as_deref().map(|text| {
        text.parse::<toml_edit::Value>()
            .map(|value| toml_to_json(&value))
            .unwrap_or_else(|_| serde_json::Value::String(text.to_string()))
    });
    serde::Serialize::serialize(&json, serializer)
}

/// A TOML value as JSON (a date-time as its text).
fn toml_to_json(value: &toml_edit::Value) -> serde_json::Value {
    use serde_json::Value as Json;
    match value {
        toml_edit::Value::String(s) => Json::String(s.value().clone()),
        toml_edit::Value::Integer(i) => Json::from(*i.value()),
        toml_edit::Value::Float(f) => serde_json::Number::from_f64(*f.value())
            .map_or_else(|| Json::String(f.value().to_string()), Json::Number),
        toml_edit::Value::Boolean(b) => Json::Bool(*b.value()),
        toml_edit::Value::Datetime(d) => Json::String(d.value().to_string()),
        toml_edit::Value::Array(items) => items.iter().map(toml_to_json).collect(),
        toml_edit::Value::InlineTable(table) => Json::Object(
            table
                .iter()
                .map(|(key, value)| (key.to_string(), toml_to_json(value)))
                .collect(),
        ),
    }
}

impl Finding {
    /// A problem of a config that did not load, as a finding of the `config` check, so that
    /// a machine reading `--format json` sees why the config cannot be used.
    pub fn from_problem(problem: &Problem, role: Option<Role>) -> Finding {
        Finding {
            severity: Severity::Error,
            check: "config",
            role,
            key: problem.key.clone(),
            value: problem.value.clone(),
            source: problem.source.clone(),
            host_fact: String::new(),
            message: problem.message.clone(),
        }
    }

    /// A must-agree setting that differs between the leader's and the workers' configs, as
    /// an error of the `agreement` check.
    pub fn from_disagreement(disagreement: &crate::agreement::Disagreement) -> Finding {
        let shown = |value: &Option<String>| value.clone().unwrap_or_else(|| "unset".into());
        Finding {
            severity: Severity::Error,
            check: "agreement",
            role: Some(Role::Worker),
            key: disagreement.key.to_string(),
            value: disagreement.values[1].clone(),
            source: disagreement.sources[1].clone(),
            host_fact: String::new(),
            message: format!(
                "must be the same in every process, but the leader has {} ({})",
                shown(&disagreement.values[0]),
                disagreement.sources[0]
            ),
        }
    }

    /// Whether the check could not be made because a host fact is unknown (an `info`
    /// that `--strict` fails: a gate must not pass on what it does not know).
    pub fn is_unchecked(&self) -> bool {
        self.host_fact == UNKNOWN_FACT
    }

    /// A warning of the load, as a finding of the `config` check.
    pub fn from_warning(warning: &Warning, role: Option<Role>) -> Finding {
        Finding {
            severity: Severity::Warning,
            check: "config",
            role,
            key: warning.key.clone(),
            value: None,
            source: warning.source.clone(),
            host_fact: String::new(),
            message: warning.message.clone(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.severity)?;
        if let Some(role) = self.role {
            write!(f, "[{role}] ")?;
        }
        crate::error::write_entry(
            f,
            &self.key,
            &self.message,
            self.value.as_deref(),
            &self.source,
        )
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

/// Processes of one node that run the same config: the leader (one), or the workers.
#[derive(Debug, Clone, Copy)]
pub struct Processes<'a> {
    /// Their role, if the config was loaded for one.
    pub role: Option<Role>,
    /// How many run on the node.
    pub count: u32,
    /// Their config.
    pub loaded: &'a Loaded,
}

/// Share of the memory limit above which the G2 tier gets a warning.
const MEMORY_WARNING_SHARE: f64 = 0.9;

/// `64.0 GB (59.6 GiB)`; sizes below 1 keep three significant digits (`0.00410 GB`), so
/// two different sizes never print alike as `0.0 GB`.
fn bytes_text(bytes: u64) -> String {
    format!(
        "{} GB ({} GiB)",
        significant(bytes as f64 / 1e9),
        significant(bytes as f64 / (1u64 << 30) as f64)
    )
}

/// A number with one decimal, or three significant digits below 1.
fn significant(number: f64) -> String {
    if number == 0.0 || number >= 1.0 {
        return format!("{number:.1}");
    }
    let decimals = (2 - number.log10().floor() as i32).clamp(1, 12) as usize;
    format!("{number:.decimals$}")
}

/// Checks `loaded` against `host`, for `options.workers` processes that each run it;
/// findings are sorted errors first, then by key. The load's own warnings are findings of
/// the `config` check.
pub fn run(loaded: &Loaded, host: &mut Host, options: Options) -> Vec<Finding> {
    let processes = Processes {
        role: None,
        count: options.workers.max(1),
        loaded,
    };
    run_node(&[processes], host, options.block_bytes)
}

/// Checks a whole node against `host`: every kind of process it runs (one leader and its
/// workers, for `--role all`), their memory, disk and threads added up, each counted as
/// many times as it runs.
pub fn run_node(
    processes: &[Processes<'_>],
    host: &mut Host,
    block_bytes: Option<u64>,
) -> Vec<Finding> {
    let mut run = inspect::Run::new(processes, host, block_bytes);
    run.config_warnings();
    run.memory();
    run.disk();
    run.gds();
    run.memlock();
    run.cpus();
    run.network();
    run.discovery();
    run.v1_sizes();
    let mut found = run.found;
    found.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.key.cmp(&b.key))
            .then_with(|| a.role.cmp(&b.role))
    });
    found
}

/// Checks one node that runs each role of `loaded` (the leader once, `options.workers`
/// workers; a config without a role counts as the workers): every check of
/// [`run_node`], and, when both the leader and the workers are given, each must-agree
/// setting they disagree on, as an error of the `agreement` check. The command's
/// `preflight` and the Python package's call this.
pub fn run_roles(
    loaded: &[(Option<Role>, &Loaded)],
    host: &mut Host,
    options: Options,
) -> Vec<Finding> {
    let processes: Vec<Processes<'_>> = loaded
        .iter()
        .map(|(role, loaded)| Processes {
            role: *role,
            count: match role {
                Some(Role::Leader) => 1,
                _ => options.workers.max(1),
            },
            loaded,
        })
        .collect();
    let mut findings = run_node(&processes, host, options.block_bytes);
    if let [(_, leader), (_, worker)] = loaded {
        let disagreements = crate::agreement::disagreements(leader, worker);
        findings.splice(0..0, disagreements.iter().map(Finding::from_disagreement));
    }
    findings
}

mod host;
mod inspect;
#[cfg(feature = "network")]
mod network;
mod probe;

pub use host::*;
#[cfg(feature = "network")]
#[cfg_attr(docsrs, doc(cfg(feature = "network")))]
pub use network::{reach, reach_all};

#[cfg(test)]
mod tests {
    use super::probe::{cgroup_cpu_quota, cgroup_memory_limit, parse_limit, parse_quota};
    use std::path::Path;

    #[test]
    fn cgroup_limits_parse_and_max_means_none() {
        assert_eq!(parse_limit("max\n"), None);
        assert_eq!(parse_limit("9223372036854771712\n"), None);
        assert_eq!(parse_limit("8589934592\n"), Some(8 << 30));
        assert_eq!(parse_quota("200000", "100000"), Some(2.0));
        assert_eq!(parse_quota("max", "100000"), None);
        assert_eq!(parse_quota("-1", "100000"), None);
    }

    fn write(root: &Path, relative: &str, text: &str) {
        let path = root.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn a_v2_limit_on_an_ancestor_counts_and_the_smallest_wins() {
        let tree = tempfile::tempdir().unwrap();
        let root = tree.path();
        let own = "0::/slurm/job_7/step_0\n";
        // The leaf and the step are unlimited; the job has the limit (a Slurm job).
        write(root, "slurm/job_7/step_0/memory.max", "max\n");
        write(root, "slurm/job_7/memory.max", "8589934592\n");
        write(root, "slurm/memory.max", "17179869184\n");
        write(root, "slurm/job_7/step_0/cpu.max", "max 100000\n");
        write(root, "slurm/job_7/cpu.max", "300000 100000\n");
        write(root, "slurm/cpu.max", "150000 100000\n");
        assert_eq!(cgroup_memory_limit(own, root), Some(8 << 30));
        assert_eq!(cgroup_cpu_quota(own, root), Some(1.5));
        // No level sets one: unlimited.
        let empty = tempfile::tempdir().unwrap();
        write(empty.path(), "a/memory.max", "max\n");
        assert_eq!(cgroup_memory_limit("0::/a\n", empty.path()), None);
        assert_eq!(cgroup_cpu_quota("0::/a\n", empty.path()), None);
    }

    #[test]
    fn a_v1_hierarchical_limit_and_per_level_quotas_count() {
        let tree = tempfile::tempdir().unwrap();
        let root = tree.path();
        let own = "5:memory:/kubepods/pod1\n4:cpu,cpuacct:/kubepods/pod1\n";
        write(
            root,
            "memory/kubepods/pod1/memory.limit_in_bytes",
            "9223372036854771712\n",
        );
        write(
            root,
            "memory/kubepods/pod1/memory.stat",
            "cache 0\nhierarchical_memory_limit 4294967296\n",
        );
        write(root, "cpu,cpuacct/kubepods/pod1/cpu.cfs_quota_us", "-1\n");
        write(
            root,
            "cpu,cpuacct/kubepods/pod1/cpu.cfs_period_us",
            "100000\n",
        );
        write(root, "cpu,cpuacct/kubepods/cpu.cfs_quota_us", "400000\n");
        write(root, "cpu,cpuacct/kubepods/cpu.cfs_period_us", "100000\n");
        assert_eq!(cgroup_memory_limit(own, root), Some(4 << 30));
        assert_eq!(cgroup_cpu_quota(own, root), Some(4.0));
    }
}
