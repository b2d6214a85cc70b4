//! The example files, the spec's examples and the README tables, checked against the code.

mod common;

use common::{json_for, load, loader, repo_file, Files};
use kvbm_config::nova::DiscoveryConfig;
use kvbm_config::object::ObjectClientConfig;
use kvbm_config::{KvbmConfig, Role, Source};

const ROLES: [Role; 2] = [Role::Leader, Role::Worker];

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start} missing"))
        + start.len();
    let to = from
        + text[from..]
            .find(end)
            .unwrap_or_else(|| panic!("{end} missing"));
    text[from..to].trim_start_matches('\n')
}

#[test]
fn the_readme_set_up_has_the_two_commands() {
    let readme = repo_file("README.md");
    let setup = between(&readme, "## Set-up", "## Use from Rust");
    let commands: Vec<&str> = between(setup, "```bash", "```")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(
        commands,
        [
            "cargo run --features cli -- show --role leader --config kvbm.example.toml --json kvbm.example.json --origin",
            "cargo test --all-features"
        ]
    );
    let ci = repo_file(".ci/run");
    assert!(
        ci.lines().any(|l| l.trim() == commands[1]),
        ".ci/run runs the README's test command"
    );
}

#[test]
fn the_example_toml_loads_as_system_or_user_file_to_the_defaults_for_both_roles() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("kvbm.example.toml");
    for role in ROLES {
        assert_eq!(
            load(loader().system_file(&path).role(role)),
            KvbmConfig::default()
        );
        // Restating every default is not a mistake: no warning either.
        let loaded = loader().user_file(&path).role(role).load().unwrap();
        assert_eq!(loaded.report.warnings(), [], "{role}");
        assert_eq!(
            load(loader().user_file(&path).role(role)),
            KvbmConfig::default()
        );
    }
}

/// Each commented-out one-of block of the template, uncommented, is a valid config.
#[test]
fn the_templates_commented_blocks_are_valid_when_uncommented() {
    let template = kvbm_config::docs::template();
    let mut blocks: Vec<String> = Vec::new();
    for line in template.lines() {
        if line == "# [nova.discovery]" || line == "# [object.client]" {
            blocks.push(String::new());
        }
        match (blocks.last_mut(), line.strip_prefix("# ")) {
            (Some(block), Some(setting)) if !setting.starts_with('#') => {
                block.push_str(setting);
                block.push('\n');
            }
            (Some(_), _) if line == "#" || line.is_empty() => blocks.push(String::new()),
            _ => {}
        }
    }
    let blocks: Vec<&String> = blocks.iter().filter(|b| b.contains("type = ")).collect();
    assert_eq!(blocks.len(), 5, "three discovery and two client blocks");
    let files = Files::new();
    for block in blocks {
        let path = files.write("block.toml", block);
        let config = load(loader().user_file(&path));
        assert!(
            config.nova.discovery.is_some() || config.object.is_some(),
            "{block}"
        );
    }
}

#[test]
fn the_minimal_example_json_loads_for_both_roles() {
    let json = repo_file("kvbm.example.json");
    let leader = json_for(Role::Leader, &json);
    assert_eq!(leader.cache.host.cache_size_gb, Some(2.0));
    let worker = json_for(Role::Worker, &json);
    assert_eq!(worker.cache.host.cache_size_gb, None);
    assert_eq!(
        worker.nixl.backends.keys().collect::<Vec<_>>(),
        ["POSIX", "UCX"]
    );
}

#[test]
fn the_full_example_json_loads_for_both_roles() {
    let json = repo_file("kvbm.full.example.json");
    // One-of variants are handed out in order: the first to the leader, the second to the
    // workers, the third to `default` (seen by a load without a role).
    let leader = json_for(Role::Leader, &json);
    assert!(matches!(
        leader.nova.discovery,
        Some(DiscoveryConfig::Etcd(_))
    ));
    assert!(matches!(
        leader.object.as_ref().map(|o| &o.client),
        Some(ObjectClientConfig::S3(_))
    ));
    // Settings that exclude each other go to different roles.
    assert_eq!(leader.nova.backend.tcp_addr.as_deref(), Some("10.0.0.5"));
    assert_eq!(leader.nova.backend.tcp_interface, None);
    let worker = json_for(Role::Worker, &json);
    assert!(matches!(
        worker.nova.discovery,
        Some(DiscoveryConfig::P2p(_))
    ));
    assert!(matches!(
        worker.object.as_ref().map(|o| &o.client),
        Some(ObjectClientConfig::Nixl(_))
    ));
    assert_eq!(worker.nova.backend.tcp_interface.as_deref(), Some("eth0"));
    // Values come from each declaration's `example`.
    assert_eq!(worker.nixl.backends["GDS"]["num_threads"], "4");
    assert_eq!(worker.cache.host.cache_size_gb, Some(4.0));
    let neither = common::load(loader().json(json.as_str()));
    assert!(matches!(
        neither.nova.discovery,
        Some(DiscoveryConfig::Filesystem(_))
    ));
}

/// "Every option": each registered key is set by some profile of the full example.
#[test]
fn the_full_example_json_sets_every_option() {
    let json = repo_file("kvbm.full.example.json");
    let mut unset: Vec<&str> = kvbm_config::registry::settings()
        .iter()
        .map(|f| f.key)
        .collect();
    for role in ROLES {
        let loaded = loader().json(json.as_str()).role(role).load().unwrap();
        unset.retain(|key| loaded.report.origin(key) == Source::Default);
    }
    // The filesystem variant only shows in a load with no role (the roles replace it).
    let loaded = loader().json(json.as_str()).load().unwrap();
    unset.retain(|key| loaded.report.origin(key) == Source::Default);
    assert!(unset.is_empty(), "not in kvbm.full.example.json: {unset:?}");
}

#[test]
fn the_specs_quick_start_toml_loads_for_both_roles() {
    let files = Files::new();
    let path = files.write(
        "kvbm.toml",
        "[tokio]\nworker_threads = 4\n\n[cache.host]\ncache_size_gb = 4.0\n\n[offload.g2_to_g3.presence_lfu]\nmin_lfu_count = 16\n",
    );
    for role in ROLES {
        let config = load(loader().user_file(&path).role(role));
        assert_eq!(config.tokio.worker_threads, 4);
        assert_eq!(config.cache.host.cache_size_gb, Some(4.0));
        assert_eq!(config.offload.g2_to_g3.presence_lfu.min_lfu_count, 16);
    }
}

#[test]
fn the_specs_object_toml_loads_for_both_roles() {
    let files = Files::new();
    let path = files.write(
        "kvbm.toml",
        r#"[object.client]
type = "s3"
bucket = "kvbm-blocks"
region = "us-east-1"
# endpoint_url = "http://localhost:9000"  # For MinIO
# force_path_style = true                  # Required for MinIO
max_concurrent_requests = 16
"#,
    );
    for role in ROLES {
        let config = load(loader().system_file(&path).role(role));
        let client = config.object.expect("G4 on").client;
        assert_eq!(client, ObjectClientConfig::S3(Default::default()));
    }
}

#[test]
fn the_specs_discovery_snippets_load() {
    let files = Files::new();
    for snippet in [
        "[nova.discovery.etcd]\ncluster_id = \"my-cluster\"\nendpoints = [\"http://localhost:2379\"]\nttl_secs = 60\n",
        "[nova.discovery.p2p]\ncluster_id = \"my-cluster\"\nbootstrap_peers = [\"192.168.1.10:5000\"]\n",
        "[nova.discovery.filesystem]\npath = \"/tmp/kvbm-discovery\"\n",
        "[nixl.backends]\nUCX = {}      # Unified Communication X\nPOSIX = {}    # Standard POSIX I/O\n# GDS = {}    # GPUDirect Storage\n",
    ] {
        let path = files.write("kvbm.toml", snippet);
        load(loader().user_file(&path));
    }
}

/// The spec's complete JSON example, as the spec prints it (shared with the benchmark).
const SPEC_COMPLETE_EXAMPLE: &str = include_str!("data/spec-complete-example.json");

#[test]
fn the_specs_complete_json_example_loads_for_both_roles() {
    let leader = json_for(Role::Leader, SPEC_COMPLETE_EXAMPLE);
    assert_eq!(
        (leader.tokio.worker_threads, leader.cache.host.cache_size_gb),
        (2, Some(4.0))
    );
    assert!(matches!(
        leader.nova.discovery,
        Some(DiscoveryConfig::Filesystem(_))
    ));
    let s3 = leader.object.expect("leader has G4").client;
    assert_eq!(s3.s3().endpoint_url.as_deref(), Some("http://minio:9000"));
    assert!(s3.s3().force_path_style);

    let worker = json_for(Role::Worker, SPEC_COMPLETE_EXAMPLE);
    assert_eq!(
        (worker.tokio.worker_threads, worker.cache.host.cache_size_gb),
        (1, Some(2.0))
    );
    assert_eq!(
        (worker.nova.discovery.as_ref(), worker.object.as_ref()),
        (None, None)
    );
}

#[test]
fn the_readme_error_sample_is_what_a_load_prints() {
    let readme = repo_file("README.md");
    let section = between(
        &readme,
        "## Errors, warnings and secrets",
        "`ConfigError::problems()`",
    );
    let sample = between(section, "```text\n", "```");
    let files = Files::new();
    let system = files.write("kvbm.toml", "[tokio]\nworker_threads = \"four\"\n");
    let error = common::load_err(
        loader()
            .system_file(&system)
            .env([("KVBM_CACHE_HOST_NUM_BLOCKS", "lots")])
            .json(r#"{"offload": {"g1_to_g2": {"policies": ["presense"]}}}"#),
    );
    let printed = error
        .to_string()
        .replace(&system.display().to_string(), "/opt/dynamo/etc/kvbm.toml");
    assert_eq!(sample.trim_end(), printed);
}

/// The leader's and a worker's loads of an example, both in strict mode.
fn both_roles(example: &str) -> [kvbm_config::Loaded; 2] {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(example);
    [Role::Leader, Role::Worker].map(|role| {
        let loader = match example.ends_with(".toml") {
            true => loader().user_file(&path),
            false => loader().json_file(&path),
        };
        loader
            .role(role)
            .strict(true)
            .load()
            .unwrap_or_else(|e| panic!("{example} ({role}):\n{e}"))
    })
}

/// Preflight of one leader and 8 workers of an example on a described 64-CPU, 512 GB host.
fn preflight_findings(loaded: &[kvbm_config::Loaded; 2]) -> Vec<kvbm_config::preflight::Finding> {
    use kvbm_config::preflight::{self, Host, Processes};
    let mut host = Host::from_json(
        r#"{"memory": {"total": 512000000000, "available": 500000000000},
            "cpus": {"affinity": 64},
            "interfaces": [{"name": "lo", "addrs": ["127.0.0.1"]}]}"#,
    )
    .unwrap();
    let processes = [
        Processes {
            role: Some(Role::Leader),
            count: 1,
            loaded: &loaded[0],
        },
        Processes {
            role: Some(Role::Worker),
            count: 8,
            loaded: &loaded[1],
        },
    ];
    preflight::run_node(&processes, &mut host, None)
}

/// The two everyday examples pass what an operator runs before a launch: `check --role
/// all --strict` (both roles load without a warning and agree) and `preflight --strict`
/// (no error, no warning, nothing unchecked).
#[test]
fn the_everyday_examples_pass_check_and_preflight_strictly() {
    for example in ["kvbm.example.toml", "kvbm.example.json"] {
        let loaded = both_roles(example);
        let disagreements = kvbm_config::agreement::disagreements(&loaded[0], &loaded[1]);
        assert!(disagreements.is_empty(), "{example}: {disagreements:?}");
        let findings = preflight_findings(&loaded);
        let blocking: Vec<_> = findings
            .iter()
            .filter(|f| f.severity != kvbm_config::preflight::Severity::Info || f.is_unchecked())
            .collect();
        assert!(blocking.is_empty(), "{example}: {blocking:?}");
    }
}

/// The full example deliberately fails `check --role all`, for the reason the README
/// gives: to show every variant it hands the leader and the workers different discovery
/// and object clients, which every process must share. Nothing else disagrees.
#[test]
fn the_full_example_fails_agreement_only_as_the_readme_says() {
    let json = repo_file("kvbm.full.example.json");
    let leader = loader()
        .json(json.as_str())
        .role(Role::Leader)
        .load()
        .unwrap();
    let worker = loader()
        .json(json.as_str())
        .role(Role::Worker)
        .load()
        .unwrap();
    let disagreements = kvbm_config::agreement::disagreements(&leader, &worker);
    assert!(!disagreements.is_empty());
    for disagreement in &disagreements {
        let key = disagreement.key.to_string();
        assert!(
            key.starts_with("nova.discovery.") || key.starts_with("object.client."),
            "{key}"
        );
    }
    let readme = repo_file("README.md");
    assert!(
        readme.contains("deliberately fails `check --role all`"),
        "the README says why"
    );
}
