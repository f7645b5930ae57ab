//! `sts-policy-mx-value = ["*."] Domain` with RFC 5321 `Domain`.

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
        let mut s = String::with_capacity(self.domain.len() + 2);
        if self.wildcard {
            s.push_str("*.");
        }
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

/// Parse one pattern without allocating for a valid one.
pub fn parse_ref(value: &[u8]) -> Result<PatternRef<'_>, PatternError> {
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
pub fn looks_numeric<'p>(p: impl Into<PatternRef<'p>>) -> bool {
    let p = p.into();
    !p.wildcard
        && p.domain.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && p.domain.split('.').count() == 4
        && p.domain.split('.').all(|l| !l.is_empty())
}
