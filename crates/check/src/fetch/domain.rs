//! Which inputs are Policy Domains the fetch may look up: public DNS names only, so a
//! request can never smuggle in an address, a port, credentials or a path.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The longest domain name in presentation form, without the trailing dot (RFC 1035).
pub const MAX_NAME: usize = 253;
/// The longest label (RFC 1035).
pub const MAX_LABEL: usize = 63;
/// The policy host's prefix: the domain may be at most `MAX_NAME` minus this long.
const HOST_PREFIX: &str = "mta-sts.";

/// Why an input is not a domain the fetch accepts. The Display text says exactly what is
/// wrong, quoting the input (control characters escaped).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DomainError {
    /// Nothing but whitespace was given.
    Empty,
    /// An IPv4 or IPv6 address, bracketed or not (or a name whose last label is all
    /// digits, which URL parsers read as an IPv4 address).
    IpLiteral(String),
    /// A URL (`https://...`) rather than a domain.
    Url(String),
    /// `user@host` or `user:pass@host`.
    Userinfo(String),
    /// `host:port`.
    Port(String),
    /// A `/`, `?` or `#`: a path, query or fragment.
    Path(String),
    /// Whitespace or a control character inside the name.
    Whitespace(String),
    /// Only one label (`localhost`, `com`).
    SingleLabel(String),
    /// Two dots in a row, or a leading dot.
    EmptyLabel(String),
    /// A label over 63 characters (in A-label form).
    LabelTooLong { input: String, label: String },
    /// The policy host `mta-sts.<domain>` would exceed 253 characters.
    TooLong { input: String, host_len: usize },
    /// A character a host name cannot hold (letters, digits and `-` only).
    NotLdh { input: String, label: String },
    /// A label starting or ending with `-`.
    Hyphen { input: String, label: String },
    /// U-labels that IDNA (UTS #46) cannot convert to A-labels.
    Idna(String),
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DomainError::Empty => write!(f, "no domain was given"),
            DomainError::IpLiteral(s) => write!(
                f,
                "`{}` is an IP address: IP literals are not domains; give the Policy Domain, e.g. `example.com`",
                show(s)
            ),
            DomainError::Url(s) => write!(
                f,
                "`{}` is a URL: give only the Policy Domain, e.g. `example.com`",
                show(s)
            ),
            DomainError::Userinfo(s) => {
                write!(f, "`{}` has a user name (`...@`): give only the Policy Domain", show(s))
            }
            DomainError::Port(s) => write!(
                f,
                "`{}` has a port (`:...`): the policy is always fetched over HTTPS on port 443",
                show(s)
            ),
            DomainError::Path(s) => write!(
                f,
                "`{}` has a path, query or fragment (`/`, `?` or `#`): give only the Policy Domain",
                show(s)
            ),
            DomainError::Whitespace(s) => write!(f, "`{}` has whitespace or a control character inside it", show(s)),
            DomainError::SingleLabel(s) => write!(
                f,
                "`{}` has a single label: a Policy Domain has at least two, e.g. `example.com`",
                show(s)
            ),
            DomainError::EmptyLabel(s) => write!(f, "`{}` has an empty label", show(s)),
            DomainError::LabelTooLong { input, label } => write!(
                f,
                "`{}` has a label of {} characters (`{}`), over the 63 DNS allows",
                show(input),
                label.len(),
                show(label)
            ),
            DomainError::TooLong { input, host_len } => write!(
                f,
                "`{}` is too long: `mta-sts.` plus it makes {host_len} characters, over the 253 DNS allows",
                show(input)
            ),
            DomainError::NotLdh { input, label } => write!(
                f,
                "`{}` has the label `{}`: host names hold only letters, digits and `-`",
                show(input),
                show(label)
            ),
            DomainError::Hyphen { input, label } => write!(
                f,
                "`{}` has the label `{}`, which starts or ends with `-`",
                show(input),
                show(label)
            ),
            DomainError::Idna(s) => write!(
                f,
                "`{}` has international labels that IDNA cannot convert to A-labels",
                show(s)
            ),
        }
    }
}

impl std::error::Error for DomainError {}

/// `s` with control characters escaped and cut to 300 characters, for messages.
fn show(s: &str) -> String {
    let mut out: String = s.chars().take(300).flat_map(char::escape_debug).collect();
    if s.chars().count() > 300 {
        out.push('…');
    }
    out
}

/// The Policy Domain in `input` as a public DNS name: lower-case A-label form, no
/// trailing dot. Surrounding whitespace is ignored; one trailing dot is allowed.
pub fn validate_domain(input: &str) -> Result<String, DomainError> {
    let given = input.trim();
    let owned = || given.to_string();
    if given.is_empty() {
        return Err(DomainError::Empty);
    }
    if given.contains("://") {
        return Err(DomainError::Url(owned()));
    }
    if given.starts_with('[') || given.parse::<Ipv6Addr>().is_ok() || given.parse::<Ipv4Addr>().is_ok() {
        return Err(DomainError::IpLiteral(owned()));
    }
    if given.contains(['/', '?', '#', '\\']) {
        return Err(DomainError::Path(owned()));
    }
    if given.contains('@') {
        return Err(DomainError::Userinfo(owned()));
    }
    if given.contains(':') {
        return Err(DomainError::Port(owned()));
    }
    if given.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(DomainError::Whitespace(owned()));
    }
    let name = given.strip_suffix('.').unwrap_or(given);
    // Checked before IDNA, which would quietly drop or map some of these.
    if name.is_empty() || name.split(['.', '\u{3002}', '\u{ff0e}', '\u{ff61}']).any(str::is_empty) {
        return Err(DomainError::EmptyLabel(owned()));
    }
    let ascii = if name.is_ascii() {
        name.to_ascii_lowercase()
    } else {
        idna::domain_to_ascii_strict(name).map_err(|_| DomainError::Idna(owned()))?
    };
    let labels: Vec<&str> = ascii.split('.').collect();
    if labels.iter().any(|l| l.is_empty()) {
        return Err(DomainError::EmptyLabel(owned()));
    }
    if let Some(label) = labels.iter().find(|l| l.len() > MAX_LABEL) {
        return Err(DomainError::LabelTooLong {
            input: owned(),
            label: label.to_string(),
        });
    }
    if let Some(label) = labels
        .iter()
        .find(|l| !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    {
        return Err(DomainError::NotLdh {
            input: owned(),
            label: label.to_string(),
        });
    }
    if let Some(label) = labels.iter().find(|l| l.starts_with('-') || l.ends_with('-')) {
        return Err(DomainError::Hyphen {
            input: owned(),
            label: label.to_string(),
        });
    }
    if labels.len() < 2 {
        return Err(DomainError::SingleLabel(owned()));
    }
    // URL parsers (WHATWG) read a name ending in an all-digit label as an IPv4 address
    // (`127.1`, `0x7f.1` is caught as hex digits below); no top-level domain is numeric.
    let last = labels[labels.len() - 1];
    let hex_number = last.len() > 2 && last.starts_with("0x") && last[2..].bytes().all(|b| b.is_ascii_hexdigit());
    if last.bytes().all(|b| b.is_ascii_digit()) || hex_number {
        return Err(DomainError::IpLiteral(owned()));
    }
    let host_len = HOST_PREFIX.len() + ascii.len();
    if host_len > MAX_NAME {
        return Err(DomainError::TooLong {
            input: owned(),
            host_len,
        });
    }
    Ok(ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(input: &str) -> String {
        match validate_domain(input) {
            Ok(d) => panic!("`{input}` was accepted as {d}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn accepts_public_names_in_a_label_form() {
        assert_eq!(validate_domain("Example.COM").as_deref(), Ok("example.com"));
        assert_eq!(validate_domain(" example.com. ").as_deref(), Ok("example.com"));
        assert_eq!(
            validate_domain("mail-1.a.example.co.uk").as_deref(),
            Ok("mail-1.a.example.co.uk")
        );
        assert_eq!(validate_domain("møx.example").as_deref(), Ok("xn--mx-lka.example"));
        assert_eq!(validate_domain("bücher.de").as_deref(), Ok("xn--bcher-kva.de"));
        assert_eq!(validate_domain("xn--bcher-kva.de").as_deref(), Ok("xn--bcher-kva.de"));
        assert_eq!(validate_domain("123.example").as_deref(), Ok("123.example"));
        // `mta-sts.` + this is exactly 253 characters.
        let longest = format!(
            "{}.{}.{}.{}.com",
            "a".repeat(63),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(49)
        );
        assert_eq!(validate_domain(&longest), Ok(longest.clone()));
    }

    #[test]
    fn rejects_ip_literals() {
        for input in [
            "10.0.0.1",
            "127.0.0.1",
            "::1",
            "[::1]",
            "[2001:db8::1]:443",
            "::ffff:10.0.0.1",
            "127.1",
            "1.2.3",
            "0x7f.1",
            "example.0x7f",
        ] {
            assert!(
                err(input).contains("IP literals are not domains"),
                "{input}: {}",
                err(input)
            );
        }
    }

    #[test]
    fn rejects_urls_ports_userinfo_paths() {
        assert!(err("https://example.com").contains("is a URL"));
        assert!(err("example.com:443").contains("has a port"));
        assert!(err("example.com:").contains("has a port"));
        assert!(err("user@example.com").contains("user name"));
        assert!(err("user:pw@example.com").contains("user name"));
        assert!(err("example.com/.well-known/mta-sts.txt").contains("path"));
        assert!(err("example.com?x=1").contains("path, query"));
        assert!(err("example.com#f").contains("fragment"));
        assert!(err("example.com\\x").contains("path"));
    }

    #[test]
    fn rejects_bad_shapes() {
        assert_eq!(err(""), "no domain was given");
        assert_eq!(err("   "), "no domain was given");
        assert!(err("localhost").contains("single label"));
        assert!(err("com.").contains("single label"));
        assert_eq!(err("a..b"), "`a..b` has an empty label");
        assert_eq!(err(".example.com"), "`.example.com` has an empty label");
        assert!(err("example.com..").contains("empty label"));
        assert!(err(".").contains("empty label"));
        assert!(err("exa mple.com").contains("whitespace"));
        assert!(err("example.com\u{0}").contains("control character"));
        assert!(err("ex_ample.com").contains("`ex_ample`"));
        assert!(err("ex!ample.com").contains("only letters, digits and `-`"));
        assert!(err("-example.com").contains("starts or ends with `-`"));
        assert!(err("example-.com").contains("starts or ends with `-`"));
        let label = "a".repeat(64);
        assert!(err(&format!("{label}.com")).contains("label of 64 characters"));
        let long = format!(
            "{}.{}.{}.{}.com",
            "a".repeat(63),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(50)
        );
        assert!(err(&long).contains("makes 254 characters"), "{}", err(&long));
    }

    #[test]
    fn messages_escape_control_characters() {
        assert!(err("a\u{1b}[31m.com").contains("\\u{1b}"));
    }
}
