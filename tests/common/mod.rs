//! Helpers shared by the integration tests. Nothing here touches the process environment:
//! every test injects its environment and files into a `Loader`.
#![allow(dead_code)]

use std::path::PathBuf;

use kvbm_config::{ConfigError, KvbmConfig, Loader, Role};

/// A directory that lives as long as the test and holds its files.
pub struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    pub fn new() -> Self {
        Files {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    /// Writes `text` to `name` in the directory and returns its path.
    pub fn write(&self, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write test file");
        path
    }

    /// A path in the directory that does not exist.
    pub fn missing(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// A loader with no sources.
pub fn loader() -> Loader {
    Loader::new()
}

/// Loads, panicking with the rendered error if the load fails.
pub fn load(loader: Loader) -> KvbmConfig {
    match loader.load() {
        Ok(loaded) => loaded.config,
        Err(e) => panic!("load failed:\n{e}"),
    }
}

/// Loads, expecting a failure.
pub fn load_err(loader: Loader) -> ConfigError {
    match loader.load() {
        Ok(loaded) => panic!("load succeeded but should fail: {:?}", loaded.config),
        Err(e) => e,
    }
}

/// Loads `json` for `role` with no other source.
pub fn json_for(role: Role, json: &str) -> KvbmConfig {
    load(loader().json(json).role(role))
}

/// Reads a repository file (an example file, the README).
pub fn repo_file(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// A config with every setting set, built from the declarations (no list here to keep up
/// to date): each setting of the chosen `variants` (`(table, type)`) at its default, or,
/// where it has none, at a value of its kind; each optional table written. Not validated:
/// settings that exclude each other are both set.
pub fn with_everything(variants: &[(&str, &str)]) -> KvbmConfig {
    use kvbm_config::registry::settings;
    use kvbm_config::registry::Kind;
    use serde_json::{json, Value};
    fn set(tree: &mut Value, key: &str, value: Value) {
        let mut node = tree;
        let parts: Vec<&str> = key.split('.').collect();
        for part in &parts[..parts.len() - 1] {
            if !node[*part].is_object() {
                node[*part] = json!({});
            }
            node = &mut node[*part];
        }
        node[parts[parts.len() - 1]] = value;
    }
    let sample = |kind: Kind| match kind {
        Kind::Bool => json!(true),
        Kind::Unsigned(_) => json!(1),
        Kind::Float => json!(1.0),
        Kind::Text => json!("10.0.0.1"),
        Kind::Path => json!("/x"),
        Kind::TextList => json!(["x"]),
        Kind::Choice(names) => json!(names[0]),
        Kind::ChoiceList(names) => json!([names[0]]),
        Kind::Backends => json!({"UCX": {}}),
        other => panic!("no sample value for a setting of kind {other:?}: add one here"),
    };
    let mut tree = serde_json::to_value(KvbmConfig::default()).unwrap();
    for setting in settings() {
        let chosen = variants
            .iter()
            .find(|(table, _)| *table == setting.table())
            .map(|(_, variant)| *variant);
        if setting.is_variant_tag() {
            if let Some(variant) = chosen {
                set(&mut tree, setting.key, json!(variant));
            }
            continue;
        }
        let applies = setting.applies_to.is_empty()
            || chosen.is_some_and(|variant| setting.applies_to.contains(&variant));
        if !applies {
            continue;
        }
        let value = match setting.default_value() {
            Some(value) => serde_json::to_value(value).unwrap(),
            None => sample(setting.kind),
        };
        set(&mut tree, setting.key, value);
    }
    serde_json::from_value(tree).expect("a config with every setting")
}
