//! Load benchmarks against the parse floor.
//!
//! `load/*` run the injectable loader on the inputs of `tests/common/load_inputs.rs`
//! (shared with the allocation test); `floor/parse` does the least any loader must: read
//! the same two files, parse them and the JSON into untyped values with `toml` and
//! `serde_json`, and scan the same environment once. After the criterion groups the bench
//! prints the ratio `load/leader_full ÷ floor/parse` (target ≤ 1.6), the median of the
//! ratios of batches run in turns, and the allocations of one `load/leader_full` and of the
//! floor, counted by the same allocator as the test.

#[path = "../tests/common/load_inputs.rs"]
mod load_inputs;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use kvbm_config::{Loader, Role};
use load_inputs::{allocations_of, full_loader, inputs, parse_floor, Counting};

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The time of one batch of `f`, per call.
fn batch_time(f: &mut impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..50 {
        f();
    }
    start.elapsed() / 50
}

/// Medians of `a` and `b` over batches run in turns, and the median of each turn's ratio
/// `a ÷ b`: a machine that slows down for a while slows both sides of a turn, so the ratio
/// holds where two medians taken one after the other would not.
fn paired_medians(mut a: impl FnMut(), mut b: impl FnMut()) -> (Duration, Duration, f64) {
    let mut turns: Vec<(Duration, Duration)> = (0..61)
        .map(|_| (batch_time(&mut a), batch_time(&mut b)))
        .collect();
    let mut ratios: Vec<f64> = turns
        .iter()
        .map(|(a, b)| a.as_secs_f64() / b.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    let middle = turns.len() / 2;
    turns.sort_by_key(|turn| turn.0);
    let a_median = turns[middle].0;
    turns.sort_by_key(|turn| turn.1);
    (a_median, turns[middle].1, ratios[middle])
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

    let (load, floor, ratio) = paired_medians(
        || {
            black_box(leader.load().unwrap());
        },
        || {
            black_box(parse_floor(&inputs));
        },
    );
    let allocations = allocations_of(|| {
        black_box(leader.load().unwrap());
    });
    let floor_allocations = allocations_of(|| {
        black_box(parse_floor(&inputs));
    });
    println!();
    println!("load/leader_full median {load:?}, floor/parse median {floor:?}");
    println!(
        "ratio load/leader_full ÷ floor/parse = {ratio:.2} (target ≤ 1.6; median of paired turns)"
    );
    println!("allocations: load/leader_full {allocations}, floor/parse {floor_allocations}");
}
