fn main() {
    let dir = std::env::temp_dir().join("kvbm-prof");
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string("kvbm.example.toml").unwrap();
    std::fs::write(dir.join("s.toml"), &text).unwrap();
    let json = std::fs::read_to_string("kvbm.full.example.json").unwrap();
    let mut env: Vec<(String, String)> = (0..250).map(|i| (format!("V{i}"), "x".to_string())).collect();
    env.push(("KVBM_RAYON_NUM_THREADS".into(), "2".into()));
    env.push(("KVBM_OFFLOAD_G2_TO_G3_POLICIES".into(), "presence_lfu,presence".into()));
    let loader = kvbm_config::Loader::new().system_file(dir.join("s.toml")).user_file(dir.join("s.toml")).env(env).json(json).role(kvbm_config::Role::Leader).cpu_count(64);
    let n: usize = std::env::args().nth(1).map(|s| s.parse().unwrap()).unwrap_or(20000);
    for _ in 0..n { std::hint::black_box(loader.load().unwrap()); }
}
