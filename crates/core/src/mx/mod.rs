//! `mx` patterns and MX host matching (RFC 8461 §4.1).

pub mod pattern;
pub mod public_suffix;

pub use pattern::{MxPattern, PatternError, PatternRef};

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
pub fn matches<'p>(pattern: impl Into<PatternRef<'p>>, host: &str) -> bool {
    let pattern = pattern.into();
    if pattern.wildcard {
        match host.split_once('.') {
            Some((label, rest)) => !label.is_empty() && rest.eq_ignore_ascii_case(pattern.domain),
            None => false,
        }
    } else {
        host.eq_ignore_ascii_case(pattern.domain)
    }
}

/// The first pattern that matches `host` (normalized first), by index.
pub fn first_match<'p>(patterns: impl IntoIterator<Item = &'p MxPattern>, host: &str) -> Option<usize> {
    let host = normalize_host(host)?;
    patterns.into_iter().position(|p| matches(p, &host))
}

/// A pattern as a hash key that ignores ASCII case, without allocating.
#[derive(Clone, Copy, Debug)]
pub struct PatternKey<'a> {
    pub wildcard: bool,
    pub domain: &'a str,
}

impl<'a> From<PatternRef<'a>> for PatternKey<'a> {
    fn from(p: PatternRef<'a>) -> Self {
        PatternKey {
            wildcard: p.wildcard,
            domain: p.domain,
        }
    }
}

impl PartialEq for PatternKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.wildcard == other.wildcard && self.domain.eq_ignore_ascii_case(other.domain)
    }
}

impl Eq for PatternKey<'_> {}

impl std::hash::Hash for PatternKey<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // FNV-1a over the lower-cased bytes, fed to the hasher as one word.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(self.wildcard);
        for b in self.domain.bytes() {
            h = (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0000_0100_0000_01b3);
        }
        state.write_u64(h);
    }
}

/// FNV-1a: a fast hash for short keys that an attacker does not choose adversarially
/// against this process (the linter runs on the user's own input).
#[derive(Default)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A hash map keyed by patterns, case-insensitively.
pub type PatternMap<'a, V> = std::collections::HashMap<PatternKey<'a>, V, std::hash::BuildHasherDefault<Fnv>>;
