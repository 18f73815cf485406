//! Fuzz target: a site plan CSV through `Plan::from_csv`; a plan that parses must write back to CSV that
//! parses to the same plan.
#![no_main]

use handover_model::Plan;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(plan) = Plan::from_csv(data) {
        let again = Plan::from_csv(plan.to_csv().as_bytes()).expect("a written plan parses");
        assert_eq!(plan, again, "a plan survives its own CSV");
    }
});
