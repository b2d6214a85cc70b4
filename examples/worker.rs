//! Starts what a KVBM worker would from its config: `cargo run --example worker [JSON]`.

#[path = "common/start.rs"]
mod start;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    start::start(kvbm_config::Role::Worker)
}
