//! What a KVBM process does with its config at start-up, shared by the `leader` and
//! `worker` examples.

use kvbm_config::{Loader, Role};

/// Loads the config for `role` from the process (system file, `KVBM_CONFIG_PATH`, `KVBM_*`)
/// and the JSON file given as the first argument (default: the bundled `kvbm.example.json`),
/// then builds what the config describes and prints it.
pub fn start(role: Role) -> Result<(), Box<dyn std::error::Error>> {
    let json_path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/kvbm.example.json").to_string());
    let json = std::fs::read_to_string(&json_path)?;
    let loaded = Loader::from_process().json(json).role(role).load()?;
    loaded.log_warnings();
    let config = loaded.config;

    let runtime = config.tokio.build_runtime()?;
    let workers = runtime.metrics().num_workers();
    let pool = config.rayon.build_pool()?;
    let backends = config.nixl_backends();
    let names: Vec<String> = backends
        .iter()
        .map(|(backend, _)| backend.to_string())
        .collect();

    println!("{role} config from {json_path}:");
    println!(
        "  tokio runtime:  {workers} worker threads, up to {} blocking",
        config.tokio.max_blocking_threads
    );
    println!("  rayon pool:     {} threads", pool.current_num_threads());
    println!("  nixl backends:  {}", names.join(", "));
    println!("  nova binds to:  {}", config.nova.backend.bind_addr()?);
    const BLOCK: usize = 2 * 1024 * 1024;
    match config.cache.host.num_blocks(BLOCK)? {
        Some(blocks) => println!("  host cache:     {blocks} blocks of {BLOCK} bytes"),
        None => println!("  host cache:     none"),
    }
    match &config.object {
        Some(object) => println!("  object storage: bucket {}", object.client.s3().bucket),
        None => println!("  object storage: none"),
    }
    Ok(())
}
