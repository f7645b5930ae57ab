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

/// Patterns seen so far, by the index the caller keeps each at and its
/// [`PatternKey::hash64`]: open addressing over slots sized once from the expected count.
/// For the duplicate check over thousands of `mx` lines, where a general hash map costs
/// several times more per pattern. The table holds hashes and indices only; the caller
/// compares patterns (only when their hashes agree), so nothing is copied.
pub struct PatternIndex {
    /// (low 32 bits of the hash, 1 + index), or (0, 0) for an empty slot. Empty while
    /// the patterns fit in `few`.
    slots: Vec<(u32, u32)>,
    /// The first [`Self::FEW`] patterns, searched in order: a typical policy has two or
    /// three, for which any table costs more than a search.
    few: [(u32, u32); Self::FEW],
    len: usize,
}

impl PatternIndex {
    const FEW: usize = 8;

    /// A table for about `count` patterns (it grows if given more).
    pub fn with_capacity(count: usize) -> Self {
        PatternIndex {
            slots: if count > Self::FEW {
                vec![(0, 0); Self::slots_for(count)]
            } else {
                Vec::new()
            },
            few: [(0, 0); Self::FEW],
            len: 0,
        }
    }

    /// At most half the slots in use keeps probe sequences short.
    fn slots_for(count: usize) -> usize {
        count.saturating_mul(2).next_power_of_two().max(4 * Self::FEW)
    }

    /// The index of an earlier pattern with this `hash` for which `same(index)` holds, or
    /// `None` after recording `index` with it. Indices from `u32::MAX - 1` on are not
    /// recorded (no input gets near: each is a line of a policy file).
    #[inline]
    pub fn first_or_insert(&mut self, hash: u64, index: usize, same: impl Fn(usize) -> bool) -> Option<usize> {
        let Ok(slot_value) = u32::try_from(index + 1) else {
            return None;
        };
        let hash = hash as u32;
        if self.slots.is_empty() {
            let few = &self.few[..self.len];
            if let Some(&(_, slot)) = few.iter().find(|&&(h, slot)| h == hash && same(slot as usize - 1)) {
                return Some(slot as usize - 1);
            }
            if self.len < Self::FEW {
                self.few[self.len] = (hash, slot_value);
                self.len += 1;
                return None;
            }
            self.grow();
        } else if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            match self.slots[at] {
                (_, 0) => break,
                (h, slot) if h == hash && same(slot as usize - 1) => return Some(slot as usize - 1),
                _ => at = (at + 1) & mask,
            }
        }
        self.slots[at] = (hash, slot_value);
        self.len += 1;
        None
    }

    /// The index of a recorded pattern with this `hash` for which `same(index)` holds.
    pub fn find(&self, hash: u64, same: impl Fn(usize) -> bool) -> Option<usize> {
        let hash = hash as u32;
        if self.slots.is_empty() {
            let few = &self.few[..self.len];
            return few
                .iter()
                .find(|&&(h, slot)| h == hash && same(slot as usize - 1))
                .map(|&(_, slot)| slot as usize - 1);
        }
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            match self.slots[at] {
                (_, 0) => return None,
                (h, slot) if h == hash && same(slot as usize - 1) => return Some(slot as usize - 1),
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// Index every recorded pattern in twice as many slots (or enough for a start).
    fn grow(&mut self) {
        let size = Self::slots_for(self.len + 1).max(self.slots.len() * 2);
        let mask = size - 1;
        let mut slots = vec![(0, 0); size];
        let recorded = if self.slots.is_empty() {
            &self.few[..self.len]
        } else {
            &self.slots[..]
        };
        for &(hash, slot) in recorded.iter().filter(|(_, s)| *s != 0) {
            let mut at = hash as usize & mask;
            while slots[at].1 != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = (hash, slot);
        }
        self.slots = slots;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_index_finds_the_first_of_equal_patterns_and_grows() {
        let names: Vec<String> = (0..100).map(|i| format!("MX{i}.Example.com")).collect();
        let lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        // Recorded: the names at 0..100, the lower-case wildcards at 100..200.
        let key_at = |i: usize| match i {
            0..100 => PatternKey {
                wildcard: false,
                domain: &names[i],
            },
            _ => PatternKey {
                wildcard: true,
                domain: &lower[i - 100],
            },
        };
        // Sized for fewer than it gets, so it must grow on the way.
        let mut table = PatternIndex::with_capacity(3);
        let mut insert = |key: PatternKey, index| table.first_or_insert(key.hash64(), index, |i| key_at(i) == key);
        for (i, name) in names.iter().enumerate() {
            let key = PatternKey {
                wildcard: false,
                domain: name,
            };
            assert_eq!(insert(key, i), None, "{name}");
        }
        for (i, lower) in lower.iter().enumerate() {
            let key = PatternKey {
                wildcard: false,
                domain: lower,
            };
            assert_eq!(insert(key, 1000), Some(i), "{lower}");
            let wildcard = PatternKey {
                wildcard: true,
                domain: lower,
            };
            assert_eq!(insert(wildcard, 100 + i), None, "*.{lower}");
        }
        for (i, lower) in lower.iter().enumerate() {
            let wildcard = PatternKey {
                wildcard: true,
                domain: lower,
            };
            assert_eq!(insert(wildcard, 5000), Some(100 + i), "*.{lower}");
        }
    }

    #[test]
    fn hash_spreads_families_of_names_over_a_table() {
        // Linear probing at the duplicate check's load (under half full): names that
        // differ in a few bytes, at any place in any word, must not cluster.
        let families: [fn(usize) -> String; 5] = [
            |i| format!("mx{i}.example.com"),
            |i| format!("host{i}.a.b.example.org"),
            |i| format!("a{i}"),
            |i| format!("customer{i}.mail.protection.outlook.com"),
            |i| format!("mail.example{i}.net"),
        ];
        for family in families {
            let mut slots = vec![false; 8192];
            let mut probes = 0;
            for i in 0..3000 {
                let name = family(i);
                let key = PatternKey {
                    wildcard: false,
                    domain: &name,
                };
                let mut at = (key.hash64() as u32) as usize & 8191;
                probes += 1;
                while slots[at] {
                    at = (at + 1) & 8191;
                    probes += 1;
                }
                slots[at] = true;
            }
            let mean = f64::from(probes) / 3000.0;
            assert!(mean < 1.6, "{}: {mean:.2} probes per insert", family(0));
        }
    }

    #[test]
    fn pattern_index_finds_without_recording() {
        let names: Vec<String> = (0..40).map(|i| format!("mx{i}.example.com")).collect();
        let key = |i: usize| PatternKey {
            wildcard: false,
            domain: &names[i],
        };
        // Few patterns (searched), then many (a table).
        for count in [5, 40] {
            let mut table = PatternIndex::with_capacity(count);
            for i in 0..count {
                table.first_or_insert(key(i).hash64(), i, |j| key(j) == key(i));
            }
            for (i, name) in names.iter().enumerate().take(count) {
                let upper = name.to_ascii_uppercase();
                let probe = PatternKey {
                    wildcard: false,
                    domain: &upper,
                };
                assert_eq!(table.find(probe.hash64(), |j| key(j) == probe), Some(i), "{upper}");
            }
            let absent = PatternKey {
                wildcard: true,
                domain: &names[0],
            };
            assert_eq!(table.find(absent.hash64(), |j| key(j) == absent), None);
            assert_eq!(
                table.first_or_insert(absent.hash64(), 99, |j| j == 99),
                None,
                "find recorded nothing"
            );
        }
    }

    #[test]
    fn pattern_index_compares_patterns_whose_hashes_agree() {
        // Every pattern given the same hash: only the comparison tells them apart.
        let names = ["a.example", "b.example", "A.EXAMPLE", "c.example", "b.example"];
        let mut table = PatternIndex::with_capacity(names.len());
        let found: Vec<Option<usize>> = (0..names.len())
            .map(|i| table.first_or_insert(7, i, |j| names[j].eq_ignore_ascii_case(names[i])))
            .collect();
        assert_eq!(found, [None, None, Some(0), None, Some(1)]);
    }
}
