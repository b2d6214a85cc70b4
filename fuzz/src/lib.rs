//! The properties the fuzz targets check, shared with the stable regression tests
//! (`tests/fuzz_regressions.rs` includes `check.rs` by path).

pub mod check;
