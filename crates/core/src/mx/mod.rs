//! `mx` patterns and MX host matching (RFC 8461 §4.1).

pub mod pattern;
pub mod public_suffix;

pub use pattern::{MxPattern, PatternError};

/// An MX host name normalized for matching: ASCII lower case, one trailing dot removed,
/// U-labels converted to A-labels. `None` when the name is not a usable host name.
pub fn normalize_host(host: &str) -> Option<String> {
    let host = host.trim();
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_empty() || host.ends_with('.') {
        return None;
    }
    let ascii = if host.is_ascii() {
        host.to_ascii_lowercase()
    } else {
        idna::domain_to_ascii(host).ok()?
    };
    let bad_label = |l: &str| {
        l.is_empty() || l.len() > 63 || !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if ascii.split('.').any(bad_label) || ascii.len() > 253 {
        return None;
    }
    Some(ascii)
}

/// Whether a normalized host matches a pattern: a literal pattern must be equal, and
/// `*.S` matches `L.S` where `L` is exactly one non-empty label.
pub fn matches(pattern: &MxPattern, host: &str) -> bool {
    if pattern.wildcard {
        match host.split_once('.') {
            Some((label, rest)) => !label.is_empty() && rest.eq_ignore_ascii_case(&pattern.domain),
            None => false,
        }
    } else {
        host.eq_ignore_ascii_case(&pattern.domain)
    }
}

/// The first pattern that matches `host` (normalized first), by index.
pub fn first_match<'p>(patterns: impl IntoIterator<Item = &'p MxPattern>, host: &str) -> Option<usize> {
    let host = normalize_host(host)?;
    patterns.into_iter().position(|p| matches(p, &host))
}
