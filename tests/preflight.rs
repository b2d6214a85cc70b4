//! Preflight: every rule at, below and above its threshold, with injected hosts; the real
//! probe on this machine.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use common::loader;
use kvbm_config::preflight::{
    self, Cpus, Finding, FsKind, Gds, Host, Interface, Limit, Memory, Options, PathFacts,
    PathState, Processes, Rdma, Severity,
};
use kvbm_config::{Loaded, Role};

const GB: u64 = 1_000_000_000;

fn load(env: &[(&str, &str)]) -> Loaded {
    loader()
        .env(env.iter().copied())
        .load()
        .expect("valid config")
}

fn host_with_memory(limit_gb: u64) -> Host {
    Host {
        memory: Memory {
            total: Some(limit_gb * GB),
            available: Some(limit_gb * GB),
            cgroup_limit: None,
        },
        ..Host::default()
    }
}

fn run(loaded: &Loaded, host: &mut Host, workers: u32) -> Vec<Finding> {
    preflight::run(
        loaded,
        host,
        Options {
            workers,
            block_bytes: None,
        },
    )
}

fn of<'a>(findings: &'a [Finding], check: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.check == check).collect()
}

fn severities(findings: &[Finding], check: &str) -> Vec<Severity> {
    of(findings, check).iter().map(|f| f.severity).collect()
}

fn dir(writable: bool, free_gb: u64, fs: FsKind) -> PathFacts {
    PathFacts {
        state: PathState::Directory { writable },
        free_bytes: Some(free_gb * GB),
        fs: Some(fs),
        device: None,
    }
}

#[test]
fn host_memory_is_checked_at_90_percent_and_at_the_limit() {
    let cases = [
        ("30", vec![]),
        ("31", vec![Severity::Warning]),
        ("34", vec![Severity::Error]),
    ];
    for (size, expected) in cases {
        let loaded = load(&[("KVBM_CACHE_HOST_SIZE_GB", size)]);
        let findings = run(&loaded, &mut host_with_memory(100), 3);
        assert_eq!(
            severities(&findings, "g2-memory"),
            expected,
            "3 × {size} GB of 100 GB"
        );
    }
    let loaded = load(&[("KVBM_CACHE_HOST_SIZE_GB", "34")]);
    let findings = run(&loaded, &mut host_with_memory(100), 3);
    let error = of(&findings, "g2-memory")[0];
    assert_eq!(error.key, "cache.host.cache_size_gb");
    assert_eq!(error.source.to_string(), "env KVBM_CACHE_HOST_SIZE_GB");
    assert_eq!(error.value.as_deref(), Some("34.0"));
    assert!(
        error.message.contains("102.0 GB (95.0 GiB)")
            && error.message.contains("100.0 GB (93.1 GiB)"),
        "{error}"
    );
}

#[test]
fn the_cgroup_limit_and_available_memory_count() {
    let loaded = load(&[("KVBM_CACHE_HOST_SIZE_GB", "10")]);
    let mut host = host_with_memory(100);
    host.memory.cgroup_limit = Some(15 * GB);
    assert_eq!(host.memory.effective_limit(), Some(15 * GB));
    assert_eq!(
        severities(&run(&loaded, &mut host, 2), "g2-memory"),
        [Severity::Error]
    );
    let mut host = host_with_memory(100);
    host.memory.available = Some(15 * GB);
    let findings = run(&loaded, &mut host, 2);
    assert_eq!(severities(&findings, "g2-memory"), [Severity::Warning]);
    assert!(of(&findings, "g2-memory")[0].message.contains("available"));
    let findings = run(&loaded, &mut Host::default(), 1);
    assert_eq!(
        severities(&findings, "g2-memory"),
        [Severity::Info],
        "an unknown limit could not be checked: info, never a failure"
    );
    assert!(of(&findings, "g2-memory")[0]
        .message
        .starts_with("could not check"));
}

#[test]
fn a_tier_sized_by_blocks_needs_the_block_size() {
    let loaded = load(&[("KVBM_CACHE_HOST_NUM_BLOCKS", "1000")]);
    let findings = run(&loaded, &mut host_with_memory(100), 1);
    let warning = of(&findings, "g2-memory")[0];
    assert_eq!(warning.key, "cache.host.num_blocks");
    assert!(warning.message.contains("--block-bytes"), "{warning}");
    let options = Options {
        workers: 1,
        block_bytes: Some(101 * GB / 1000),
    };
    let findings = preflight::run(&loaded, &mut host_with_memory(100), options);
    assert_eq!(
        severities(&findings, "g2-memory"),
        [Severity::Error],
        "1000 × 101 MB"
    );
}

#[test]
fn disk_space_is_checked_per_worker() {
    let path = "/cache";
    for (size, expected) in [("50", vec![]), ("51", vec![Severity::Error])] {
        let loaded = load(&[
            ("KVBM_CACHE_DISK_SIZE_GB", size),
            ("KVBM_CACHE_DISK_STORAGE_PATH", path),
        ]);
        let mut host = host_with_memory(1000).with_path(path, dir(true, 100, FsKind::Other));
        assert_eq!(
            severities(&run(&loaded, &mut host, 2), "g3-disk"),
            expected,
            "2 × {size}"
        );
    }
}

#[test]
fn the_storage_path_must_be_a_writable_directory_or_creatable() {
    let loaded = load(&[("KVBM_CACHE_DISK_STORAGE_PATH", "/cache")]);
    let cases = [
        (PathState::NotDirectory, Severity::Error),
        (PathState::Directory { writable: false }, Severity::Error),
        (
            PathState::Missing {
                parent_writable: false,
            },
            Severity::Error,
        ),
        (
            PathState::Missing {
                parent_writable: true,
            },
            Severity::Info,
        ),
    ];
    for (state, expected) in cases.iter().copied() {
        let facts = PathFacts {
            state,
            free_bytes: Some(GB),
            fs: Some(FsKind::Other),
            device: None,
        };
        let mut host = Host::default().with_path("/cache", facts);
        assert_eq!(
            severities(&run(&loaded, &mut host, 1), "g3-disk"),
            [expected],
            "{state:?}"
        );
    }
}

#[test]
fn a_disk_tier_on_tmpfs_is_a_warning_and_counts_as_memory() {
    let loaded = load(&[
        ("KVBM_CACHE_HOST_SIZE_GB", "40"),
        ("KVBM_CACHE_DISK_SIZE_GB", "20"),
        ("KVBM_CACHE_DISK_STORAGE_PATH", "/dev/shm/kvbm"),
    ]);
    let mut host = host_with_memory(100).with_path("/dev/shm/kvbm", dir(true, 100, FsKind::Tmpfs));
    let findings = run(&loaded, &mut host, 2);
    assert_eq!(severities(&findings, "g3-disk"), [Severity::Warning]);
    assert_eq!(
        severities(&findings, "g2-memory"),
        [Severity::Error],
        "2 × (40 + 20) > 100"
    );
    let mut host = host_with_memory(100).with_path("/dev/shm/kvbm", dir(true, 100, FsKind::Other));
    assert!(
        severities(&run(&loaded, &mut host, 2), "g2-memory").is_empty(),
        "2 × 40 of 100 GB"
    );
}

#[test]
fn a_disk_size_without_a_path_is_a_warning() {
    let loaded = load(&[("KVBM_CACHE_DISK_SIZE_GB", "10")]);
    let findings = run(&loaded, &mut Host::default(), 1);
    assert_eq!(severities(&findings, "g3-disk"), [Severity::Warning]);
}

#[test]
fn gds_without_the_driver_is_a_warning() {
    let loaded = load(&[("KVBM_CACHE_DISK_USE_GDS", "true")]);
    assert_eq!(
        severities(&run(&loaded, &mut Host::default(), 1), "gds"),
        [Severity::Warning]
    );
    // The cuFile configuration alone makes no device: still a warning, which names it.
    let mut host = Host {
        gds: Gds {
            devices: vec![],
            cufile_json: Some("/etc/cufile.json".into()),
        },
        ..Host::default()
    };
    let findings = run(&loaded, &mut host, 1);
    assert!(of(&findings, "gds")[0].message.contains("/etc/cufile.json"));
    let mut host = Host {
        gds: Gds {
            devices: vec!["/dev/nvidia-fs0".into()],
            cufile_json: None,
        },
        ..Host::default()
    };
    assert!(of(&run(&loaded, &mut host, 1), "gds").is_empty());
}

fn cpu_host(usable: usize) -> Host {
    Host {
        cpus: Cpus {
            affinity: Some(usable),
            quota: None,
        },
        ..Host::default()
    }
}

#[test]
fn threads_set_above_the_usable_cpus_are_a_warning_and_totals_are_info() {
    // Per process: at, below and above the usable CPUs, set explicitly.
    for (threads, expected) in [("3", vec![]), ("4", vec![]), ("5", vec![Severity::Warning])] {
        let loaded = load(&[
            ("KVBM_TOKIO_WORKER_THREADS", threads),
            ("KVBM_RAYON_NUM_THREADS", "1"),
        ]);
        assert_eq!(
            severities(&run(&loaded, &mut cpu_host(4), 1), "cpu"),
            expected,
            "{threads} threads on 4"
        );
    }
    // A total over every process: 2 × 2 on 4 is fine, 3 × 2 on 4 is info with the way out.
    let loaded = load(&[
        ("KVBM_TOKIO_WORKER_THREADS", "2"),
        ("KVBM_RAYON_NUM_THREADS", "1"),
    ]);
    assert!(of(&run(&loaded, &mut cpu_host(4), 2), "cpu").is_empty());
    let findings = run(&loaded, &mut cpu_host(4), 3);
    let info = of(&findings, "cpu")[0];
    assert_eq!(info.severity, Severity::Info);
    assert!(
        info.message
            .contains("3 workers × 2 = 6 threads on 4 usable CPUs"),
        "{info}"
    );
    assert!(info.message.contains("KVBM_TOKIO_WORKER_THREADS"), "{info}");
    // The quota caps the affinity, rounded up.
    let mut host = cpu_host(4);
    host.cpus.quota = Some(1.5);
    assert_eq!(host.cpus.usable(), Some(2));
}

#[test]
fn default_thread_counts_are_never_a_warning() {
    // `rayon.num_threads` defaults to the CPU count: more than a 1-CPU quota allows, and
    // times 8 workers more still. Operators did not choose it: info, and --strict passes.
    let loaded = load(&[]);
    let mut host = cpu_host(1);
    let findings = run(&loaded, &mut host, 8);
    assert!(
        findings.iter().all(|f| f.severity == Severity::Info),
        "{findings:?}"
    );
}

fn network_host() -> Host {
    Host {
        interfaces: Some(vec![
            Interface {
                name: "bare".into(),
                addrs: vec![],
            },
            Interface {
                name: "eth0".into(),
                addrs: vec!["fe80::1".parse().unwrap()],
            },
            Interface {
                name: "lo".into(),
                addrs: vec![IpAddr::V4(Ipv4Addr::LOCALHOST)],
            },
        ]),
        ..Host::default()
    }
}

#[test]
fn the_interface_and_address_must_exist_here() {
    let findings = run(
        &load(&[("KVBM_NOVA_BACKEND_TCP_INTERFACE", "eth9")]),
        &mut network_host(),
        1,
    );
    let error = of(&findings, "network")[0];
    assert!(error.message.contains("bare, eth0, lo"), "{error}");
    let findings = run(
        &load(&[("KVBM_NOVA_BACKEND_TCP_INTERFACE", "bare")]),
        &mut network_host(),
        1,
    );
    assert!(of(&findings, "network")[0]
        .message
        .contains("has no address"));
    // IPv6 only: Nova binds the interface's IPv4 address, so start-up would fail.
    let findings = run(
        &load(&[("KVBM_NOVA_BACKEND_TCP_INTERFACE", "eth0")]),
        &mut network_host(),
        1,
    );
    let error = of(&findings, "network")[0];
    assert_eq!(error.severity, Severity::Error);
    assert!(error.message.contains("only IPv6 addresses"), "{error}");
    assert!(of(
        &run(
            &load(&[("KVBM_NOVA_BACKEND_TCP_INTERFACE", "lo")]),
            &mut network_host(),
            1
        ),
        "network"
    )
    .is_empty());
    let findings = run(
        &load(&[("KVBM_NOVA_BACKEND_TCP_ADDR", "10.9.9.9")]),
        &mut network_host(),
        1,
    );
    assert_eq!(of(&findings, "network")[0].key, "nova.backend.tcp_addr");
    for ok in [
        "127.0.0.1",
        "127.0.0.2",
        "127.255.0.9",
        "0.0.0.0",
        "::1",
        "fe80::1",
    ] {
        let findings = run(
            &load(&[("KVBM_NOVA_BACKEND_TCP_ADDR", ok)]),
            &mut network_host(),
            1,
        );
        assert!(of(&findings, "network").is_empty(), "{ok}");
    }
}

#[test]
fn a_taken_port_is_an_error_and_port_0_is_never_checked() {
    let addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 5555);
    let mut host = network_host().with_taken_port(addr, "Address already in use");
    let env = [
        ("KVBM_NOVA_BACKEND_TCP_ADDR", "127.0.0.1"),
        ("KVBM_NOVA_BACKEND_TCP_PORT", "5555"),
    ];
    let findings = run(&load(&env), &mut host, 1);
    let error = of(&findings, "network")[0];
    assert_eq!(
        (error.key.as_str(), error.severity),
        ("nova.backend.tcp_port", Severity::Error)
    );
    assert!(error.message.contains("127.0.0.1:5555"), "{error}");
    let env = [
        ("KVBM_NOVA_BACKEND_TCP_ADDR", "127.0.0.1"),
        ("KVBM_NOVA_BACKEND_TCP_PORT", "5556"),
    ];
    // A port the host's facts do not list is unknown, never free.
    let findings = run(&load(&env), &mut host, 1);
    let unknown = of(&findings, "network");
    assert_eq!(unknown.len(), 1, "{findings:?}");
    assert_eq!(unknown[0].severity, Severity::Info);
    assert!(
        unknown[0].message.starts_with("could not check"),
        "{}",
        unknown[0]
    );
    host.free
        .insert(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 5556));
    assert!(of(&run(&load(&env), &mut host, 1), "network").is_empty());
}

#[test]
fn discovery_paths_and_endpoints_are_checked_without_connecting() {
    let env = [
        ("KVBM_NOVA_DISCOVERY_TYPE", "filesystem"),
        ("KVBM_NOVA_DISCOVERY_PATH", "/shared/kvbm.json"),
    ];
    let missing = PathFacts {
        state: PathState::Missing {
            parent_writable: true,
        },
        free_bytes: None,
        fs: None,
        device: None,
    };
    // One rule with the storage path: a missing directory that can be created is info.
    let mut host = Host::default().with_path("/shared", missing);
    let findings = run(&load(&env), &mut host, 1);
    assert_eq!(severities(&findings, "discovery"), [Severity::Info]);
    assert!(of(&findings, "discovery")[0]
        .message
        .contains("filesystem discovery creates it"));
    let missing = PathFacts {
        state: PathState::Missing {
            parent_writable: false,
        },
        free_bytes: None,
        fs: None,
        device: None,
    };
    let mut host = Host::default().with_path("/shared", missing);
    assert_eq!(
        severities(&run(&load(&env), &mut host, 1), "discovery"),
        [Severity::Error]
    );
    let mut host = Host::default().with_path("/shared", dir(true, 1, FsKind::Other));
    assert!(of(&run(&load(&env), &mut host, 1), "discovery").is_empty());
    let env = [
        ("KVBM_NOVA_DISCOVERY_TYPE", "etcd"),
        ("KVBM_NOVA_DISCOVERY_CLUSTER_ID", "c"),
        (
            "KVBM_NOVA_DISCOVERY_ENDPOINTS",
            "http://etcd-0:2379,etcd-1:2379",
        ),
    ];
    // `host:port` is what etcd clients accept: the load and preflight agree on it.
    let findings = run(&load(&env), &mut Host::default(), 1);
    assert!(of(&findings, "discovery").is_empty(), "{findings:?}");
    // Without a port it is refused by the one declared rule, at load.
    let error = common::loader()
        .env([
            ("KVBM_NOVA_DISCOVERY_TYPE", "etcd"),
            ("KVBM_NOVA_DISCOVERY_CLUSTER_ID", "c"),
            ("KVBM_NOVA_DISCOVERY_ENDPOINTS", "etcd-1"),
        ])
        .load()
        .unwrap_err();
    assert_eq!(error.problems()[0].key, "nova.discovery.endpoints");
}

#[test]
fn a_v1_size_is_explained_per_worker() {
    let loaded = load(&[("DYN_KVBM_CPU_CACHE_GB", "64")]);
    let findings = run(&loaded, &mut host_with_memory(10_000), 8);
    let warning = of(&findings, "v1-size")[0];
    assert!(warning.message.contains("8.000 GB per worker"), "{warning}");
    assert!(warning.message.contains(kvbm_config::v1::PER_WORKER_NOTE));
    let deprecation = loaded
        .report
        .warnings()
        .iter()
        .find(|w| w.key == "DYN_KVBM_CPU_CACHE_GB")
        .unwrap();
    assert!(deprecation
        .message
        .contains(kvbm_config::v1::PER_WORKER_NOTE));
    let findings = run(
        &load(&[("KVBM_CACHE_HOST_SIZE_GB", "64")]),
        &mut host_with_memory(10_000),
        8,
    );
    assert!(of(&findings, "v1-size").is_empty());
}

#[test]
fn the_real_probe_reads_this_machine() {
    let mut host = Host::probe();
    assert!(host.memory.total.is_some_and(|t| t > 0));
    assert!(host.cpus.usable().is_some_and(|n| n >= 1));
    assert!(host
        .interfaces
        .as_ref()
        .is_some_and(|list| list.iter().any(|i| i.name == "lo")));
    let temp = std::env::temp_dir();
    let loaded = load(&[
        ("KVBM_CACHE_DISK_SIZE_GB", "0.001"),
        ("KVBM_CACHE_DISK_STORAGE_PATH", temp.to_str().unwrap()),
    ]);
    let _ = run(&loaded, &mut host, 1);
    let facts = host.paths[&temp];
    assert!(facts.free_bytes.is_some_and(|b| b > 0));
    assert!(matches!(facts.state, PathState::Directory { .. }));
}

/// The workers allocate the cache tiers, each its own `cache_size_gb`; the leader
/// coordinates and allocates none, so its profile's size is not counted.
#[test]
fn a_node_counts_the_workers_tiers_and_not_the_leaders() {
    let json = r#"{"leader": {"cache": {"host": {"cache_size_gb": 10.0}}},
                   "worker": {"cache": {"host": {"cache_size_gb": 20.0}}}}"#;
    let leader = loader().json(json).role(Role::Leader).load().unwrap();
    let worker = loader().json(json).role(Role::Worker).load().unwrap();
    let node = |workers: u32| {
        [
            Processes {
                role: Some(Role::Leader),
                count: 1,
                loaded: &leader,
            },
            Processes {
                role: Some(Role::Worker),
                count: workers,
                loaded: &worker,
            },
        ]
    };
    for (workers, expected) in [
        (4, vec![]),                  // 4 × 20 = 80
        (5, vec![Severity::Warning]), // 100: above 90% of the limit
        (6, vec![Severity::Error]),   // 120 > 100
    ] {
        let findings = preflight::run_node(&node(workers), &mut host_with_memory(100), None);
        assert_eq!(
            severities(&findings, "g2-memory"),
            expected,
            "{workers} workers"
        );
    }
    let findings = preflight::run_node(&node(6), &mut host_with_memory(100), None);
    let error = of(&findings, "g2-memory")[0];
    assert!(
        error.message.starts_with("6 workers × 20.0 GB") && !error.message.contains("leader"),
        "{error}"
    );
    assert_eq!(error.role, Some(Role::Worker));
    assert!(error.to_string().contains("[worker]"), "{error}");
}

#[test]
fn the_loads_warnings_are_findings() {
    let loaded = load(&[("KVBM_CACHE_HOST_SIZE_GB_TYPO", "9")]);
    let findings = run(&loaded, &mut host_with_memory(100), 1);
    let warning = of(&findings, "config")[0];
    assert_eq!(warning.severity, Severity::Warning);
    assert_eq!(warning.key, "KVBM_CACHE_HOST_SIZE_GB_TYPO");
}

#[test]
fn every_tier_sized_by_blocks_without_a_block_size_is_named() {
    let loaded = load(&[
        ("KVBM_CACHE_HOST_NUM_BLOCKS", "1000"),
        ("KVBM_CACHE_DISK_NUM_BLOCKS", "100000000"),
        ("KVBM_CACHE_DISK_STORAGE_PATH", "/cache"),
    ]);
    let mut host = host_with_memory(100).with_path("/cache", dir(true, 1, FsKind::Tmpfs));
    let findings = run(&loaded, &mut host, 1);
    let mut named: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| f.message.contains("--block-bytes"))
        .map(|f| (f.check, f.key.as_str()))
        .collect();
    named.sort();
    assert_eq!(
        named,
        [
            ("g2-memory", "cache.host.num_blocks"),
            ("g3-disk", "cache.disk.num_blocks")
        ]
    );
    // On tmpfs, the message says the size was not counted: it was not.
    let tmpfs = of(&findings, "g3-disk")
        .into_iter()
        .find(|f| f.message.contains("tmpfs"))
        .unwrap();
    assert!(tmpfs.message.contains("not all of it counted"), "{tmpfs}");
    // With the block size, 10⁸ blocks of 1 KB = 100 GB on 1 GB free is an error.
    let findings = preflight::run(
        &loaded,
        &mut host_with_memory(1000).with_path("/cache", dir(true, 1, FsKind::Other)),
        Options {
            workers: 1,
            block_bytes: Some(1000),
        },
    );
    assert_eq!(severities(&findings, "g3-disk"), [Severity::Error]);
}

#[test]
fn paths_on_a_pseudo_filesystem_are_errors() {
    let loaded = load(&[("KVBM_CACHE_DISK_STORAGE_PATH", "/proc/kvbm-cache")]);
    let facts = PathFacts {
        state: PathState::Missing {
            parent_writable: true,
        },
        free_bytes: Some(0),
        fs: Some(FsKind::Pseudo),
        device: None,
    };
    let mut host = Host::default().with_path("/proc/kvbm-cache", facts);
    let findings = run(&loaded, &mut host, 1);
    assert_eq!(severities(&findings, "g3-disk"), [Severity::Error]);
}

#[test]
fn processes_binding_one_fixed_port_collide() {
    let env = [
        ("KVBM_NOVA_BACKEND_TCP_ADDR", "127.0.0.1"),
        ("KVBM_NOVA_BACKEND_TCP_PORT", "5557"),
    ];
    let mut host = network_host();
    host.free
        .insert(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 5557));
    assert!(of(&run(&load(&env), &mut host.clone(), 1), "network").is_empty());
    let findings = run(&load(&env), &mut host, 2);
    let error = of(&findings, "network")[0];
    assert!(error.message.contains("2 processes"), "{error}");
}

#[test]
fn unknown_interfaces_could_not_be_checked() {
    let loaded = load(&[("KVBM_NOVA_BACKEND_TCP_INTERFACE", "eth0")]);
    let findings = run(&loaded, &mut Host::default(), 1);
    let info = of(&findings, "network")[0];
    assert_eq!(info.severity, Severity::Info);
    assert!(info.message.starts_with("could not check"), "{info}");
}

#[test]
fn host_facts_round_trip_through_their_json_form() {
    let host = Host::probe();
    let text = serde_json::to_string(&host).unwrap();
    let back = Host::from_json(&text).unwrap();
    assert_eq!(back.memory, host.memory);
    assert_eq!(back.interfaces, host.interfaces);
    assert!(!back.probes, "another host's facts are never probed here");
    // The whole `preflight --format json` output is accepted too, and so is a bare object
    // that gives only some facts (the others are unknown).
    let output = format!(r#"{{"findings": [], "host": {text}}}"#);
    assert_eq!(Host::from_json(&output).unwrap().memory, host.memory);
    let partial = Host::from_json(r#"{"memory": {"total": 16000000000}}"#).unwrap();
    assert_eq!(partial.memory.total, Some(16 * GB));
    assert_eq!(partial.interfaces, None);
    assert!(Host::from_json(r#"{"memory": {"total": "lots"}}"#).is_err());
}

#[test]
fn the_readme_host_example_is_a_host() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = &readme[readme.find("### Checking for another host").unwrap()..];
    let start = section.find("```json\n").unwrap() + "```json\n".len();
    let end = start + section[start..].find("```").unwrap();
    let host = Host::from_json(&section[start..end]).expect("the README's host parses");
    assert_eq!(host.memory.total, Some(16 * GB));
    assert_eq!(host.cpus.usable(), Some(16));
    let interfaces = host.interfaces.as_ref().unwrap();
    assert!(interfaces
        .iter()
        .any(|i| i.name == "ib0" && i.addrs.is_empty()));
    assert_eq!(host.gds.devices.len(), 1);
    assert_eq!(
        host.paths[std::path::Path::new("/mnt/kvbm")].state,
        PathState::Directory { writable: true }
    );
    assert_eq!(host.taken.len(), 1);
}

/// A host file is read strictly: a misspelled fact is an error naming it, never an unknown
/// fact that passes; the messages name the host by its file.
#[test]
fn a_host_file_with_a_misspelled_fact_is_refused() {
    for (text, field) in [
        (r#"{"memroy": {"total": 1}}"#, "memroy"),
        (r#"{"memory": {"totl": 1}}"#, "totl"),
        (r#"{"cpus": {"afinity": 8}}"#, "afinity"),
        (r#"{"gds": {"device": []}}"#, "device"),
    ] {
        let error = Host::from_json(text).unwrap_err();
        assert!(error.contains(field), "{text}: {error}");
    }
    let files = common::Files::new();
    let path = files.write("host.json", r#"{"interfaces": []}"#);
    let mut host = Host::from_file(&path).unwrap();
    assert_eq!(host.called(), format!("the host in {}", path.display()));
    let env = [("KVBM_NOVA_BACKEND_TCP_INTERFACE", "eth9")];
    let findings = run(&load(&env), &mut host, 1);
    let error = of(&findings, "network")[0];
    assert!(error.message.contains("the host in"), "{error}");
}

fn facts(state: PathState, free_gb: u64, fs: FsKind, device: Option<u64>) -> PathFacts {
    PathFacts {
        state,
        free_bytes: Some(free_gb * GB),
        fs: Some(fs),
        device,
    }
}

/// A dangling symbolic link cannot be created through: an error, not "will be created".
#[test]
fn a_dangling_symlink_storage_path_is_an_error() {
    let loaded = load(&[("KVBM_CACHE_DISK_STORAGE_PATH", "/cache")]);
    let mut host = Host::default().with_path(
        "/cache",
        facts(PathState::BrokenLink, 1, FsKind::Other, None),
    );
    let findings = run(&loaded, &mut host, 1);
    assert_eq!(severities(&findings, "g3-disk"), [Severity::Error]);
    assert!(of(&findings, "g3-disk")[0]
        .message
        .contains("symbolic link"));
    // The real probe sees one.
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("cache");
    std::os::unix::fs::symlink(dir.path().join("gone"), &link).unwrap();
    let loaded = load(&[("KVBM_CACHE_DISK_STORAGE_PATH", link.to_str().unwrap())]);
    let findings = run(&loaded, &mut Host::probe(), 1);
    assert_eq!(
        severities(&findings, "g3-disk"),
        [Severity::Error],
        "{findings:?}"
    );
}

/// Two tiers in two directories of one filesystem share its free space.
#[test]
fn disk_tiers_on_one_filesystem_are_added_up() {
    let leader = loader()
        .json(r#"{"worker": {"cache": {"disk": {"cache_size_gb": 30, "storage_path": "/a"}}}}"#)
        .role(Role::Worker)
        .load()
        .unwrap();
    let other = loader()
        .json(r#"{"worker": {"cache": {"disk": {"cache_size_gb": 30, "storage_path": "/b"}}}}"#)
        .role(Role::Worker)
        .load()
        .unwrap();
    let processes = |a: &'static Loaded, b: &'static Loaded| {
        vec![
            Processes {
                role: Some(Role::Worker),
                count: 1,
                loaded: a,
            },
            Processes {
                role: Some(Role::Worker),
                count: 1,
                loaded: b,
            },
        ]
    };
    let (a, b): (&'static Loaded, &'static Loaded) =
        (Box::leak(Box::new(leader)), Box::leak(Box::new(other)));
    for (devices, expected) in [
        ((Some(7), Some(7)), vec![Severity::Error]),
        ((Some(7), Some(8)), vec![]),
        ((None, None), vec![]),
    ] {
        let mut host = Host::default()
            .with_path(
                "/a",
                facts(
                    PathState::Directory { writable: true },
                    50,
                    FsKind::Other,
                    devices.0,
                ),
            )
            .with_path(
                "/b",
                facts(
                    PathState::Directory { writable: true },
                    50,
                    FsKind::Other,
                    devices.1,
                ),
            );
        let findings = preflight::run_node(&processes(a, b), &mut host, None);
        assert_eq!(severities(&findings, "g3-disk"), expected, "{devices:?}");
        if let Some(error) = of(&findings, "g3-disk").first() {
            assert!(
                error.message.contains("one filesystem of /a and /b")
                    && error.message.contains("to at most 20.00 GB"),
                "{}",
                error.message
            );
        }
    }
}

/// A GDS or GDS_MT NixL backend needs the device as `use_gds` does; GDS on a memory
/// filesystem is a warning.
#[test]
fn gds_backends_need_the_device_and_a_block_filesystem() {
    for backends in ["{GDS={}}", "{gds_mt={}, UCX={}}"] {
        let loaded = load(&[("KVBM_NIXL_BACKENDS", backends)]);
        let findings = run(&loaded, &mut Host::default(), 1);
        assert_eq!(
            severities(&findings, "gds"),
            [Severity::Warning],
            "{backends}"
        );
        assert_eq!(of(&findings, "gds")[0].key, "nixl.backends");
    }
    let default = run(&load(&[]), &mut Host::default(), 1);
    assert!(of(&default, "gds").is_empty(), "UCX and POSIX use no GDS");
    let loaded = load(&[
        ("KVBM_CACHE_DISK_USE_GDS", "true"),
        ("KVBM_CACHE_DISK_STORAGE_PATH", "/dev/shm/kvbm"),
    ]);
    let mut host = Host {
        gds: Gds {
            devices: vec!["/dev/nvidia-fs0".into()],
            cufile_json: None,
        },
        ..Host::default()
    }
    .with_path("/dev/shm/kvbm", dir(true, 10, FsKind::Tmpfs));
    let findings = run(&loaded, &mut host, 1);
    assert_eq!(severities(&findings, "gds"), [Severity::Warning]);
    assert!(of(&findings, "gds")[0].message.contains("tmpfs"));
}

/// The filesystem discovery file must be a file the processes can write.
#[test]
fn the_discovery_file_must_be_a_writable_file() {
    let env = [
        ("KVBM_NOVA_DISCOVERY_TYPE", "filesystem"),
        ("KVBM_NOVA_DISCOVERY_PATH", "/shared/kvbm.json"),
    ];
    let writable_dir = dir(true, 1, FsKind::Other);
    for (state, expected) in [
        (
            PathState::Directory { writable: true },
            vec![Severity::Error],
        ),
        (PathState::File { writable: false }, vec![Severity::Error]),
        (PathState::NotDirectory, vec![Severity::Error]),
        (PathState::File { writable: true }, vec![]),
        (
            PathState::Missing {
                parent_writable: true,
            },
            vec![],
        ),
    ] {
        let mut host = Host::default()
            .with_path("/shared", writable_dir)
            .with_path("/shared/kvbm.json", facts(state, 1, FsKind::Other, None));
        assert_eq!(
            severities(&run(&load(&env), &mut host, 1), "discovery"),
            expected,
            "{state:?}"
        );
    }
    // The real probe: a directory where the file should be.
    let shared = tempfile::tempdir().unwrap();
    let path = shared.path().join("kvbm.json");
    std::fs::create_dir(&path).unwrap();
    let env = [
        ("KVBM_NOVA_DISCOVERY_TYPE", "filesystem"),
        ("KVBM_NOVA_DISCOVERY_PATH", path.to_str().unwrap()),
    ];
    let findings = run(&load(&env), &mut Host::probe(), 1);
    assert_eq!(
        severities(&findings, "discovery"),
        [Severity::Error],
        "{findings:?}"
    );
    assert!(of(&findings, "discovery")[0]
        .message
        .contains("is a directory"));
}

fn rdma_host(devices: Option<Vec<&str>>, memlock: Option<Limit>) -> Host {
    Host {
        rdma: Rdma {
            devices: devices.map(|d| d.into_iter().map(String::from).collect()),
            memlock,
        },
        ..host_with_memory(1000)
    }
}

/// With RDMA devices, UCX pins the G2 tier: a locked-memory limit below it is a warning
/// that says how to raise it. Without an RDMA device there is no finding.
#[test]
fn a_memlock_limit_below_the_g2_tier_is_a_warning_only_with_rdma() {
    let loaded = load(&[("KVBM_CACHE_HOST_CACHE_SIZE_GB", "4")]);
    let small = Some(Limit::Bytes(64 << 20));
    let check = |host: &mut Host| severities(&run(&loaded, host, 1), "memlock");
    assert_eq!(
        check(&mut rdma_host(Some(vec!["mlx5_0"]), small)),
        [Severity::Warning]
    );
    let findings = run(&loaded, &mut rdma_host(Some(vec!["mlx5_0"]), small), 1);
    let message = &of(&findings, "memlock")[0].message;
    assert!(
        message.contains("ulimit -l unlimited") && message.contains("mlx5_0"),
        "{message}"
    );
    assert!(
        check(&mut rdma_host(Some(vec![]), small)).is_empty(),
        "no RDMA device"
    );
    let unlimited = Some(Limit::Unlimited(
        kvbm_config::preflight::Unlimited::Unlimited,
    ));
    assert!(check(&mut rdma_host(Some(vec!["mlx5_0"]), unlimited)).is_empty());
    assert!(check(&mut rdma_host(
        Some(vec!["mlx5_0"]),
        Some(Limit::Bytes(5 * GB))
    ))
    .is_empty());
    assert_eq!(
        check(&mut rdma_host(None, small)),
        [Severity::Info],
        "unknown devices: could not check"
    );
    // No UCX backend, or no G2 tier: nothing is pinned.
    let posix = load(&[
        ("KVBM_CACHE_HOST_CACHE_SIZE_GB", "4"),
        ("KVBM_NIXL_BACKENDS", "{POSIX={}}"),
    ]);
    let mut host = rdma_host(Some(vec!["mlx5_0"]), small);
    assert!(of(&run(&posix, &mut host, 1), "memlock").is_empty());
    let mut host = rdma_host(Some(vec!["mlx5_0"]), small);
    assert!(of(&run(&load(&[]), &mut host, 1), "memlock").is_empty());
    // The JSON form: "unlimited" or a number of bytes.
    let host =
        Host::from_json(r#"{"rdma": {"devices": ["mlx5_0"], "memlock": "unlimited"}}"#).unwrap();
    assert_eq!(host.rdma.memlock, unlimited);
    let host = Host::from_json(r#"{"rdma": {"memlock": 65536}}"#).unwrap();
    assert_eq!(host.rdma.memlock, Some(Limit::Bytes(65536)));
    assert!(Host::from_json(r#"{"rdma": {"memlock": "lots"}}"#).is_err());
}

/// Sizes print with enough digits to tell them apart, and errors say what fits.
#[test]
fn small_sizes_print_apart_and_errors_say_what_fits() {
    let loaded = load(&[("KVBM_CACHE_HOST_CACHE_SIZE_GB", "0.003")]);
    let mut host = Host {
        memory: Memory {
            total: Some(2_000_000),
            available: None,
            cgroup_limit: None,
        },
        ..Host::default()
    };
    let findings = run(&loaded, &mut host, 1);
    let error = &of(&findings, "g2-memory")[0].message;
    assert!(
        error.contains("0.00300 GB") && error.contains("0.00200 GB"),
        "{error}"
    );
    let loaded = load(&[("KVBM_CACHE_HOST_CACHE_SIZE_GB", "64")]);
    let findings = run(&loaded, &mut host_with_memory(100), 2);
    let error = &of(&findings, "g2-memory")[0].message;
    assert!(
        error.contains(
            "set `cache.host.cache_size_gb` (KVBM_CACHE_HOST_CACHE_SIZE_GB) to at most 50.00 GB"
        ),
        "{error}"
    );
}
