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
        // Eight bytes at a time, each with its 0x20 bit set: that lower-cases ASCII letters
        // and leaves equal bytes equal, so names that differ only in case hash alike (a
        // few other bytes collide too, `@` with `` ` ``, which only costs a comparison).
        const CASE: u64 = 0x2020_2020_2020_2020;
        const MUL: u64 = 0x9e37_79b9_7f4a_7c15;
        let mix = |h: u64, word: u64| (h.rotate_left(23) ^ (word | CASE)).wrapping_mul(MUL);
        let bytes = self.domain.as_bytes();
        let mut h = (bytes.len() as u64) << 1 | u64::from(self.wildcard);
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut buf = [0u8; 8];
            buf.copy_from_slice(word);
            h = mix(h, u64::from_le_bytes(buf));
        }
        let tail = words.remainder();
        if !tail.is_empty() {
            // Byte by byte: a copy of a variable length would call `memcpy`.
            h = mix(h, tail.iter().rev().fold(0, |word, &b| (word << 8) | u64::from(b)));
        }
        // Tables pick buckets by the low bits: fold the well-mixed high half into them.
        h ^ (h >> 32)
    }
}

impl std::hash::Hash for PatternKey<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash64());
    }
}

/// Patterns seen so far, each with a value from where it was first seen, compared
/// without regard to ASCII case. Up to [`Self::SMALL`] patterns it searches a list;
/// past that, open addressing over slots sized once from the expected count: for the
/// duplicate check over thousands of `mx` lines, where a general hash map costs several
/// times more per pattern, and over a handful, where any table costs more than a search.
pub struct PatternTable<'a, V> {
    /// Empty while searching the list; else 0 for an empty slot, or 1 + an index into
    /// `entries`.
    slots: Vec<usize>,
    entries: Vec<(u64, PatternKey<'a>, V)>,
}

impl<'a, V> PatternTable<'a, V> {
    const SMALL: usize = 8;

    /// A table for about `count` patterns (it grows if given more).
    pub fn with_capacity(count: usize) -> Self {
        PatternTable {
            slots: if count > Self::SMALL {
                vec![0; Self::slots_for(count)]
            } else {
                Vec::new()
            },
            entries: Vec::with_capacity(count),
        }
    }

    /// At most half the slots in use keeps probe sequences short.
    fn slots_for(count: usize) -> usize {
        count.saturating_mul(2).next_power_of_two().max(2 * Self::SMALL)
    }

    /// The value stored with an equal pattern seen before, or `None` after storing
    /// `value` with this one.
    #[inline]
    pub fn first_or_insert(&mut self, key: PatternKey<'a>, value: V) -> Option<&V> {
        let hash = key.hash64();
        if self.slots.is_empty() {
            let seen = self.entries.iter().position(|(h, k, _)| *h == hash && *k == key);
            if let Some(at) = seen {
                return Some(&self.entries[at].2);
            }
            self.entries.push((hash, key, value));
            if self.entries.len() > Self::SMALL {
                self.grow();
            }
            return None;
        }
        if (self.entries.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            match self.slots[at] {
                0 => break,
                slot => {
                    let (seen_hash, seen, _) = &self.entries[slot - 1];
                    if *seen_hash == hash && *seen == key {
                        return Some(&self.entries[slot - 1].2);
                    }
                }
            }
            at = (at + 1) & mask;
        }
        self.entries.push((hash, key, value));
        self.slots[at] = self.entries.len();
        None
    }

    /// Index every entry in slots for twice as many (or enough for a start).
    fn grow(&mut self) {
        let size = Self::slots_for(self.entries.len() + 1).max(self.slots.len() * 2);
        let mask = size - 1;
        let mut slots = vec![0; size];
        for (index, (hash, _, _)) in self.entries.iter().enumerate() {
            let mut at = *hash as usize & mask;
            while slots[at] != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = index + 1;
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
    fn pattern_table_finds_the_first_of_equal_patterns_and_grows() {
        let names: Vec<String> = (0..100).map(|i| format!("MX{i}.Example.com")).collect();
        let lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        // Sized for fewer than it gets, so it must grow on the way.
        let mut table = PatternTable::with_capacity(3);
        for (i, name) in names.iter().enumerate() {
            let key = PatternKey {
                wildcard: false,
                domain: name,
            };
            assert_eq!(table.first_or_insert(key, i), None, "{name}");
        }
        for (i, lower) in lower.iter().enumerate() {
            let key = PatternKey {
                wildcard: false,
                domain: lower,
            };
            assert_eq!(table.first_or_insert(key, 1000), Some(&i), "{lower}");
            let wildcard = PatternKey {
                wildcard: true,
                domain: lower,
            };
            assert_eq!(table.first_or_insert(wildcard, 2000 + i), None, "*.{lower}");
        }
    }
}
