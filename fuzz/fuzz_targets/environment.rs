#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kvbm_config_fuzz::check::environment(data));
