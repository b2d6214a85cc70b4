//! Loads every case of a corpus with the released `kvbm-config` 1.6.1 and prints, as JSON,
//! what it extracts (or that it refuses the case).
//!
//! A case is `{"name", "toml"?, "env"?, "json"?, "role"?}` (`json` a JSON value): the TOML text is written to a
//! temporary file named by `KVBM_CONFIG_PATH`, the variables are set in this process (one
//! case at a time: the released loader reads the process environment and nothing else), and
//! the entry point is the one a release-era caller uses for the role and the JSON.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

fn main() {
    let corpus_path = std::env::args()
        .nth(1)
        .expect("usage: kvbm-config-differential CORPUS.json");
    let corpus: Value =
        serde_json::from_str(&std::fs::read_to_string(&corpus_path).expect("read the corpus"))
            .expect("the corpus is JSON");
    let scratch = std::env::temp_dir().join(format!("kvbm-differential-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch directory");

    let mut results = BTreeMap::new();
    for case in corpus["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("case name").to_string();
        results.insert(name, run(case, &scratch));
    }
    std::fs::remove_dir_all(&scratch).ok();

    let out = json!({
        "release": "kvbm-config 1.6.1",
        "regenerate": "differential/regen.sh",
        "cases": results,
    });
    println!("{}", serde_json::to_string_pretty(&out).unwrap());
}

/// One case through the released loader.
fn run(case: &Value, scratch: &Path) -> Value {
    clear_kvbm_environment();
    if let Some(text) = case["toml"].as_str() {
        let path: PathBuf = scratch.join("kvbm.toml");
        std::fs::write(&path, text).expect("write the case's TOML");
        std::env::set_var("KVBM_CONFIG_PATH", &path);
    }
    if let Some(vars) = case["env"].as_object() {
        for (name, value) in vars {
            std::env::set_var(name, value.as_str().expect("variable values are strings"));
        }
    }
    // The JSON profile is written in the corpus as a JSON value; the loaders take its text.
    let text = case.get("json").map(Value::to_string);
    let json = text.as_deref();
    let loaded = match (case["role"].as_str(), json) {
        (None, None) => upstream::KvbmConfig::from_env(),
        (None, Some(j)) => upstream::KvbmConfig::from_figment_with_json(j),
        (Some("leader"), None) => upstream::KvbmConfig::from_env_for_leader(),
        (Some("leader"), Some(j)) => upstream::KvbmConfig::from_figment_with_json_for_leader(j),
        (Some("worker"), None) => upstream::KvbmConfig::from_env_for_worker(),
        (Some("worker"), Some(j)) => upstream::KvbmConfig::from_figment_with_json_for_worker(j),
        (Some(other), _) => panic!("unknown role {other}"),
    };
    clear_kvbm_environment();
    match loaded {
        Ok(config) => json!({ "ok": serde_json::to_value(&config).expect("serialize") }),
        Err(error) => json!({ "error": error.to_string() }),
    }
}

/// Removes every `KVBM_*` and `DYN_KVBM_*` variable, so no case sees another's.
fn clear_kvbm_environment() {
    for (name, _) in std::env::vars_os() {
        let Some(name) = name.to_str() else { continue };
        if name.starts_with("KVBM_") || name.starts_with("DYN_KVBM_") {
            std::env::remove_var(name);
        }
    }
}
