//! The load report (origins), warnings, strict mode and redaction of credentials.

mod common;

use common::{load_err, loader, Files};
use kvbm_config::{ProblemKind, Role, Source};

#[test]
fn the_report_shows_every_value_with_its_origin_like_git_config() {
    let files = Files::new();
    let system = files.write(
        "system.toml",
        "[tokio]\nworker_threads = 2\nmax_blocking_threads = 100\n",
    );
    let user = files.write(
        "user.toml",
        "[rayon]\n\nnum_threads = 3\n[tokio]\nmax_blocking_threads = 200\n",
    );
    let loaded = loader()
        .system_file(&system)
        .env([
            ("KVBM_CONFIG_PATH", user.to_str().unwrap()),
            ("KVBM_CACHE_HOST_NUM_BLOCKS", "64"),
            ("KVBM_TOKIO_MAX_BLOCKING_THREADS", "300"),
        ])
        .json(r#"{"leader": {"cache": {"disk": {"cache_size_gb": 1.5}}}}"#)
        .role(Role::Leader)
        .load()
        .unwrap();
    let text = loaded.show_origin();
    let line = |key: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{key} = ")))
            .unwrap_or_else(|| panic!("{key} not in:\n{text}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        line("tokio.worker_threads"),
        format!("tokio.worker_threads = 2 # file {}:2", system.display())
    );
    assert_eq!(
        line("rayon.num_threads"),
        format!("rayon.num_threads = 3 # file {}:3", user.display())
    );
    assert_eq!(
        line("cache.host.num_blocks"),
        "cache.host.num_blocks = 64 # env KVBM_CACHE_HOST_NUM_BLOCKS"
    );
    assert_eq!(
        line("cache.disk.cache_size_gb"),
        "cache.disk.cache_size_gb = 1.5 # JSON profile `leader`"
    );
    assert_eq!(line("onboard.mode"), "onboard.mode = \"inter\" # default");
    assert_eq!(
        line("cache.host.cache_size_gb"),
        "cache.host.cache_size_gb = (unset) # default"
    );
    // Set in three layers, overridden twice: the highest wins and is named.
    assert_eq!(
        line("tokio.max_blocking_threads"),
        "tokio.max_blocking_threads = 300 # env KVBM_TOKIO_MAX_BLOCKING_THREADS"
    );
    assert_eq!(
        loaded.report.origin("tokio.max_blocking_threads"),
        Source::Env {
            var: "KVBM_TOKIO_MAX_BLOCKING_THREADS".into()
        }
    );
    // Stable and sorted.
    let keys: Vec<&str> = text.lines().map(|l| l.split(' ').next().unwrap()).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(text, loaded.show_origin());
    // Fields of inactive variants are left out.
    assert!(!text.contains("nova.discovery.ttl_secs"), "{text}");
}

#[test]
fn the_report_lists_only_the_active_variants_fields() {
    let loaded = loader()
        .env([
            ("KVBM_NOVA_DISCOVERY_TYPE", "filesystem"),
            ("KVBM_NOVA_DISCOVERY_PATH", "/tmp/x.json"),
        ])
        .load()
        .unwrap();
    let keys: Vec<String> = loaded
        .entries()
        .into_iter()
        .map(|e| e.key)
        .filter(|k| k.starts_with("nova.discovery"))
        .collect();
    assert_eq!(keys, ["nova.discovery.path", "nova.discovery.type"]);
}

#[test]
fn a_size_shadowed_by_a_block_count_is_a_warning() {
    let loaded = loader()
        .env([
            ("KVBM_CACHE_HOST_SIZE_GB", "4"),
            ("KVBM_CACHE_HOST_NUM_BLOCKS", "100"),
        ])
        .load()
        .unwrap();
    let warning = &loaded.report.warnings()[0];
    assert_eq!(warning.key, "cache.host.cache_size_gb");
    assert_eq!(
        warning.source,
        Source::Env {
            var: "KVBM_CACHE_HOST_SIZE_GB".into()
        }
    );
    assert!(warning.message.contains("num_blocks"), "{warning}");
}

#[test]
fn presence_lfu_settings_without_the_policy_are_a_warning() {
    let json = r#"{"offload": {"g2_to_g3": {"policies": ["presence"], "presence_lfu": {"min_lfu_count": 4}}}}"#;
    let loaded = loader().json(json).load().unwrap();
    assert_eq!(
        loaded.report.warnings()[0].key,
        "offload.g2_to_g3.presence_lfu.min_lfu_count"
    );
    let with_policy = r#"{"offload": {"g2_to_g3": {"presence_lfu": {"min_lfu_count": 4}}}}"#;
    assert!(loader()
        .json(with_policy)
        .load()
        .unwrap()
        .report
        .warnings()
        .is_empty());
}

#[test]
fn a_worker_without_nixl_backends_is_a_warning() {
    let json = r#"{"worker": {"nixl": {"backends": {}}}}"#;
    let worker = loader().json(json).role(Role::Worker).load().unwrap();
    assert_eq!(worker.report.warnings()[0].key, "nixl.backends");
    let leader = loader().json(json).role(Role::Leader).load().unwrap();
    assert!(leader.report.warnings().is_empty());
}

/// Whether a directory exists is a fact of the host that runs the process, so the load
/// never looks: the same config gets the same verdict on a CI runner without
/// `/mnt/shared`, and `--strict` does not fail there. Preflight checks the directory.
#[test]
fn a_filesystem_discovery_path_in_a_missing_directory_is_not_the_loads_business() {
    let files = Files::new();
    let missing = files.missing("no-such-dir").join("cluster.json");
    let load = loader()
        .env([
            ("KVBM_NOVA_DISCOVERY_TYPE", "filesystem".to_string()),
            ("KVBM_NOVA_DISCOVERY_PATH", missing.display().to_string()),
        ])
        .strict(true)
        .load()
        .unwrap();
    assert!(
        load.report.warnings().is_empty(),
        "{:?}",
        load.report.warnings()
    );
}

#[test]
fn strict_mode_turns_warnings_into_errors() {
    let lenient = loader().env([("KVBM_TOKIO_WORKER_THREAD", "2")]);
    assert_eq!(lenient.load().unwrap().report.warnings().len(), 1);
    let error = load_err(lenient.strict(true));
    let problem = error
        .problem_for("KVBM_TOKIO_WORKER_THREAD")
        .expect("the warning as a problem");
    assert_eq!(problem.kind, ProblemKind::Warning);
    assert!(
        problem.message.contains("KVBM_TOKIO_WORKER_THREADS"),
        "{problem}"
    );
}

#[test]
fn credentials_in_urls_never_appear_in_rendered_text() {
    const SECRET: &str = "hunter2";
    let url = format!("http://admin:{SECRET}@minio:9000");
    let files = Files::new();
    let user = files.write(
        "user.toml",
        format!("[nova.discovery]\ntype = \"etcd\"\ncluster_id = \"c\"\nendpoints = [\"http://root:{SECRET}@etcd:2379\"]\n"),
    );
    let json = format!(
        r#"{{"object": {{"client": {{"type": "s3", "endpoint_url": "{url}"}}}}, "nixl": {{"backends": {{"OBJ": {{"secret_key": "{SECRET}", "bucket": "b"}}}}}}}}"#
    );
    let loaded = loader()
        .user_file(&user)
        .json(json.as_str())
        .load()
        .unwrap();
    let config = &loaded.config;
    assert_eq!(
        config
            .object
            .as_ref()
            .unwrap()
            .client
            .s3()
            .endpoint_url
            .as_deref(),
        Some(url.as_str()),
        "the real value stays"
    );
    assert_eq!(config.nixl.backends["OBJ"]["secret_key"], SECRET);
    let mut rendered = vec![
        format!("{config:?}"),
        format!("{loaded:?}"),
        loaded.show_origin(),
    ];
    assert!(
        rendered[2].contains("http://admin:***@minio:9000"),
        "{}",
        rendered[2]
    );

    // Errors: a bad value next to the secret, a secret in a value of the wrong type, in env.
    let bad = format!(
        r#"{{"object": {{"client": {{"type": "s3", "endpoint_url": "{url}", "bucket": ""}}}}, "cache": {{"host": {{"cache_size_gb": "{url}"}}}}}}"#
    );
    rendered.push(load_err(loader().json(bad)).to_string());
    rendered.push(load_err(loader().env([("KVBM_CACHE_DISK_SIZE_GB", url.as_str())])).to_string());
    let wrong_variant =
        format!(r#"{{"object": {{"client": {{"type": "s3", "backend": "{url}"}}}}}}"#);
    rendered.push(load_err(loader().json(wrong_variant)).to_string());
    // Warnings.
    let shadowed = loader().env([
        ("KVBM_CACHE_DISK_SIZE_GB", "1"),
        ("KVBM_CACHE_DISK_NUM_BLOCKS", "1"),
        ("KVBM_OBJECT_CLIENT_TYPE", "s3"),
        ("KVBM_OBJECT_CLIENT_ENDPOINT_URL", url.as_str()),
    ]);
    let shadowed = shadowed.load().unwrap();
    rendered.extend(shadowed.report.warnings().iter().map(ToString::to_string));
    rendered.push(shadowed.show_origin());
    for text in &rendered {
        assert!(!text.contains(SECRET), "a credential leaked:\n{text}");
    }
}

/// Counts the `tracing` events emitted on this thread (no global subscriber is installed).
#[derive(Default, Clone)]
struct CountingSubscriber(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl tracing::Subscriber for CountingSubscriber {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut target = event.metadata().target().to_string();
        target.push_str(&format!(" {}", event.metadata().level()));
        self.0.lock().unwrap().push(target);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn warnings_are_emitted_once_each_as_tracing_events() {
    let subscriber = CountingSubscriber::default();
    let events = subscriber.0.clone();
    let loaded = loader()
        .env([
            ("KVBM_TOKIO_WORKER_THREAD", "2"),
            ("KVBM_RAYON_NUM_THREADS", ""),
        ])
        .load()
        .unwrap();
    tracing::subscriber::with_default(subscriber, || loaded.log_warnings());
    assert_eq!(
        *events.lock().unwrap(),
        ["kvbm_config WARN", "kvbm_config WARN"]
    );
}

#[test]
fn debug_shows_every_declared_setting() {
    // `Debug` is generated from the declarations: a new field cannot vanish from it. The
    // full example sets every setting in some profile, each variant in one of them.
    let json = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/kvbm.full.example.json"
    ))
    .unwrap();
    let shown: String = [Role::Leader, Role::Worker]
        .into_iter()
        .map(|role| {
            let loaded = loader().json(json.as_str()).role(role).load().unwrap();
            format!("{:?}", loaded.config)
        })
        .chain([format!(
            "{:?}",
            loader().json(json.as_str()).load().unwrap().config
        )])
        .collect();
    for setting in kvbm_config::registry::settings() {
        if setting.is_variant_tag() {
            continue;
        }
        assert!(
            shown.contains(&format!("{}: ", setting.name())),
            "`{}` is missing from Debug: {shown}",
            setting.key
        );
    }
}
