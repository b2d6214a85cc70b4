//! Prints the commented TOML template of every setting; `kvbm.example.toml` is its output:
//!
//! ```text
//! cargo run --example print_template > kvbm.example.toml
//! ```
fn main() {
    print!("{}", kvbm_config::docs::template());
}
