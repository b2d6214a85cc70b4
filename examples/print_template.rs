//! Prints the commented TOML template of every setting (what `kvbm.example.toml` holds).
fn main() {
    print!("{}", kvbm_config::template::render());
}
