//! `sts-policy-mx-value = ["*."] Domain` with RFC 5321 `Domain`.

use super::CaseFoldHash;
use std::fmt;

/// A valid `mx` pattern. `domain` keeps the case it was written in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MxPattern {
    pub wildcard: bool,
    pub domain: String,
}

impl fmt::Display for MxPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.wildcard {
            f.write_str("*.")?;
        }
        f.write_str(&self.domain)
    }
}

/// Why a pattern is invalid. Offsets are relative to the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatternError {
    Empty,
    /// Valid except for one trailing `.`.
    TrailingDot,
    /// `*` somewhere other than a single leading `*.`.
    Wildcard {
        at: usize,
    },
    /// Non-ASCII; `a_label` is the Punycode form when the name converts.
    ULabel {
        a_label: Option<String>,
    },
    /// A label over 63 octets or a name over 253.
    Length {
        label: Option<(usize, usize)>,
        total: usize,
    },
    /// Anything else outside LDH: `at` is the offending byte, `why` says what is wrong.
    Syntax {
        at: usize,
        why: &'static str,
    },
}

impl MxPattern {
    /// The pattern as written (`*.example.com`).
    pub fn text(&self) -> String {
        if self.wildcard {
            let mut s = String::with_capacity(self.domain.len() + 2);
            s.push_str("*.");
            s.push_str(&self.domain);
            s
        } else {
            self.domain.clone()
        }
    }

    /// The pattern in lower case, for comparisons.
    pub fn key(&self) -> String {
        self.to_string().to_ascii_lowercase()
    }

    /// Whether `other` (a literal) is covered by this wildcard.
    pub fn covers(&self, other: &MxPattern) -> bool {
        PatternRef::from(self).covers(other.into())
    }
}

/// A valid pattern borrowed from the text it was parsed from (no allocation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PatternRef<'a> {
    pub wildcard: bool,
    pub domain: &'a str,
}

impl<'a> From<&'a MxPattern> for PatternRef<'a> {
    fn from(p: &'a MxPattern) -> Self {
        PatternRef {
            wildcard: p.wildcard,
            domain: &p.domain,
        }
    }
}

impl<'a> From<&PatternRef<'a>> for PatternRef<'a> {
    fn from(p: &PatternRef<'a>) -> Self {
        *p
    }
}

impl fmt::Display for PatternRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.wildcard {
            f.write_str("*.")?;
        }
        f.write_str(self.domain)
    }
}

impl PatternRef<'_> {
    pub fn to_owned(self) -> MxPattern {
        MxPattern {
            wildcard: self.wildcard,
            domain: self.domain.to_owned(),
        }
    }

    /// The pattern as written (`*.example.com`).
    pub fn text(self) -> String {
        if !self.wildcard {
            return self.domain.to_owned();
        }
        let mut s = String::with_capacity(self.domain.len() + 2);
        s.push_str("*.");
        s.push_str(self.domain);
        s
    }

    /// Whether `other` (a literal) is covered by this wildcard.
    pub fn covers(self, other: PatternRef<'_>) -> bool {
        self.wildcard && !other.wildcard && super::matches(self, other.domain)
    }
}

/// Parse one pattern.
pub fn parse(value: &[u8]) -> Result<MxPattern, PatternError> {
    parse_ref(value).map(PatternRef::to_owned)
}

/// Parse one pattern from text, without allocating for a valid one and without checking
/// UTF-8 again (the policy parser validates the whole file once).
#[inline]
pub fn parse_str(value: &str) -> Result<PatternRef<'_>, PatternError> {
    if let Some(start) = plain_domain_start(value.as_bytes())
        && let Some(domain) = value.get(start..)
    {
        return Ok(PatternRef {
            wildcard: start == 2,
            domain,
        });
    }
    parse_ref(value.as_bytes())
}

/// Parse one pattern without allocating for a valid one.
pub fn parse_ref(value: &[u8]) -> Result<PatternRef<'_>, PatternError> {
    if let Some(start) = plain_domain_start(value)
        && let Ok(domain) = std::str::from_utf8(&value[start..])
    {
        return Ok(PatternRef {
            wildcard: start == 2,
            domain,
        });
    }
    parse_full(value)
}

/// The whole grammar, every error: what [`plain_domain_start`] spares the common case.
fn parse_full(value: &[u8]) -> Result<PatternRef<'_>, PatternError> {
    if value.is_empty() {
        return Err(PatternError::Empty);
    }
    if !value.is_ascii() {
        let a_label = std::str::from_utf8(value)
            .ok()
            .and_then(super::to_a_labels)
            .filter(|a| parse(a.as_bytes()).is_ok());
        return Err(PatternError::ULabel { a_label });
    }
    let (wildcard, domain) = match value.strip_prefix(b"*.") {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let base = if wildcard { 2 } else { 0 };
    if let Some(i) = domain.iter().position(|&b| b == b'*') {
        return Err(PatternError::Wildcard { at: base + i });
    }
    if value == b"*" {
        return Err(PatternError::Wildcard { at: 0 });
    }
    if let Some(stripped) = domain.strip_suffix(b".")
        && !stripped.is_empty()
        && check_domain(stripped, base).is_ok()
    {
        return Err(PatternError::TrailingDot);
    }
    check_domain(domain, base)?;
    // ASCII, checked above.
    let domain = std::str::from_utf8(domain).map_err(|_| PatternError::Syntax {
        at: base,
        why: "not ASCII",
    })?;
    Ok(PatternRef { wildcard, domain })
}

/// Where the domain starts (0, or 2 after `*.`) when `value` is a valid pattern of the
/// common kind: LDH labels of 1 to 63 bytes that neither start nor end with `-` and hold
/// no `--` (as in `xn--`, whose Punycode needs checking), at most 253 bytes in all.
/// `None` sends the value to the full parser, which accepts it or says why not; whatever
/// is accepted here, it accepts the same way.
fn plain_domain_start(value: &[u8]) -> Option<usize> {
    let start = if value.starts_with(b"*.") { 2 } else { 0 };
    if value.len() > 253 {
        return None;
    }
    plain_name(&value[start..]).map(|_| start)
}

/// When `name` is a domain of the common kind ([`plain_domain_start`], but for the
/// length of the whole pattern, which is the caller's), its hash so far: the words of
/// [`super::PatternKey::hash64`], to be finished with the length.
///
/// Eight bytes at a time and without a branch per byte: names are short, a byte loop
/// costs several times more, and a policy file is mostly names.
#[inline]
pub(crate) fn plain_name(name: &[u8]) -> Option<CaseFoldHash> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut hash = CaseFoldHash::default();
    // High bits of the bytes that break the rules.
    let mut bad = 0u64;
    // Bit 7 set when the byte before the current word is `-` or `.`; as if a `.` came
    // first, so a name cannot start with either.
    let mut separator_before = 0x80u64;
    let mut words = name.chunks_exact(8);
    for chunk in &mut words {
        let word = chunk.first_chunk::<8>().map_or(0, |c| u64::from_le_bytes(*c));
        let (plain, separators) = ldh_classes(word);
        bad |= !plain | separators & ((separators << 8) | separator_before);
        separator_before = separators >> 56;
        hash.word(word);
    }
    let tail = words.remainder();
    let ends_in_separator = if tail.is_empty() {
        name.is_empty() || separator_before != 0
    } else {
        // The tail, zero above its last byte: the last eight bytes shifted down when the
        // name has that many (a load of fixed size), else byte by byte.
        let word = match name.len().checked_sub(8).and_then(|at| name[at..].first_chunk::<8>()) {
            Some(last) => u64::from_le_bytes(*last) >> (8 * (8 - tail.len())),
            None => tail.iter().rev().fold(0, |word, &b| (word << 8) | u64::from(b)),
        };
        let real = (1u64 << (8 * tail.len())) - 1;
        let (plain, separators) = ldh_classes(word);
        let separators = separators & real;
        bad |= (!plain & real) | separators & ((separators << 8) | separator_before);
        hash.word(word);
        separators >> (8 * tail.len() - 1) != 0
    };
    if bad & HIGH != 0 || ends_in_separator {
        return None;
    }
    // Only a long name can hold a long label.
    if name.len() > 63 && name.split(|&b| b == b'.').any(|label| label.len() > 63) {
        return None;
    }
    Some(hash)
}

/// For eight bytes little-endian in `word`: the high bit of each byte that is a letter,
/// digit, `-` or `.`, and of each that is `-` or `.`. A byte of 0x80 or more is neither;
/// the marks of the bytes after it may be wrong, which only matters to a name it has
/// already ruled out.
#[inline]
fn ldh_classes(word: u64) -> (u64, u64) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // For a byte below 0x80 no sum carries into the next byte, so the high bit of each
    // such byte says whether it is in `lo..=hi`.
    let in_range = |w: u64, lo: u8, hi: u8| {
        (w.wrapping_add(ONES * u64::from(0x80 - lo))) & !(w.wrapping_add(ONES * u64::from(0x7F - hi))) & HIGH
    };
    // Setting 0x20 lower-cases letters; digits, `-` and `.` are tested on the bytes as is.
    let letters = in_range(word | (ONES * 0x20), b'a', b'z');
    let digits = in_range(word, b'0', b'9');
    let separators = in_range(word, b'-', b'.');
    ((letters | digits | separators) & !word, separators)
}

/// RFC 5321 `Domain`, plus the DNS length limits.
/// Letters, digits and `-`.
static LDH: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || b == b'-';
        i += 1;
    }
    t
};

fn check_domain(domain: &[u8], base: usize) -> Result<(), PatternError> {
    if domain.is_empty() {
        return Err(PatternError::Syntax {
            at: base,
            why: "nothing follows `*.`",
        });
    }
    // One pass over the bytes; a label is judged when its `.` (or the end) is reached.
    let mut start = 0;
    let mut long_label = None;
    for i in 0..=domain.len() {
        let b = domain.get(i).copied().unwrap_or(b'.');
        if b != b'.' {
            if !LDH[usize::from(b)] {
                let why = match b {
                    b'_' => "`_` is not allowed in a host name",
                    b' ' | b'\t' => "a pattern cannot contain spaces",
                    b',' | b';' => "one `mx` line holds one pattern",
                    b'/' | b':' => "a pattern is a host name, not a URL, port or IP address",
                    _ => "only letters, digits, `-` and `.` are allowed",
                };
                return Err(PatternError::Syntax { at: base + i, why });
            }
            continue;
        }
        let label = &domain[start..i];
        let at = base + start;
        match label {
            [] => {
                let why = if start == 0 {
                    "the name starts with `.`"
                } else if start == domain.len() {
                    "the name ends with `.`"
                } else {
                    "the name has an empty label (`..`)"
                };
                return Err(PatternError::Syntax { at, why });
            }
            [b'-', ..] => {
                return Err(PatternError::Syntax {
                    at,
                    why: "a label cannot start with `-`",
                });
            }
            [.., b'-'] => {
                return Err(PatternError::Syntax {
                    at: at + label.len() - 1,
                    why: "a label cannot end with `-`",
                });
            }
            [x, n, b'-', b'-', rest @ ..] if x.eq_ignore_ascii_case(&b'x') && n.eq_ignore_ascii_case(&b'n') => {
                let ok = std::str::from_utf8(rest)
                    .ok()
                    .and_then(idna::punycode::decode_to_string)
                    .is_some();
                if !ok {
                    return Err(PatternError::Syntax {
                        at,
                        why: "an `xn--` label that is not valid Punycode",
                    });
                }
            }
            _ => {}
        }
        if label.len() > 63 && long_label.is_none() {
            long_label = Some((at, label.len()));
        }
        start = i + 1;
    }
    if long_label.is_some() || domain.len() + base > 253 {
        return Err(PatternError::Length {
            label: long_label,
            total: domain.len() + base,
        });
    }
    Ok(())
}

/// Whether a valid pattern's domain looks like an IPv4 address.
#[inline]
pub fn looks_numeric<'p>(p: impl Into<PatternRef<'p>>) -> bool {
    let p = p.into();
    // An address ends in a digit: most names are ruled out by their last byte.
    !p.wildcard
        && p.domain.as_bytes().last().is_some_and(u8::is_ascii_digit)
        && p.domain.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && p.domain.split('.').count() == 4
        && p.domain.split('.').all(|l| !l.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick check accepts only what the full parser accepts, with the same result.
    #[test]
    fn plain_check_agrees_with_full_parser() {
        const ALPHABET: &[u8] = b"aAxXnN09-.*_ \xc3/:@[`{,\r\x7f\x00zZ";
        let mut next = crate::test_rng::xorshift(0x2545_f491_4f6c_dd1d);
        let mut accepted = 0;
        for _ in 0..200_000 {
            let len = (next() % 14) as usize;
            let mut value: Vec<u8> = (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect();
            if next().is_multiple_of(4) {
                value.splice(0..0, *b"*.");
            }
            check_same(&value, &mut accepted);
        }
        // Lengths around the label and name limits.
        for label in [62, 63, 64] {
            for wildcard in [false, true] {
                let mut value = if wildcard { b"*.".to_vec() } else { Vec::new() };
                value.extend(std::iter::repeat_n(b'a', label));
                value.extend_from_slice(b".example.com");
                check_same(&value, &mut accepted);
            }
        }
        for total in [250, 251, 252, 253, 254, 255] {
            for wildcard in [false, true] {
                let mut value = if wildcard { b"*.".to_vec() } else { Vec::new() };
                while value.len() < total {
                    value.extend_from_slice(if total - value.len() >= 10 { b"abcdefghi." } else { b"a" });
                }
                if value.ends_with(b".") {
                    value.push(b'b');
                }
                check_same(&value, &mut accepted);
            }
        }
        for value in [
            &b"xn--bcher-kva.example"[..],
            b"ab--c.example",
            b"a--b.example",
            b"xn--.example",
            b"mx1.example.com",
        ] {
            check_same(value, &mut accepted);
        }
        assert!(
            accepted > 1000,
            "the generator should reach valid patterns ({accepted})"
        );
    }

    fn check_same(value: &[u8], accepted: &mut usize) {
        let full = parse_full(value);
        assert_eq!(parse_ref(value), full, "{value:?}");
        if let Ok(text) = std::str::from_utf8(value) {
            assert_eq!(parse_str(text), full, "{value:?}");
        }
        if plain_domain_start(value).is_some() {
            assert!(full.is_ok(), "{value:?}");
            *accepted += 1;
        }
    }
}
