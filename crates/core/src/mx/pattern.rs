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
    /// The pattern in lower case, for comparisons.
    pub fn key(&self) -> String {
        self.to_string().to_ascii_lowercase()
    }

    /// Whether `other` (a literal) is covered by this wildcard.
    pub fn covers(&self, other: &MxPattern) -> bool {
        self.wildcard && !other.wildcard && super::matches(self, &other.domain.to_ascii_lowercase())
    }
}

/// Parse one pattern.
pub fn parse(value: &[u8]) -> Result<MxPattern, PatternError> {
    if value.is_empty() {
        return Err(PatternError::Empty);
    }
    if !value.is_ascii() {
        let a_label = std::str::from_utf8(value)
            .ok()
            .and_then(|s| idna::domain_to_ascii_strict(s).ok())
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
    Ok(MxPattern {
        wildcard,
        // ASCII checked above.
        domain: String::from_utf8_lossy(domain).into_owned(),
    })
}

/// RFC 5321 `Domain`, plus the DNS length limits.
fn check_domain(domain: &[u8], base: usize) -> Result<(), PatternError> {
    if domain.is_empty() {
        return Err(PatternError::Syntax {
            at: base,
            why: "nothing follows `*.`",
        });
    }
    let mut start = 0;
    let mut long_label = None;
    for label in domain.split(|&b| b == b'.') {
        let at = base + start;
        if label.is_empty() {
            let why = if start == 0 {
                "the name starts with `.`"
            } else if start == domain.len() {
                "the name ends with `.`"
            } else {
                "the name has an empty label (`..`)"
            };
            return Err(PatternError::Syntax { at, why });
        }
        if let Some(i) = label.iter().position(|&b| !(b.is_ascii_alphanumeric() || b == b'-')) {
            let why = match label[i] {
                b'_' => "`_` is not allowed in a host name",
                b' ' | b'\t' => "a pattern cannot contain spaces",
                b',' | b';' => "one `mx` line holds one pattern",
                b'/' | b':' => "a pattern is a host name, not a URL, port or IP address",
                _ => "only letters, digits, `-` and `.` are allowed",
            };
            return Err(PatternError::Syntax { at: at + i, why });
        }
        if label[0] == b'-' {
            return Err(PatternError::Syntax {
                at,
                why: "a label cannot start with `-`",
            });
        }
        if label[label.len() - 1] == b'-' {
            return Err(PatternError::Syntax {
                at: at + label.len() - 1,
                why: "a label cannot end with `-`",
            });
        }
        if label.len() > 4 && label[..4].eq_ignore_ascii_case(b"xn--") {
            let ok = std::str::from_utf8(&label[4..])
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
        if label.len() > 63 && long_label.is_none() {
            long_label = Some((at, label.len()));
        }
        start += label.len() + 1;
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
pub fn looks_numeric(p: &MxPattern) -> bool {
    !p.wildcard
        && p.domain.split('.').count() == 4
        && p.domain.split('.').all(|l| l.bytes().all(|b| b.is_ascii_digit()))
}
