//! The inputs of the load benchmark and of the allocation test, declared once: the bundled
//! `kvbm.example.toml` as both the system and the user file, 250 foreign variables around 5
//! `KVBM_*` ones, and the spec's complete JSON example; the *floor*, the least any loader
//! must do with them; and an allocator that counts the allocations of the calling thread.
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use kvbm_config::{Loader, Role};

/// The spec's complete JSON example (shared with the tests).
pub const SPEC_JSON: &str = include_str!("../data/spec-complete-example.json");

/// The files (in a directory that lives as long as this) and the environment of a load.
pub struct Inputs {
    _dir: tempfile::TempDir,
    pub system: PathBuf,
    pub user: PathBuf,
    pub env: Vec<(OsString, OsString)>,
}

/// Writes the files and builds the environment.
pub fn inputs() -> Inputs {
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

/// A loader of every input, for `role`.
pub fn full_loader(inputs: &Inputs, role: Role) -> Loader {
    Loader::new()
        .system_file(&inputs.system)
        .user_file(&inputs.user)
        .env(inputs.env.iter().cloned())
        .json(SPEC_JSON)
        .role(role)
}

/// The floor: read the two files, parse all texts untyped, scan the environment once.
pub fn parse_floor(inputs: &Inputs) -> usize {
    let read = |path: &Path| std::fs::read_to_string(path).unwrap();
    let system: toml::Table = toml::from_str(&read(&inputs.system)).unwrap();
    let user: toml::Table = toml::from_str(&read(&inputs.user)).unwrap();
    let json: serde_json::Value = serde_json::from_str(SPEC_JSON).unwrap();
    let ours = inputs
        .env
        .iter()
        .filter(|(k, v)| k.to_str().is_some_and(|k| k.starts_with("KVBM_")) && v.to_str().is_some())
        .count();
    system.len() + user.len() + json.as_object().map_or(0, |o| o.len()) + ours
}

/// The system allocator, counting the allocations (and reallocations) of each thread, so
/// that tests running in parallel do not count each other's.
pub struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count_one() {
    // `try_with`: a thread being torn down still allocates; it is not counted.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// The allocations `f` makes on this thread.
pub fn allocations_of(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}
