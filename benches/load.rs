//! Load benchmarks against the parse floor.
//!
//! `load/*` run the injectable loader on the inputs of `tests/common/load_inputs.rs`
//! (shared with the allocation test); `floor/parse` does the least any loader must: read
//! the same two files, parse them and the JSON into untyped values with `toml` and
//! `serde_json`, and scan the same environment once. After the criterion groups the bench
//! prints the ratio `load/leader_full ÷ floor/parse` (target ≤ 1.6) and the allocations of
//! one `load/leader_full` and of the floor, counted by the same allocator as the test.

#[path = "../tests/common/load_inputs.rs"]
mod load_inputs;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use kvbm_config::{Loader, Role};
use load_inputs::{allocations_of, full_loader, inputs, parse_floor, Counting};

#[global_allocator]
static GLOBAL: Counting = Counting;

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
        group.bench_function("parse", |b| b.iter(|| black_box(parse_floor(&inputs))));
        group.finish();
    }
    criterion.final_summary();

    let load = median_time(|| {
        black_box(leader.load().unwrap());
    });
    let floor = median_time(|| {
        black_box(parse_floor(&inputs));
    });
    let allocations = allocations_of(|| {
        black_box(leader.load().unwrap());
    });
    let floor_allocations = allocations_of(|| {
        black_box(parse_floor(&inputs));
    });
    println!();
    println!("load/leader_full median {load:?}, floor/parse median {floor:?}");
    println!(
        "ratio load/leader_full ÷ floor/parse = {:.2} (target ≤ 1.6)",
        load.as_secs_f64() / floor.as_secs_f64()
    );
    println!("allocations: load/leader_full {allocations}, floor/parse {floor_allocations}");
}
