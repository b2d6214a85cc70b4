//! `kvbm-config`: show, check and explain the KVBM configuration of a pod, without Rust.
//!
//! ```text
//! kvbm-config --role leader --json extra_config.json show --origin
//! kvbm-config --role all check --strict        # in a CI job or an init container
//! kvbm-config explain cache.host.cache_size_gb
//! ```
//!
//! It reads the same sources as a KVBM process (the system file, `KVBM_CONFIG_PATH`, the
//! `KVBM_*` and `DYN_KVBM_*` variables, and the JSON given with `--json`); the options
//! replace or drop any of them. Exit codes: 0 success, 1 an invalid config, 2 a usage error.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use kvbm_config::registry::{self, Setting};
use kvbm_config::{ConfigError, Loaded, Loader, Role, SYSTEM_CONFIG_PATH};

mod check;
mod diff;
mod env;
mod explain;
mod output;
mod preflight;
mod show;

use check::{check, digest};
use diff::diff;
use env::env_table;
use explain::explain;
use output::{safe_output, write_out, Ui};
use preflight::{preflight, PreflightChecks};
use show::show;

#[derive(Parser)]
#[command(
    name = "kvbm-config",
    version,
    about = "Show, check and explain KVBM configuration"
)]
struct Cli {
    #[command(flatten)]
    sources: Sources,
    #[command(subcommand)]
    command: Command,
}

/// Where the configuration comes from.
#[derive(Args)]
struct Sources {
    /// Apply the profile tables of this role; `all` does each role in turn.
    #[arg(long, value_enum, global = true)]
    role: Option<RoleArg>,
    /// The vLLM `kv_connector_extra_config` JSON document; `-` reads standard input.
    #[arg(long, value_name = "FILE|-", global = true)]
    json: Option<String>,
    /// In a vLLM MultiConnector document, the `kv_connector` whose entry holds KVBM's
    /// settings (default: the one under the `kvbm` module, or named like KVBM's).
    #[arg(long, value_name = "NAME", global = true)]
    connector: Option<String>,
    /// Read this file as the user config, instead of the one `KVBM_CONFIG_PATH` names.
    #[arg(long, value_name = "FILE", global = true)]
    config: Option<PathBuf>,
    /// Read this file as the system config, instead of /opt/dynamo/etc/kvbm.toml.
    #[arg(long, value_name = "FILE", global = true)]
    system_file: Option<PathBuf>,
    /// Read no system config file at all.
    #[arg(long, global = true, conflicts_with = "system_file")]
    no_system_file: bool,
    /// Ignore the process environment (KVBM_*, DYN_KVBM_* and KVBM_CONFIG_PATH).
    #[arg(long, global = true)]
    no_env: bool,
    /// A top-level table of another crate kept in the same files (e.g. `metrics`): left
    /// alone, as `Loader::foreign_section` does. Repeat for several.
    #[arg(long = "foreign-section", value_name = "NAME", global = true)]
    foreign_sections: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RoleArg {
    Leader,
    Worker,
    All,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Toml,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Print the effective config (credentials redacted).
    Show {
        /// Output format.
        #[arg(long, value_enum, default_value = "toml")]
        format: Format,
        /// Print every setting with the source of its value instead.
        #[arg(long)]
        origin: bool,
    },
    /// Check the config: exit 0 when valid (warnings printed), 1 listing every problem.
    Check {
        /// Fail on warnings too.
        #[arg(long)]
        strict: bool,
    },
    /// Explain one setting: doc, type, default, variable, constraint and current value.
    Explain {
        /// A dotted key (`tokio.worker_threads`) or its variable (`KVBM_TOKIO_WORKER_THREADS`).
        key: String,
    },
    /// List every KVBM variable with its key, default and current value.
    Env,
    /// Print a commented TOML file of every setting with its default.
    Template,
    /// Print the JSON Schema of config files and of the vLLM JSON document.
    Schema,
    /// Print a shell completion script (install it as the README says).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `kvbm-config man > kvbm-config.1`.
    Man,
    /// Print the agreement digest: a hash of the settings every process of a deployment
    /// must share (the leader and the workers, on every node compare it).
    Digest,
    /// List the settings whose values differ between two `show --format json` outputs
    /// (`-` for standard input; `--origin` and `--role all` output too); exit 1 when one
    /// that must agree differs, 2 when an input is not `show`'s.
    Diff {
        /// The first effective config.
        left: String,
        /// The second effective config.
        right: String,
    },
    /// Check the config against this host: memory, disk, CPUs, network, GDS, discovery.
    ///
    /// Exit 0 when nothing is an error (warnings are printed), 1 on an error, a warning
    /// under --strict, or an invalid config, 2 on a usage error.
    Preflight {
        /// KVBM worker processes on this node, each allocating the tier sizes.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        workers: u32,
        /// Bytes of one KV block, to size tiers given by `num_blocks`.
        #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..))]
        block_bytes: Option<u64>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: PreflightFormat,
        /// Fail on warnings too (the load's own and the checks'), and on a check that could
        /// not be made for lack of a host fact.
        #[arg(long)]
        strict: bool,
        /// Check against the host facts in FILE (a `preflight --format json` output, or its
        /// `host` object) instead of this machine's.
        #[arg(long, value_name = "FILE")]
        host: Option<PathBuf>,
        /// Also check that what the config points at answers from here: each etcd endpoint
        /// (`GET /health`, `/version`), each p2p bootstrap peer (a TCP connect), the object
        /// store (an HTTP request; any answer counts). Without it nothing is sent.
        #[arg(long)]
        network: bool,
        /// Seconds the whole `--network` run may take: one deadline for every target, asked
        /// at the same time.
        #[arg(long, value_name = "SECS", default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..))]
        timeout: u64,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PreflightFormat {
    Text,
    Json,
}

fn main() -> ExitCode {
    // clap's own messages (usage errors, `--help`, `--version`) quote arguments as given:
    // they go through the one writer too.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let text = error.render().to_string();
            match error.use_stderr() {
                true => eprint!("{}", safe_output(&text)),
                false => write_out(&text),
            }
            return ExitCode::from(error.exit_code() as u8);
        }
    };
    let ui = Ui::detect();
    let result = match &cli.command {
        Command::Show { format, origin } => show(&cli.sources, *format, *origin, &ui),
        Command::Check { strict } => check(&cli.sources, *strict, &ui),
        Command::Explain { key } => explain(&cli.sources, key, &ui),
        Command::Env => env_table(&cli.sources, &ui),
        Command::Template => {
            out!("{}", kvbm_config::docs::template());
            Ok(ExitCode::SUCCESS)
        }
        Command::Preflight {
            workers,
            block_bytes,
            format,
            strict,
            host,
            network,
            timeout,
        } => {
            let options = kvbm_config::preflight::Options {
                workers: *workers,
                block_bytes: *block_bytes,
            };
            let checks = PreflightChecks {
                host_file: host.as_deref(),
                network: network.then(|| std::time::Duration::from_secs(*timeout)),
                format: *format,
                strict: *strict,
            };
            preflight(&cli.sources, options, checks, &ui)
        }
        Command::Completions { shell } => {
            let mut command = Cli::command();
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut command, "kvbm-config", &mut script);
            out!("{}", String::from_utf8_lossy(&script));
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let page = clap_mangen::Man::new(Cli::command());
            let mut out = Vec::new();
            page.render(&mut out)
                .map(|()| {
                    out!("{}", String::from_utf8_lossy(&out));
                    ExitCode::SUCCESS
                })
                .map_err(|e| format!("cannot render the manual page: {e}"))
        }
        Command::Digest => digest(&cli.sources, &ui),
        Command::Diff { left, right } => diff(left, right, &ui),
        Command::Schema => {
            out!("{}", kvbm_config::json_schema::document_schema_text());
            Ok(ExitCode::SUCCESS)
        }
    };
    result.unwrap_or_else(|message| {
        errln!("{} {message}", ui.error("error:"));
        ExitCode::from(2)
    })
}

/// A usage problem (unreadable `--json` file, ...): exit code 2.
type Usage = String;

/// The roles a `--role` value loads: none, one, or both for `all`.
fn roles_of(role: Option<RoleArg>) -> Vec<Option<Role>> {
    match role {
        None => vec![None],
        Some(RoleArg::Leader) => vec![Some(Role::Leader)],
        Some(RoleArg::Worker) => vec![Some(Role::Worker)],
        Some(RoleArg::All) => vec![Some(Role::Leader), Some(Role::Worker)],
    }
}

impl Sources {
    /// The roles to load: none, one, or both for `--role all`.
    fn roles(&self) -> Vec<Option<Role>> {
        roles_of(self.role)
    }

    /// The process environment, unless `--no-env`.
    fn environment(&self) -> Vec<(OsString, OsString)> {
        if self.no_env {
            Vec::new()
        } else {
            std::env::vars_os().collect()
        }
    }

    /// One loader per role, all over the same sources (the JSON is read once).
    fn loaders(&self) -> Result<Vec<(Option<Role>, Loader)>, Usage> {
        self.loaders_for(self.roles())
    }

    /// One loader per role of `roles`, each with every source of the command line.
    fn loaders_for(&self, roles: Vec<Option<Role>>) -> Result<Vec<(Option<Role>, Loader)>, Usage> {
        let mut base = Loader::new().env(self.environment());
        if !self.no_system_file {
            base = base.system_file(
                self.system_file
                    .clone()
                    .unwrap_or_else(|| SYSTEM_CONFIG_PATH.into()),
            );
        }
        if let Some(path) = &self.config {
            base = base.user_file(path);
        }
        if let Some(name) = &self.connector {
            base = base.connector(name);
        }
        for name in &self.foreign_sections {
            base = base.foreign_section(name);
        }
        // `--json` is a file, `-` for standard input, or the JSON text itself (as operators
        // paste `--kv-transfer-config` values). The loader reads (and caps) each; one it
        // cannot read is a problem of the config, like an unreadable `--config`.
        base = match self.json.as_deref() {
            None => base,
            Some("-") => base.json_stdin(),
            Some(text)
                if text
                    .trim_start_matches('\u{feff}')
                    .trim_start()
                    .starts_with('{') =>
            {
                base.json(text)
            }
            Some(path) => base.json_file(path),
        };
        Ok(roles
            .into_iter()
            .map(|role| {
                let loader = match role {
                    Some(role) => base.clone().role(role),
                    None => base.clone(),
                };
                (role, loader)
            })
            .collect())
    }
}

fn role_name(role: Option<Role>) -> String {
    role.map_or_else(|| "config".to_string(), |r| format!("{r} config"))
}

/// The problems of an invalid config, then its warnings: an unknown variable is often why.
fn print_problems(role: Option<Role>, error: &ConfigError, ui: &Ui) {
    errln!("{} the {} is invalid:", ui.error("error:"), role_name(role));
    for problem in error.problems() {
        errln!("  {problem}");
    }
    for warning in error.warnings() {
        errln!("{} {warning}", ui.warning("warning:"));
    }
}

fn print_warnings(loaded: &Loaded, ui: &Ui) {
    for warning in loaded.report.warnings() {
        errln!("{} {warning}", ui.warning("warning:"));
    }
}
