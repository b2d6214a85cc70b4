//! Load benchmarks against the parse floor.
//!
//! `load/*` run the injectable loader on in-bench inputs; `floor/parse` does the least any
//! loader must: read the same two files, parse them and the JSON into untyped values with
//! `toml` and `serde_json`, and scan the same environment once. After the criterion groups
//! the bench prints the ratio `load/leader_full ÷ floor/parse` (target ≤ 1.6) and the
//! allocations of one `load/leader_full`, counted by a global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::OsString;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use criterion::Criterion;
use kvbm_config::{Loader, Role};

/// Counts allocations so the bench can report them per load.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The spec's complete JSON example (shared with the tests).
const SPEC_JSON: &str = include_str!("../tests/data/spec-complete-example.json");

struct Inputs {
    _dir: tempfile::TempDir,
    system: PathBuf,
    user: PathBuf,
    env: Vec<(OsString, OsString)>,
}

fn inputs() -> Inputs {
    let dir = tempfile::tempdir().expect("temporary directory");
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/kvbm.example.toml");
    let text = std::fs::read_to_string(example).expect("kvbm.example.toml");
    let system = dir.path().join("system.toml");
    let user = dir.path().join("user.toml");
    std::fs::write(&system, &text).unwrap();
    std::fs::write(&user, &text).unwrap();
    let mut env: Vec<(OsString, OsString)> = (0..250)
        .map(|i| {
            (
                format!("UNRELATED_VARIABLE_{i}").into(),
                format!("/usr/lib/some/value/{i}:/opt/x").into(),
            )
        })
        .collect();
    for (k, v) in [
        ("KVBM_TOKIO_MAX_BLOCKING_THREADS", "256"),
        ("KVBM_RAYON_NUM_THREADS", "2"),
        ("KVBM_CACHE_DISK_SIZE_GB", "10"),
        ("KVBM_NOVA_BACKEND_TCP_PORT", "7000"),
        ("KVBM_OFFLOAD_G2_TO_G3_POLICIES", "presence_lfu,presence"),
    ] {
        env.insert(env.len() / 2, (k.into(), v.into()));
    }
    Inputs {
        _dir: dir,
        system,
        user,
        env,
    }
}

fn full_loader(inputs: &Inputs, role: Role) -> Loader {
    Loader::new()
        .system_file(&inputs.system)
        .user_file(&inputs.user)
        .env(inputs.env.iter().cloned())
        .json(SPEC_JSON)
        .role(role)
        .cpu_count(64)
}

/// The floor: read the two files, parse all texts untyped, scan the environment once.
fn parse_floor(system: &Path, user: &Path, env: &[(OsString, OsString)]) -> usize {
    let system: toml::Table = toml::from_str(&std::fs::read_to_string(system).unwrap()).unwrap();
    let user: toml::Table = toml::from_str(&std::fs::read_to_string(user).unwrap()).unwrap();
    let json: serde_json::Value = serde_json::from_str(SPEC_JSON).unwrap();
    let ours = env
        .iter()
        .filter(|(k, v)| k.to_str().is_some_and(|k| k.starts_with("KVBM_")) && v.to_str().is_some())
        .count();
    system.len() + user.len() + json.as_object().map_or(0, |o| o.len()) + ours
}

/// Median time of `f` over batches, for the ratio printed after the criterion groups.
fn median_time(mut f: impl FnMut()) -> Duration {
    let mut samples: Vec<Duration> = (0..31)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..50 {
                f();
            }
            start.elapsed() / 50
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let inputs = inputs();
    let leader = full_loader(&inputs, Role::Leader);
    let worker = full_loader(&inputs, Role::Worker);
    let defaults = Loader::new();
    leader.load().expect("the leader bench input is valid");
    worker.load().expect("the worker bench input is valid");

    let mut criterion = Criterion::default().configure_from_args();
    {
        let mut group = criterion.benchmark_group("load");
        group.bench_function("leader_full", |b| {
            b.iter(|| black_box(leader.load().unwrap()))
        });
        group.bench_function("defaults", |b| {
            b.iter(|| black_box(defaults.load().unwrap()))
        });
        group.bench_function("worker_full", |b| {
            b.iter(|| black_box(worker.load().unwrap()))
        });
        group.finish();
    }
    {
        let mut group = criterion.benchmark_group("floor");
        group.bench_function("parse", |b| {
            b.iter(|| black_box(parse_floor(&inputs.system, &inputs.user, &inputs.env)))
        });
        group.finish();
    }
    criterion.final_summary();

    let load = median_time(|| {
        black_box(leader.load().unwrap());
    });
    let floor = median_time(|| {
        black_box(parse_floor(&inputs.system, &inputs.user, &inputs.env));
    });
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    black_box(leader.load().unwrap());
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    black_box(parse_floor(&inputs.system, &inputs.user, &inputs.env));
    let floor_allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
    println!();
    println!("load/leader_full median {load:?}, floor/parse median {floor:?}");
    println!(
        "ratio load/leader_full ÷ floor/parse = {:.2} (target ≤ 1.6)",
        load.as_secs_f64() / floor.as_secs_f64()
    );
    println!("allocations: load/leader_full {allocations}, floor/parse {floor_allocations}");
}
