//! Where a value came from: [`Source`], and the profiles and roles that select tables.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The process a config is loaded for; selects the `[leader]` or `[worker]` tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The KVBM leader (coordination, discovery, object storage).
    Leader,
    /// A KVBM worker (data transfers through NixL).
    Worker,
}

/// A profile table of a file or JSON document: `default`, `leader` or `worker`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// `[default]`: applies to every role, below the role's own table.
    Default,
    /// `[leader]`: applies to the leader only.
    Leader,
    /// `[worker]`: applies to workers only.
    Worker,
}

impl Profile {
    /// Whether a table of `profile` (`None`: a plain table) applies to a load for `role`:
    /// plain and `default` tables always, `leader` and `worker` for their role only.
    pub(crate) fn applies(profile: Option<Profile>, role: Option<Role>) -> bool {
        match profile {
            None | Some(Profile::Default) => true,
            Some(profile) => role.map(Profile::from) == Some(profile),
        }
    }

    /// All profile names, as written in files and JSON.
    pub const NAMES: &'static [&'static str] = &["default", "leader", "worker"];

    /// The name as written in files and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Default => "default",
            Profile::Leader => "leader",
            Profile::Worker => "worker",
        }
    }

    /// The profile a top-level key names, if it names one.
    pub fn from_name(name: &str) -> Option<Profile> {
        match name {
            "default" => Some(Profile::Default),
            "leader" => Some(Profile::Leader),
            "worker" => Some(Profile::Worker),
            _ => None,
        }
    }
}

impl From<Role> for Profile {
    fn from(role: Role) -> Self {
        match role {
            Role::Leader => Profile::Leader,
            Role::Worker => Profile::Worker,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Profile::from(*self).name())
    }
}

/// Which of the two file layers a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileLayer {
    /// Layer 2: the system file, `/opt/dynamo/etc/kvbm.toml` by default.
    System,
    /// Layer 3: the file named by `KVBM_CONFIG_PATH` (or given explicitly).
    User,
}

/// Where a value, or a problem, came from. Its `Display` is what messages print.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "lowercase")]
#[non_exhaustive]
pub enum Source {
    /// Layer 1: the built-in default.
    Default,
    /// Layer 2 or 3: a TOML file, and the profile table within it (`None` = plain tables).
    File {
        /// The file's path as given.
        path: PathBuf,
        /// System or user file.
        layer: FileLayer,
        /// The profile table the value sits in, if any.
        profile: Option<Profile>,
        /// The line of the key, when known (1-based).
        line: Option<u32>,
    },
    /// Layer 4: an environment variable.
    Env {
        /// The variable's real name.
        var: String,
    },
    /// Layer 5: the JSON document (`kv_connector_extra_config`).
    Json {
        /// The profile the value sits in; `None` for a flat document.
        profile: Option<Profile>,
    },
    /// Layer 5 read from a named file (the command's `--json FILE`).
    JsonFile {
        /// The profile the value sits in; `None` for a flat document.
        profile: Option<Profile>,
        /// The file's path as given.
        path: PathBuf,
    },
    /// Layer 5 read from standard input (the command's `--json -`).
    JsonStdin {
        /// The profile the value sits in; `None` for a flat document.
        profile: Option<Profile>,
    },
    /// Layer 5 given as a value tree, not text (the Python package's dict).
    Tree {
        /// The profile the value sits in; `None` for a flat document.
        profile: Option<Profile>,
        /// What the caller calls it ("Python mapping").
        name: String,
    },
    /// Layer 5, in the entry of one connector of a vLLM `MultiConnector` document.
    JsonConnector {
        /// The profile the value sits in; `None` for a flat document.
        profile: Option<Profile>,
        /// The connector's `kv_connector` name (`connectors[i]` when it has none).
        connector: String,
        /// The document it sits in: [`Source::Json`], [`Source::JsonFile`] or
        /// [`Source::JsonStdin`], without a profile.
        document: Box<Source>,
    },
    /// A value the program set itself (a config built or changed in code).
    Code,
    /// A provider of a caller-built [`figment::Figment`], by its metadata name.
    Provider {
        /// The provider's metadata name.
        name: String,
    },
    /// A value a file or JSON document gave under the name upstream's releases have for
    /// its table (`messenger.backend.tcp_port` for `nova.backend.tcp_port`).
    Released {
        /// The key as the source wrote it.
        written: String,
        /// Where it was written.
        source: Box<Source>,
    },
}

impl fmt::Display for Source {
    /// Names, paths and variables came from the input: they are escaped for a terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::secret::escape_terminal as esc;
        let path_text = |path: &PathBuf| esc(&path.display().to_string()).into_owned();
        match self {
            Source::Default => f.write_str("default"),
            Source::File {
                path,
                profile,
                line,
                ..
            } => {
                write!(f, "file {}", path_text(path))?;
                if let Some(line) = line {
                    write!(f, ":{line}")?;
                }
                match profile {
                    Some(profile) => write!(f, " [{}]", profile.name()),
                    None => Ok(()),
                }
            }
            Source::Env { var } => write!(f, "env {}", esc(var)),
            Source::Json { profile: Some(p) } => write!(f, "JSON profile `{}`", p.name()),
            Source::Json { profile: None } => f.write_str("JSON text"),
            Source::JsonFile {
                profile: Some(p),
                path,
            } => write!(f, "JSON profile `{}` ({})", p.name(), path_text(path)),
            Source::JsonFile {
                profile: None,
                path,
            } => write!(f, "JSON file {}", path_text(path)),
            Source::JsonStdin { profile: Some(p) } => {
                write!(f, "JSON profile `{}` (standard input)", p.name())
            }
            Source::JsonStdin { profile: None } => f.write_str("JSON on standard input"),
            Source::Tree {
                profile: Some(p),
                name,
            } => write!(f, "JSON profile `{}` ({})", p.name(), esc(name)),
            Source::Tree {
                profile: None,
                name,
            } => f.write_str(&esc(name)),
            Source::JsonConnector {
                profile,
                connector,
                document,
            } => {
                match profile {
                    Some(p) => write!(f, "JSON profile `{}`", p.name())?,
                    None => f.write_str("JSON")?,
                }
                write!(f, " of connector `{}`", esc(connector))?;
                match document.as_ref() {
                    Source::JsonFile { path, .. } => write!(f, " ({})", path_text(path)),
                    Source::JsonStdin { .. } => f.write_str(" (standard input)"),
                    Source::Tree { name, .. } => write!(f, " ({})", esc(name)),
                    _ => Ok(()),
                }
            }
            Source::Code => f.write_str("set in code"),
            Source::Provider { name } => f.write_str(&esc(name)),
            Source::Released { written, source } => {
                write!(f, "{source} (as `{}`)", esc(written))
            }
        }
    }
}
