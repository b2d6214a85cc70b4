//! Prints the effective leader and worker configs for a TOML file and a vLLM JSON document,
//! with the source of every value that is not a default.
//!
//! ```text
//! cargo run --example effective_config -- kvbm.example.toml kvbm.example.json
//! ```
//!
//! The TOML file is read as the user file (layer 3, as if named by `KVBM_CONFIG_PATH`); the
//! process's `KVBM_*` variables apply as in a real KVBM process; the system file does not.

use std::process::ExitCode;

use kvbm_config::{Loader, Role};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [toml_path, json_path] = args.as_slice() else {
        eprintln!("usage: effective_config KVBM_TOML KVBM_JSON");
        return ExitCode::from(2);
    };
    let json = match std::fs::read_to_string(json_path) {
        Ok(json) => json,
        Err(e) => {
            eprintln!("cannot read {json_path}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut failed = false;
    for role in [Role::Leader, Role::Worker] {
        let loader = Loader::from_process()
            .no_system_file()
            .user_file(toml_path)
            .json(json.as_str())
            .role(role);
        match loader.load() {
            Ok(loaded) => {
                println!("# ===== effective {role} config =====");
                match toml::to_string(&loaded.config) {
                    Ok(text) => println!("{text}"),
                    Err(e) => println!("# cannot render as TOML: {e}"),
                }
                println!("# where the non-default values of the {role} came from:");
                for (key, source) in loaded.report.origins() {
                    println!("#   {key:<40} {source}");
                }
                for warning in loaded.report.warnings() {
                    println!("# warning: {warning}");
                }
                println!();
            }
            Err(error) => {
                eprintln!("the {role} config is invalid:\n{error}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
