//! The checks: each compares settings of the loaded configs of a node with a host fact.
//!
//! A node runs groups of processes ([`Processes`]): one leader, N workers. Sizes and
//! threads add up over every process; a finding names the group whose setting it is about.
//! A fact that could not be read gives `info: could not check`, never an error: the gate
//! must not fail on what it does not know, nor pass in silence.

use super::*;

mod cpus;
mod discovery;
mod disk;
mod gds;
mod memlock;
mod memory;
mod ports;
mod v1;

/// One group of processes as the checks see it.
struct Group<'a> {
    role: Option<Role>,
    count: u64,
    loaded: &'a Loaded,
    settings: BTreeMap<String, (Option<String>, Source)>,
}

impl Group<'_> {
    /// "8 workers", "1 leader".
    fn processes(&self) -> String {
        let noun = match self.role {
            Some(Role::Leader) => "leader",
            _ => "worker",
        };
        match self.count {
            1 => format!("1 {noun}"),
            n => format!("{n} {noun}s"),
        }
    }

    /// Whether these processes allocate the cache tiers: the workers do (each its own
    /// `cache_size_gb`); the leader coordinates and allocates none.
    fn allocates_tiers(&self) -> bool {
        self.role != Some(Role::Leader)
    }

    /// Whether `key` has its default value in this group's config.
    fn is_default(&self, key: &str) -> bool {
        matches!(self.loaded.report.origin(key), Source::Default)
    }
}

pub(super) struct Run<'a> {
    groups: Vec<Group<'a>>,
    host: &'a mut Host,
    block_bytes: Option<u64>,
    pub(super) found: Vec<Finding>,
}

/// The thread count of a config that a CPU check reads.
type ThreadsOf = fn(&Loaded) -> usize;

/// A tier's size as the checks see it.
#[derive(Clone, Copy)]
enum TierSize {
    None,
    Bytes(u64),
    /// Sized by blocks, and no block size was given.
    Unknown,
}

/// What a directory the config names needs on this host, and what it is.
enum DirectoryVerdict {
    Usable,
    WillBeCreated,
    Unusable(&'static str, String),
    Unknown,
}

impl<'a> Run<'a> {
    pub(super) fn new(
        processes: &[Processes<'a>],
        host: &'a mut Host,
        block_bytes: Option<u64>,
    ) -> Run<'a> {
        let groups = processes
            .iter()
            .map(|p| Group {
                role: p.role,
                count: u64::from(p.count.max(1)),
                loaded: p.loaded,
                settings: p
                    .loaded
                    .entries()
                    .into_iter()
                    .map(|e| (e.key, (e.value, e.source)))
                    .collect(),
            })
            .collect();
        Run {
            groups,
            host,
            block_bytes,
            found: Vec::new(),
        }
    }

    fn push(
        &mut self,
        severity: Severity,
        check: &'static str,
        group: usize,
        key: &str,
        fact: String,
        message: String,
    ) {
        let group = &self.groups[group];
        let (value, source) = group
            .settings
            .get(key)
            .cloned()
            .unwrap_or((None, group.loaded.report.origin(key)));
        let role = match self.groups.len() {
            1 => None,
            _ => group.role,
        };
        self.found.push(Finding {
            severity,
            check,
            role,
            key: key.to_string(),
            value,
            source,
            host_fact: fact,
            message,
        });
    }

    fn could_not_check(&mut self, check: &'static str, group: usize, key: &str, what: &str) {
        let message = format!("could not check: {what}");
        self.push(
            Severity::Info,
            check,
            group,
            key,
            UNKNOWN_FACT.into(),
            message,
        );
    }

    fn tier_size(&self, sizing: TierSizing) -> TierSize {
        match (sizing.num_blocks, self.block_bytes, sizing.cache_size_gb) {
            (Some(blocks), Some(bytes), _) => {
                TierSize::Bytes((blocks as u64).saturating_mul(bytes))
            }
            (Some(_), None, _) => TierSize::Unknown,
            (None, _, Some(gb)) => TierSize::Bytes((gb * BYTES_PER_GB) as u64),
            (None, _, None) => TierSize::None,
        }
    }

    fn sizing(&self, group: usize, tier: CacheTier) -> TierSizing {
        self.groups[group].loaded.config.cache.tier(tier)
    }

    /// A group's `cache.disk.storage_path`.
    fn storage_path(&self, group: usize) -> Option<PathBuf> {
        self.groups[group]
            .loaded
            .config
            .cache
            .disk
            .storage_path
            .clone()
    }

    /// The memory filesystem (`tmpfs`, `ramfs`) a group's disk tier is on, if any.
    fn disk_on_memory(&mut self, group: usize) -> Option<&'static str> {
        let path = self.storage_path(group)?;
        match self.host.path(&path)?.fs? {
            FsKind::Tmpfs => Some("tmpfs"),
            FsKind::Ramfs => Some("ramfs"),
            _ => None,
        }
    }

    /// The variable that sets `key` in a group's config: the one its value came from, else
    /// the setting's own (`KVBM_…`), so advice names what the operator wrote.
    fn variable_of(&self, group: usize, key: &str) -> String {
        match self.groups[group].loaded.report.origin(key) {
            Source::Env { var } => crate::secret::escape_terminal(&var).into_owned(),
            _ => crate::registry::setting(key).map_or_else(String::new, |s| s.env.to_string()),
        }
    }

    /// What to change so that `total` bytes of a tier over every process fit in `room`:
    /// the largest value of the `main` group's sizing key (`cache_size_gb` or
    /// `num_blocks`) that fits beside the other groups' tiers, with its variable.
    fn largest_that_fits(
        &self,
        main: usize,
        tier: CacheTier,
        main_bytes: u64,
        total: u64,
        room: u64,
    ) -> String {
        let group = &self.groups[main];
        let others = total.saturating_sub(main_bytes.saturating_mul(group.count));
        let per_process = room.saturating_sub(others) / group.count.max(1);
        let sizing = self.sizing(main, tier);
        let key = sizing.sizing_key();
        if per_process == 0 {
            return format!(
                "even `{key}` = 0 would not fit: lower the other tiers counted here first"
            );
        }
        let env = self.variable_of(main, key);
        let noun = match group.role {
            Some(Role::Leader) => "the leader",
            _ => "each worker",
        };
        let value = match (sizing.num_blocks, self.block_bytes) {
            (Some(_), Some(block)) if block > 0 => format!("{} blocks", per_process / block),
            (Some(_), _) => return format!("lower `{key}` ({env})"),
            // Rounded down to 0.01 GB, so the advice fits.
            (None, _) => format!(
                "{:.2} GB ({:.2} GiB)",
                (per_process as f64 / 1e7).floor() / 100.0,
                (per_process as f64 / (1u64 << 30) as f64 * 100.0).floor() / 100.0
            ),
        };
        format!("set `{key}` ({env}) to at most {value} for {noun}")
    }

    /// The load's own warnings: `--strict` fails on them as `check --strict` does.
    /// A warning every group's load gives (an unknown variable, read by each role) is one
    /// finding, without a role.
    pub(super) fn config_warnings(&mut self) {
        let everywhere = |warning: &Warning| {
            self.groups
                .iter()
                .all(|g| g.loaded.report.warnings().contains(warning))
        };
        for (index, group) in self.groups.iter().enumerate() {
            for warning in group.loaded.report.warnings() {
                let shared = everywhere(warning);
                if shared && index > 0 {
                    continue;
                }
                let role = match shared || self.groups.len() == 1 {
                    true => None,
                    false => group.role,
                };
                self.found.push(Finding::from_warning(warning, role));
            }
        }
    }
}
