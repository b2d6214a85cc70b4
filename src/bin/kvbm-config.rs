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

/// `print!` to standard output that survives a closed pipe (`kvbm-config env | head`): the
/// rest of the output is dropped in silence, and the command still ends with its own exit
/// code. Any other write error ends the command with exit 1.
macro_rules! out {
    ($($arg:tt)*) => {
        write_out(&format!($($arg)*))
    };
}

/// `println!` to standard output that survives a closed pipe; see [`out!`].
macro_rules! outln {
    ($($arg:tt)*) => {
        write_out(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` through the one writer ([`safe_output`]).
macro_rules! errln {
    ($($arg:tt)*) => {
        eprint!("{}", safe_output(&format!("{}\n", format_args!($($arg)*))))
    };
}

/// The one writer of everything the command prints, on standard output and standard
/// error: every character of [`kvbm_config::secret::is_unsafe_for_terminal`] is written
/// as `\u{…}`, except newlines and tabs and the colour sequences (`ESC [ … m`) the command
/// paints itself. Values are escaped where they are rendered; this is the net under them.
fn safe_output(text: &str) -> std::borrow::Cow<'_, str> {
    use kvbm_config::secret::is_unsafe_for_terminal;
    let unsafe_char = |c: char| is_unsafe_for_terminal(c) && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let colour = c == '\x1b' && {
            let tail = &rest[1..];
            let end = tail.find('m');
            tail.starts_with('[')
                && end.is_some_and(|end| {
                    tail[1..end]
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b == b';')
                })
        };
        if colour {
            let end = rest.find('m').unwrap_or(0) + 1;
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        match unsafe_char(c) {
            true => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            false => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    std::borrow::Cow::Owned(out)
}

fn write_out(text: &str) {
    use std::io::Write;
    use std::sync::atomic::{AtomicBool, Ordering};
    static CLOSED: AtomicBool = AtomicBool::new(false);
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let text = safe_output(text);
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            CLOSED.store(true, Ordering::Relaxed)
        }
        Err(e) => {
            errln!("error: cannot write the output: {e}");
            std::process::exit(1);
        }
    }
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

/// Colour only on a terminal, and never when `NO_COLOR` is set (https://no-color.org).
struct Ui {
    stdout: bool,
    stderr: bool,
}

impl Ui {
    fn detect() -> Ui {
        let allowed = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Ui {
            stdout: allowed && std::io::stdout().is_terminal(),
            stderr: allowed && std::io::stderr().is_terminal(),
        }
    }

    fn paint(on: bool, code: &str, text: &str) -> String {
        if on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn error(&self, text: &str) -> String {
        Self::paint(self.stderr, "1;31", text)
    }

    fn warning(&self, text: &str) -> String {
        Self::paint(self.stderr, "1;33", text)
    }

    fn error_out(&self, text: &str) -> String {
        Self::paint(self.stdout, "1;31", text)
    }

    fn warning_out(&self, text: &str) -> String {
        Self::paint(self.stdout, "1;33", text)
    }

    fn heading(&self, text: &str) -> String {
        Self::paint(self.stdout, "1", text)
    }

    fn dim(&self, text: &str) -> String {
        Self::paint(self.stdout, "2", text)
    }
}

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

fn show(sources: &Sources, format: Format, origin: bool, ui: &Ui) -> Result<ExitCode, Usage> {
    let loaders = sources.loaders()?;
    let several = loaders.len() > 1;
    let mut json_out = serde_json::Map::new();
    for (role, loader) in loaders {
        let loaded = match loader.load() {
            Ok(loaded) => loaded,
            Err(error) => {
                print_problems(role, &error, ui);
                return Ok(ExitCode::from(1));
            }
        };
        print_warnings(&loaded, ui);
        let value = match (format, origin) {
            (Format::Json, false) => kvbm_config::secret::redacted(&loaded.config),
            (Format::Json, true) => origins_json(&loaded),
            (Format::Toml, _) => {
                if several {
                    outln!(
                        "{}",
                        ui.heading(&format!("# ===== {} =====", role_name(role)))
                    );
                }
                let digest = loaded.config.agreement_digest();
                outln!("{}", ui.dim(&format!("# agreement digest: {digest}")));
                if origin {
                    out!("{}", loaded.show_origin_styled(|comment| ui.dim(comment)));
                } else {
                    let redacted = kvbm_config::secret::redacted(&loaded.config);
                    out!("{}", kvbm_config::secret::toml_text(&redacted));
                }
                continue;
            }
        };
        match role {
            Some(role) if several => {
                json_out.insert(role.to_string(), value);
            }
            _ => outln!("{}", kvbm_config::secret::json_text(&value)),
        }
    }
    if several && format == Format::Json {
        outln!(
            "{}",
            kvbm_config::secret::json_text(&serde_json::Value::Object(json_out))
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `--format json --origin`: every setting with its value (as JSON, credentials redacted)
/// and source, sorted by key.
fn origins_json(loaded: &Loaded) -> serde_json::Value {
    let redacted = kvbm_config::secret::redacted(&loaded.config);
    let entries: Vec<serde_json::Value> = loaded
        .entries()
        .into_iter()
        .map(|entry| {
            let pointer = format!("/{}", entry.key.replace('.', "/"));
            serde_json::json!({
                "key": entry.key,
                "value": redacted.pointer(&pointer).cloned().unwrap_or_default(),
                "origin": entry.source.to_string(),
            })
        })
        .collect();
    serde_json::Value::from(entries)
}

fn check(sources: &Sources, strict: bool, ui: &Ui) -> Result<ExitCode, Usage> {
    let mut failed = false;
    let mut loaded_roles = Vec::new();
    // A warning every role's load gives (an unknown variable) is printed once.
    let mut warnings: Vec<kvbm_config::Warning> = Vec::new();
    for (role, loader) in sources.loaders()? {
        match loader.strict(strict).load() {
            Ok(loaded) => {
                for warning in loaded.report.warnings() {
                    if !warnings.contains(warning) {
                        errln!("{} {warning}", ui.warning("warning:"));
                        warnings.push(warning.clone());
                    }
                }
                loaded_roles.push(loaded);
            }
            Err(error) => {
                print_problems(role, &error, ui);
                failed = true;
            }
        }
    }
    // `--role all`: the leader and the workers must agree on what they share.
    if let [leader, worker] = &loaded_roles[..] {
        let disagreements = kvbm_config::agreement::disagreements(leader, worker);
        if !disagreements.is_empty() {
            errln!(
                "{} the leader and worker configs disagree on what every process must share:",
                ui.error("error:")
            );
            for disagreement in &disagreements {
                errln!("  {disagreement}");
            }
            failed = true;
        }
    }
    // One verdict for the whole command, after every role's details.
    if failed {
        return Ok(ExitCode::from(1));
    }
    let what = match sources.role {
        Some(RoleArg::All) => "the leader and worker configs are valid and agree".to_string(),
        role => format!("the {} is valid", role_name(roles_of(role)[0])),
    };
    let note = match warnings.len() {
        0 => String::new(),
        1 => " (1 warning)".to_string(),
        n => format!(" ({n} warnings)"),
    };
    outln!("ok: {what}{note}");
    Ok(ExitCode::SUCCESS)
}

/// `digest`: the agreement digest of each role's config, one a line.
fn digest(sources: &Sources, ui: &Ui) -> Result<ExitCode, Usage> {
    let loaders = sources.loaders()?;
    let several = loaders.len() > 1;
    let mut failed = false;
    for (role, loader) in loaders {
        match loader.load() {
            Ok(loaded) if several => {
                outln!("{}: {}", role_name(role), loaded.config.agreement_digest())
            }
            Ok(loaded) => outln!("{}", loaded.config.agreement_digest()),
            Err(error) => {
                print_problems(role, &error, ui);
                failed = true;
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `diff LEFT RIGHT`: the settings whose values differ between two effective configs
/// written by `show --format json` (role by role for `--role all` output); exit 1 when one
/// that must agree differs, 2 when an input is not `show`'s.
fn diff(left: &str, right: &str, ui: &Ui) -> Result<ExitCode, Usage> {
    use kvbm_config::agreement::{differences, EffectiveConfig};
    let read = |name: &str| -> Result<EffectiveConfig, Usage> {
        let read = match name {
            "-" => EffectiveConfig::from_reader(std::io::stdin().lock()),
            path => EffectiveConfig::from_file(Path::new(path)),
        };
        read.map_err(|e| {
            format!(
                "cannot compare {}: {e}",
                kvbm_config::secret::escape_terminal(name)
            )
        })
    };
    let found = differences(&read(left)?, &read(right)?)?;
    let mut must_agree = 0;
    for difference in &found {
        let mark = match difference.setting.agree {
            true => {
                must_agree += 1;
                ui.error_out("must agree")
            }
            false => "differs".to_string(),
        };
        let side = |i: usize| {
            let value = difference.values[i]
                .clone()
                .unwrap_or_else(|| "unset".into());
            match &difference.origins[i] {
                Some(origin) => format!("{value} ({origin})"),
                None => value,
            }
        };
        let role = difference
            .role
            .map_or_else(String::new, |role| format!("[{role}] "));
        outln!(
            "{role}{mark}: {}: {} | {}",
            difference.setting.key,
            side(0),
            side(1)
        );
    }
    outln!(
        "{} setting(s) differ, {must_agree} of them must agree",
        found.len()
    );
    Ok(if must_agree > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn explain(sources: &Sources, key: &str, ui: &Ui) -> Result<ExitCode, Usage> {
    let setting = registry::lookup(key)?;
    print_spec(setting, ui);
    for (role, loader) in sources.loaders()? {
        let label = match role {
            Some(role) => format!("value ({role})"),
            None => "value".to_string(),
        };
        match loader.load() {
            Ok(loaded) => match loaded.entries().into_iter().find(|e| e.key == setting.key) {
                Some(entry) => {
                    let value = entry.value.unwrap_or_else(|| "(unset)".into());
                    outln!(
                        "  {:<17}{value}    {}",
                        format!("{label}:"),
                        ui.dim(&format!("# {}", entry.source))
                    );
                }
                None => outln!(
                    "  {:<17}(does not apply to the configured variant)",
                    format!("{label}:")
                ),
            },
            Err(error) => outln!(
                "  {:<17}(the config does not load: {} problems; see `kvbm-config check`)",
                format!("{label}:"),
                error.problems().len()
            ),
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_spec(setting: &Setting, ui: &Ui) {
    let text = setting.explain();
    let (heading, rest) = text.split_once('\n').unwrap_or((&text, ""));
    outln!("{}", ui.heading(heading));
    out!("{rest}");
}

fn env_table(sources: &Sources, ui: &Ui) -> Result<ExitCode, Usage> {
    // A value that is not UTF-8 is never echoed, not even lossily: it is named as such.
    let env: Vec<(String, Option<String>)> = sources
        .environment()
        .into_iter()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok())))
        .collect();
    let current = |var: &str| {
        env.iter()
            .find(|(k, _)| k == var)
            .map(|(_, v)| v.as_deref().ok_or(()))
    };
    let rows: Vec<[String; 4]> = std::iter::once(registry::CONFIG_PATH_ENV)
        .map(|var| {
            [
                var.to_string(),
                "(user config file)".to_string(),
                "-".to_string(),
                shown(var, current(var)),
            ]
        })
        .chain(registry::settings().iter().flat_map(|f| {
            // A setting's own variable, then the names upstream's releases read for it.
            let names = std::iter::once((f.env, String::new())).chain(
                f.aliases
                    .iter()
                    .map(|a| (*a, " (released name)".to_string())),
            );
            names.map(|(var, note)| {
                [
                    var.to_string(),
                    format!("{}{note}", f.key),
                    f.default_text(),
                    shown(f.key, current(var)),
                ]
            })
        }))
        .collect();
    let widths: Vec<usize> = (0..3)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    outln!(
        "{}",
        ui.heading(&format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  CURRENT",
            "VARIABLE",
            "KEY",
            "DEFAULT",
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        ))
    );
    for row in &rows {
        outln!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
    }
    // The unknown variables are the loader's own warnings, so the two cannot disagree.
    let loader = Loader::new().env(sources.environment());
    let mut strays: Vec<String> = loader
        .unknown_variables()
        .into_iter()
        .map(|warning| {
            let key = kvbm_config::secret::escape_terminal(&warning.key);
            format!("{key} {}", warning.message)
        })
        .collect();
    strays.sort();
    for stray in strays {
        outln!("{} {stray}", ui.warning("unknown:"));
    }
    let mut v1: Vec<(&str, &kvbm_config::v1::V1Var)> = env
        .iter()
        .filter_map(|(var, _)| Some((var.as_str(), kvbm_config::v1::lookup(var)?)))
        .collect();
    v1.sort_by_key(|(var, _)| *var);
    for (var, entry) in v1 {
        let var = kvbm_config::secret::escape_terminal(var);
        outln!("{} {var} {}", ui.warning("v1:"), entry.advice());
    }
    Ok(ExitCode::SUCCESS)
}

/// A current value for the env listing: `-` when unset, credentials redacted by the rule
/// for `key`, a value that is not UTF-8 named as such and never shown.
fn shown(key: &str, value: Option<Result<&str, ()>>) -> String {
    match value {
        None => "-".into(),
        Some(Err(())) => "(not valid UTF-8, not shown)".into(),
        Some(Ok(value)) => Loader::shown_variable(key, value),
    }
}

/// How `preflight` runs, beyond the sizes.
struct PreflightChecks<'a> {
    host_file: Option<&'a Path>,
    /// `--network`, with its timeout.
    network: Option<std::time::Duration>,
    format: PreflightFormat,
    strict: bool,
}

fn preflight(
    sources: &Sources,
    options: kvbm_config::preflight::Options,
    checks: PreflightChecks<'_>,
    ui: &Ui,
) -> Result<ExitCode, Usage> {
    let PreflightChecks {
        host_file,
        network,
        format,
        strict,
    } = checks;
    use kvbm_config::preflight::{self, Finding, Host, Processes, Severity};
    let mut host = match host_file {
        Some(path) => Host::from_file(path).map_err(|e| {
            format!(
                "cannot read the host facts in --host {}: {e}",
                path.display()
            )
        })?,
        None => Host::probe(),
    };
    // Every process is counted: without `--role`, the node runs the leader and the workers
    // (as `--role all`), so a `worker` profile is never left out. Every role is loaded
    // first: one node runs them together.
    let role = sources.role.unwrap_or(RoleArg::All);
    let roles = roles_of(Some(role));
    let mut loaded = Vec::new();
    let mut findings: Vec<Finding> = Vec::new();
    for (role, loader) in sources.loaders_for(roles)? {
        match loader.load() {
            Ok(config) => loaded.push((role, config)),
            Err(error) => {
                if format == PreflightFormat::Text {
                    print_problems(role, &error, ui);
                }
                findings.extend(
                    error
                        .problems()
                        .iter()
                        .map(|p| Finding::from_problem(p, role)),
                );
                // The load's warnings of an invalid config are kept too: a machine reading
                // the JSON sees everything `check` prints.
                findings.extend(
                    error
                        .warnings()
                        .iter()
                        .map(|w| Finding::from_warning(w, role)),
                );
            }
        }
    }
    let invalid = findings.iter().any(|f| f.severity == Severity::Error);
    if !invalid {
        let processes: Vec<Processes<'_>> = loaded
            .iter()
            .map(|(role, loaded)| Processes {
                role: *role,
                count: match role {
                    Some(kvbm_config::Role::Leader) => 1,
                    _ => options.workers,
                },
                loaded,
            })
            .collect();
        findings = preflight::run_node(&processes, &mut host, options.block_bytes);
        if let [(_, leader), (_, worker)] = &loaded[..] {
            let disagreements = kvbm_config::agreement::disagreements(leader, worker);
            findings.splice(0..0, disagreements.iter().map(Finding::from_disagreement));
        }
        if let Some(timeout) = network {
            // Every role's targets, each asked once, all within one deadline.
            let configs: Vec<&Loaded> = loaded.iter().map(|(_, loaded)| loaded).collect();
            findings.extend(preflight::reach_all(&configs, timeout));
            findings.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.key.cmp(&b.key)));
        }
    }
    let digests: Vec<(Option<Role>, String)> = loaded
        .iter()
        .map(|(role, loaded)| (*role, loaded.config.agreement_digest()))
        .collect();
    let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let unchecked = findings.iter().filter(|f| f.is_unchecked()).count();
    let failed = invalid || errors > 0 || (strict && warnings + unchecked > 0);
    if format == PreflightFormat::Json {
        // One digest when every process agrees (else `null`), and each role's.
        let agreed = digests
            .windows(2)
            .all(|pair| pair[0].1 == pair[1].1)
            .then(|| digests.first().map(|(_, d)| d.clone()))
            .flatten();
        let by_role: serde_json::Map<String, serde_json::Value> = digests
            .iter()
            .map(|(role, digest)| {
                (
                    role.map_or("config".into(), |r| r.to_string()),
                    digest.clone().into(),
                )
            })
            .collect();
        let out = serde_json::json!({
            "findings": findings,
            "host": host,
            "agreement_digest": agreed,
            "agreement_digests": by_role,
        });
        outln!("{}", kvbm_config::secret::json_text(&out));
    } else if !invalid {
        for finding in &findings {
            let label = finding.severity.to_string();
            let painted = match finding.severity {
                Severity::Error => ui.error_out(&label),
                Severity::Warning => ui.warning_out(&label),
                Severity::Info => label.clone(),
            };
            let line = finding.to_string();
            outln!("{painted}{}", &line[label.len()..]);
        }
        let node = match role {
            RoleArg::All => format!("1 leader and {} worker(s)", options.workers),
            RoleArg::Leader => "the leader".to_string(),
            RoleArg::Worker => format!("{} worker(s)", options.workers),
        };
        let unchecked_text = match unchecked {
            0 => String::new(),
            n => format!(", {n} not checked"),
        };
        outln!(
            "preflight of {node}: {errors} error(s), {warnings} warning(s){unchecked_text}{}",
            if strict && warnings + unchecked > 0 {
                " (--strict fails on warnings and on what could not be checked)"
            } else {
                ""
            }
        );
        match &digests[..] {
            [(_, leader), (_, worker)] if leader != worker => {
                outln!("agreement digest: {leader} (leader), {worker} (worker): they differ")
            }
            [(_, digest), ..] => outln!("agreement digest: {digest}"),
            [] => {}
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
