//! Starts what a KVBM leader would from its config: `cargo run --example leader [JSON]`.

#[path = "common/start.rs"]
mod start;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    start::start(kvbm_config::Role::Leader)
}
