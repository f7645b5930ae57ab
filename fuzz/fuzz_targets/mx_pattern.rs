//! `mx` pattern parsing and host normalization never panic, on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtasts_core::mx::{normalize_host, pattern};

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = pattern::parse(data) {
        // A valid pattern prints back as something that parses to the same pattern.
        let shown = p.to_string();
        assert_eq!(
            pattern::parse(shown.as_bytes()).as_ref(),
            Ok(&p),
            "round trip of {shown:?}"
        );
        let _ = p.key();
    }
    let text = String::from_utf8_lossy(data);
    if let Some(host) = normalize_host(&text) {
        // Normalizing is idempotent and yields a lower-case ASCII name.
        assert!(host.is_ascii(), "normalized host {host:?} is not ASCII");
        assert_eq!(
            normalize_host(&host).as_deref(),
            Some(host.as_str()),
            "normalize twice"
        );
    }
});
