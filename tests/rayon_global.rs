//! `RayonConfig::build_global` in a test binary of its own: the global pool can be built
//! once per process, so no other test may touch it.
#![cfg(feature = "rayon")]
// Configs are built with `..Default::default()` even when every field is given, so that
// a new setting breaks no test (see the README, "Adding a setting").
#![allow(clippy::needless_update)]

use kvbm_config::{rayon::RayonConfig, BuildError};

#[test]
fn the_global_pool_is_built_once_then_errors() {
    RayonConfig {
        num_threads: 2,
        ..Default::default()
    }
    .build_global()
    .expect("first global pool");
    assert_eq!(rayon::current_num_threads(), 2);
    let again = RayonConfig {
        num_threads: 3,
        ..Default::default()
    }
    .build_global();
    assert!(matches!(again, Err(BuildError::Rayon(_))), "{again:?}");
}
