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
