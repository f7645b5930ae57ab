//! The policy linter never panics, with or without MX hosts to match, and its report keeps
//! the API's promises (see `mtasts_fuzz::check_report`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtasts_core::{Kind, MxHost, lint_policy};
use mtasts_fuzz::check_report;

/// MX host sets to hold against the policy; the first input byte picks one.
const HOST_SETS: &[&[&str]] = &[
    &["mx1.example.com", "mx2.example.com."],
    &["mail.example.net", "MX.Example.COM", "."],
    &["", "a..b", "-bad-.example.com", "*.example.com"],
    &["bücher.example", "xn--bcher-kva.example", "mx.example.com"],
];

fuzz_target!(|data: &[u8]| {
    let report = lint_policy(data, None);
    check_report(Kind::Policy, data, &report);

    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let hosts: Vec<MxHost> = HOST_SETS[usize::from(selector) % HOST_SETS.len()]
        .iter()
        .map(|h| MxHost::new(h))
        .collect();
    let with_mx = lint_policy(rest, Some(&hosts));
    check_report(Kind::Policy, rest, &with_mx);
    // MX findings never change whether a sender accepts the policy.
    let without = lint_policy(rest, None);
    assert_eq!(with_mx.valid, without.valid, "MX hosts changed `valid`");
    assert_eq!(with_mx.parsed, without.parsed, "MX hosts changed `parsed`");
});
