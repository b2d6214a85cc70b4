//! A load allocates at most twice what the parse floor does (README "Performance").

#[path = "common/load_inputs.rs"]
mod load_inputs;

use std::hint::black_box;

use kvbm_config::Role;
use load_inputs::{allocations_of, full_loader, inputs, parse_floor, Counting};

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn a_load_allocates_at_most_twice_what_parsing_its_inputs_does() {
    let inputs = inputs();
    for role in [Role::Leader, Role::Worker] {
        let loader = full_loader(&inputs, role);
        // The first load builds the registry, once per process.
        loader.load().expect("the bench inputs are valid");
        let load = allocations_of(|| {
            black_box(loader.load().unwrap());
        });
        let floor = allocations_of(|| {
            black_box(parse_floor(&inputs));
        });
        assert!(
            floor > 0 && load > 0,
            "the allocator counts: {load}, {floor}"
        );
        assert!(
            load <= 2 * floor,
            "a {role} load allocates {load} times, more than twice the floor's {floor}"
        );
    }
}
