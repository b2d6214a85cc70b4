//! `KvbmConfig::figment()` / `Loader::figment()` and `extract_from`: the same result and the
//! same checks as a load, with figment knowing the true source of every value.

mod common;

use common::{loader, Files};
use figment::providers::{Format, Json, Serialized, Toml};
use figment::Figment;
use kvbm_config::{KvbmConfig, Role};

#[test]
fn the_figment_of_a_loader_extracts_to_the_same_config() {
    let files = Files::new();
    let system = files.write(
        "system.toml",
        "[leader.tokio]\nmax_blocking_threads = 9\n[nixl.backends]\ngds = {}\n",
    );
    let loader = loader()
        .system_file(&system)
        .env([
            ("KVBM_CACHE_HOST_NUM_BLOCKS", "77"),
            ("KVBM_NOVA_DISCOVERY_TYPE", "filesystem"),
            ("KVBM_NOVA_DISCOVERY_PATH", "/d"),
        ])
        .json(r#"{"leader": {"rayon": {"num_threads": 3}}}"#)
        .role(Role::Leader);
    let loaded = loader.load().unwrap();
    let figment = loader.figment();
    assert_eq!(
        KvbmConfig::extract_from(figment.clone()).unwrap(),
        loaded.config
    );
    let name = |key: &str| figment.find_metadata(key).map(|m| m.name.to_string());
    assert_eq!(
        name("cache.host.num_blocks").as_deref(),
        Some("env KVBM_CACHE_HOST_NUM_BLOCKS")
    );
    assert_eq!(
        name("rayon.num_threads").as_deref(),
        Some("JSON profile `leader`")
    );
    assert_eq!(
        name("tokio.max_blocking_threads"),
        Some(format!("file {}:2 [leader]", system.display()))
    );
}

#[test]
fn a_provider_merged_on_top_wins_and_is_checked() {
    let figment = loader()
        .env([("KVBM_TOKIO_MAX_BLOCKING_THREADS", "5")])
        .figment()
        .merge(Toml::string(
            "[tokio]\nmax_blocking_threads = 6\n[nova.discovery.etcd]\ncluster_id = \"c\"\n",
        ));
    let config = KvbmConfig::extract_from(figment).unwrap();
    assert_eq!(config.tokio.max_blocking_threads, 6);
    assert!(
        config.nova.discovery.is_some(),
        "the table spelling is accepted here too"
    );

    let typo = Figment::new().merge(Json::string(r#"{"tokio": {"worker_treads": 1}}"#));
    let error = KvbmConfig::extract_from(typo).unwrap_err();
    let problem = error
        .problem_for("tokio.worker_treads")
        .expect("unknown key");
    assert_eq!(problem.source.to_string(), "JSON source string");
    assert!(problem.message.contains("`worker_threads`"), "{problem}");
}

#[test]
fn problems_reading_the_sources_surface_at_extraction() {
    let error =
        KvbmConfig::extract_from(loader().env([("KVBM_RAYON_NUM_THREADS", "many")]).figment())
            .unwrap_err();
    let problem = &error.problems()[0];
    assert_eq!(problem.key, "rayon.num_threads");
    assert_eq!(problem.source.to_string(), "env KVBM_RAYON_NUM_THREADS");
}

#[test]
fn extracting_a_serialized_config_gives_it_back() {
    let mut config = KvbmConfig::default();
    config.cache.disk.num_blocks = Some(12);
    let back = KvbmConfig::extract_from(Figment::from(Serialized::defaults(&config))).unwrap();
    assert_eq!(back, config);
}
