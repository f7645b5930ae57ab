//! Applying every certain fix never panics, and the fixed text lints to a report that
//! keeps the API's promises (spans within the fixed input, 1-based positions, ...).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtasts_core::{Kind, fix_all};
use mtasts_fuzz::lint_and_check;

fuzz_target!(|data: &[u8]| {
    for kind in [Kind::Policy, Kind::Sts, Kind::Tlsrpt] {
        lint_and_check(kind, data);
        let fixed = fix_all(kind, data, None);
        lint_and_check(kind, &fixed);
    }
});
