#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kvbm_config_fuzz::check::toml_file(data));
