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
    let ascii = to_a_labels(host)?;
    let bad_label = |l: &str| {
        l.is_empty() || l.len() > 63 || !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if ascii.split('.').any(bad_label) || ascii.len() > 253 {
        return None;
    }
    Some(ascii)
}

/// A domain name in lower-case A-label form: ASCII labels are lower-cased, other labels
/// lower-cased and Punycode-encoded (`møx.example` → `xn--mx-lka.example`). This is the
/// common core of UTS #46 (full IDNA mapping and normalization tables would cost the web
/// page more than its whole rule set); the ideographic full stops count as dots. `None`
/// when a label holds something that cannot be in a host name.
pub fn to_a_labels(name: &str) -> Option<String> {
    if name.is_ascii() {
        return Some(name.to_ascii_lowercase());
    }
    let name = name.replace(['\u{3002}', '\u{ff0e}', '\u{ff61}'], ".");
    let mut out = String::with_capacity(name.len() + 8);
    for (i, label) in name.split('.').enumerate() {
        if i > 0 {
            out.push('.');
        }
        if label.is_ascii() {
            out.push_str(&label.to_ascii_lowercase());
            continue;
        }
        let lower = label.to_lowercase();
        if !lower.chars().all(|c| c.is_alphanumeric() || c == '-') {
            return None;
        }
        out.push_str("xn--");
        out.push_str(&idna::punycode::encode_str(&lower)?);
    }
    Some(out)
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

impl PatternKey<'_> {
    /// A hash that ignores ASCII case, well mixed in its low bits.
    pub fn hash64(&self) -> u64 {
        let bytes = self.domain.as_bytes();
        let mut hash = CaseFoldHash::default();
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut buf = [0u8; 8];
            buf.copy_from_slice(word);
            hash.word(u64::from_le_bytes(buf));
        }
        let tail = words.remainder();
        if !tail.is_empty() {
            // Byte by byte: a copy of a variable length would call `memcpy`.
            hash.word(tail.iter().rev().fold(0, |word, &b| (word << 8) | u64::from(b)));
        }
        hash.finish(bytes.len(), self.wildcard)
    }
}

/// The hash of [`PatternKey::hash64`], fed eight bytes at a time (little-endian, the
/// last word zero above the name's end), so a scanner that reads a name by words can
/// hash it on the way.
#[derive(Clone, Copy, Default)]
pub struct CaseFoldHash(u64);

impl CaseFoldHash {
    const MUL: u64 = 0x9e37_79b9_7f4a_7c15;

    #[inline]
    pub fn word(&mut self, word: u64) {
        // Each byte with its 0x20 bit set: that lower-cases ASCII letters and leaves equal
        // bytes equal, so names that differ only in case hash alike (a few other bytes
        // collide too, `@` with `` ` ``, which only costs a comparison).
        const CASE: u64 = 0x2020_2020_2020_2020;
        self.0 = (self.0.rotate_left(23) ^ (word | CASE)).wrapping_mul(Self::MUL);
    }

    #[inline]
    pub fn finish(self, len: usize, wildcard: bool) -> u64 {
        let h = (self.0.rotate_left(23) ^ ((len as u64) << 1 | u64::from(wildcard))).wrapping_mul(Self::MUL);
        // Tables pick buckets by the low bits: fold the well-mixed high half into them.
        h ^ (h >> 32)
    }
}

impl std::hash::Hash for PatternKey<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash64());
    }
}

/// Patterns seen so far, compared without regard to ASCII case, by the index the caller
/// keeps each at: open addressing over slots sized once from the expected count. For the
/// duplicate check over thousands of `mx` lines, where a general hash map costs several
/// times more per pattern. The table holds indices only; patterns are looked up by index
/// from where the caller keeps them, so nothing is copied.
pub struct PatternIndex {
    /// 0 for an empty slot, else 1 + an index.
    slots: Vec<usize>,
    len: usize,
}

impl PatternIndex {
    /// A table for about `count` patterns (it grows if given more).
    pub fn with_capacity(count: usize) -> Self {
        PatternIndex {
            slots: vec![0; Self::slots_for(count)],
            len: 0,
        }
    }

    /// At most half the slots in use keeps probe sequences short.
    fn slots_for(count: usize) -> usize {
        count.saturating_mul(2).next_power_of_two().max(16)
    }

    /// The index of an earlier pattern equal to `key`, or `None` after recording `key` at
    /// `index`. `hash` is `key.hash64()`, and `key_at(i)` the pattern recorded at `i`
    /// with its hash.
    #[inline]
    pub fn first_or_insert<'k>(
        &mut self,
        key: PatternKey<'k>,
        hash: u64,
        index: usize,
        key_at: impl Fn(usize) -> Option<(PatternKey<'k>, u64)>,
    ) -> Option<usize> {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow(&key_at);
        }
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            match self.slots[at] {
                0 => break,
                slot if key_at(slot - 1).is_some_and(|(k, h)| h == hash && k == key) => return Some(slot - 1),
                _ => at = (at + 1) & mask,
            }
        }
        self.slots[at] = index + 1;
        self.len += 1;
        None
    }

    /// Index every recorded pattern in twice as many slots.
    fn grow<'k>(&mut self, key_at: &impl Fn(usize) -> Option<(PatternKey<'k>, u64)>) {
        let size = self.slots.len() * 2;
        let mask = size - 1;
        let mut slots = vec![0; size];
        for &slot in self.slots.iter().filter(|&&s| s != 0) {
            let hash = key_at(slot - 1).map_or(0, |(_, h)| h);
            let mut at = hash as usize & mask;
            while slots[at] != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = slot;
        }
        self.slots = slots;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_index_finds_the_first_of_equal_patterns_and_grows() {
        let names: Vec<String> = (0..100).map(|i| format!("MX{i}.Example.com")).collect();
        let lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        // Recorded: the names at 0..100, the lower-case wildcards at 100..200.
        let key_at = |i: usize| {
            let key = match i {
                0..100 => PatternKey {
                    wildcard: false,
                    domain: &names[i],
                },
                _ => PatternKey {
                    wildcard: true,
                    domain: &lower[i - 100],
                },
            };
            Some((key, key.hash64()))
        };
        // Sized for fewer than it gets, so it must grow on the way.
        let mut table = PatternIndex::with_capacity(3);
        for (i, name) in names.iter().enumerate() {
            let key = PatternKey {
                wildcard: false,
                domain: name,
            };
            assert_eq!(table.first_or_insert(key, key.hash64(), i, key_at), None, "{name}");
        }
        for (i, lower) in lower.iter().enumerate() {
            let key = PatternKey {
                wildcard: false,
                domain: lower,
            };
            assert_eq!(
                table.first_or_insert(key, key.hash64(), 1000, key_at),
                Some(i),
                "{lower}"
            );
            let wildcard = PatternKey {
                wildcard: true,
                domain: lower,
            };
            assert_eq!(
                table.first_or_insert(wildcard, wildcard.hash64(), 100 + i, key_at),
                None,
                "*.{lower}"
            );
        }
        for (i, lower) in lower.iter().enumerate() {
            let wildcard = PatternKey {
                wildcard: true,
                domain: lower,
            };
            assert_eq!(
                table.first_or_insert(wildcard, wildcard.hash64(), 5000, key_at),
                Some(100 + i),
                "*.{lower}"
            );
        }
    }
}
