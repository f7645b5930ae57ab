//! `rua` destinations: `tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)`, each an absolute
//! RFC 3986 URI with `,`, `!` and `;` percent-encoded, and a `mailto:` or `https:` scheme.

use crate::diagnostic::Span;

/// One destination, with the first problem found in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uri {
    pub span: Span,
    pub text: Vec<u8>,
    pub problem: Option<Problem>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Not an RFC 3986 URI.
    Invalid(String),
    /// `,` `!` `;` not percent-encoded (offset into the URI).
    Unencoded { at: usize, byte: u8 },
    /// Neither `mailto` nor `https`.
    Scheme(String),
    /// A `mailto:` URI without a valid address.
    Mailto(String),
    /// An `https:` host that is a single label or an IP literal (a warning).
    HttpsHost(String),
}

/// Split a `rua` value (`value` is a span of `data`) into URIs.
pub fn parse_list(data: &[u8], value: Span) -> Vec<Uri> {
    let mut out = Vec::new();
    let mut start = value.start;
    loop {
        let end = data[start..value.end]
            .iter()
            .position(|&b| b == b',')
            .map_or(value.end, |i| start + i);
        let raw = &data[start..end];
        let lead = raw.iter().take_while(|b| crate::text::is_wsp(**b)).count();
        let trail = raw[lead..]
            .iter()
            .rev()
            .take_while(|b| crate::text::is_wsp(**b))
            .count();
        let span = Span::new(start + lead, end - trail);
        let text = data[span.start..span.end].to_vec();
        let problem = check(&text);
        out.push(Uri { span, text, problem });
        if end >= value.end {
            break;
        }
        start = end + 1;
    }
    // `rua=` alone is reported as an empty list, not as one empty URI.
    if out.len() == 1 && out[0].text.is_empty() {
        out.clear();
    }
    out
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn is_sub_delim(b: u8) -> bool {
    matches!(
        b,
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
    )
}

/// The first problem of one URI.
pub fn check(uri: &[u8]) -> Option<Problem> {
    if uri.is_empty() {
        return Some(Problem::Invalid(
            "the list has an empty member (two commas, or a comma at the end)".into(),
        ));
    }
    let Some(colon) = uri.iter().position(|&b| b == b':') else {
        return Some(Problem::Invalid(
            "it has no scheme; write `mailto:` or `https://` in front".into(),
        ));
    };
    let scheme = &uri[..colon];
    if scheme.is_empty()
        || !scheme[0].is_ascii_alphabetic()
        || !scheme
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    {
        return Some(Problem::Invalid(format!(
            "`{}` is not a URI scheme",
            crate::text::show(scheme)
        )));
    }
    // Characters: every byte must be allowed somewhere in a URI.
    let mut hashes = 0;
    let mut i = colon + 1;
    while i < uri.len() {
        let b = uri[i];
        match b {
            b'%' => {
                let ok = uri.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && uri.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
                if !ok {
                    return Some(Problem::Invalid(format!(
                        "`%` at position {} does not start a `%XX` escape",
                        i + 1
                    )));
                }
                i += 3;
                continue;
            }
            b',' | b'!' | b';' => return Some(Problem::Unencoded { at: i, byte: b }),
            b'#' => {
                hashes += 1;
                if hashes > 1 {
                    return Some(Problem::Invalid("it has more than one `#`".into()));
                }
            }
            b if is_unreserved(b) || is_sub_delim(b) || matches!(b, b':' | b'@' | b'/' | b'?' | b'[' | b']') => {}
            b' ' | b'\t' => {
                return Some(Problem::Invalid("it contains a space; encode it as `%20`".into()));
            }
            b if !b.is_ascii() => {
                return Some(Problem::Invalid(
                    "it contains non-ASCII characters; percent-encode them".into(),
                ));
            }
            b => {
                return Some(Problem::Invalid(format!(
                    "`{}` is not allowed in a URI",
                    crate::text::show(&[b])
                )));
            }
        }
        i += 1;
    }
    let rest = &uri[colon + 1..];
    if rest.is_empty() {
        return Some(Problem::Invalid("nothing follows the scheme".into()));
    }
    let lower = scheme.to_ascii_lowercase();
    match lower.as_slice() {
        b"mailto" => check_mailto(rest),
        b"https" => check_https(rest),
        _ => Some(Problem::Scheme(String::from_utf8_lossy(scheme).into_owned())),
    }
}

fn percent_decode(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' && i + 2 < s.len() {
            let hex = std::str::from_utf8(&s[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b)
}

fn is_dot_atom(s: &[u8]) -> bool {
    !s.is_empty()
        && s.split(|&b| b == b'.')
            .all(|part| !part.is_empty() && part.iter().all(|&b| is_atext(b)))
}

fn check_mailto(rest: &[u8]) -> Option<Problem> {
    let to = rest.split(|&b| b == b'?').next().unwrap_or_default();
    if to.is_empty() {
        return Some(Problem::Mailto("no address after `mailto:`".into()));
    }
    let decoded = percent_decode(to);
    for addr in decoded.split(|&b| b == b',') {
        let shown = crate::text::show(addr);
        let Some(at) = addr.iter().rposition(|&b| b == b'@') else {
            return Some(Problem::Mailto(format!("`{shown}` has no `@`")));
        };
        let (local, domain) = (&addr[..at], &addr[at + 1..]);
        let local_ok = is_dot_atom(local) || (local.len() >= 2 && local[0] == b'"' && local[local.len() - 1] == b'"');
        if !local_ok {
            return Some(Problem::Mailto(format!(
                "the local part of `{shown}` is not a valid address (no leading, trailing or double dots)"
            )));
        }
        let domain_ok = if domain.first() == Some(&b'[') {
            domain.last() == Some(&b']')
        } else {
            is_dot_atom(domain) && !domain.contains(&b':')
        };
        if !domain_ok {
            return Some(Problem::Mailto(format!(
                "the domain of `{shown}` is not a valid domain"
            )));
        }
    }
    None
}

fn check_https(rest: &[u8]) -> Option<Problem> {
    let Some(after) = rest.strip_prefix(b"//") else {
        return Some(Problem::Invalid("an `https:` URI needs `//` and a host".into()));
    };
    let authority_end = after
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(after.len());
    let authority = &after[..authority_end];
    let host_port = match authority.iter().rposition(|&b| b == b'@') {
        Some(i) => &authority[i + 1..],
        None => authority,
    };
    let host: &[u8] = if host_port.first() == Some(&b'[') {
        match host_port.iter().position(|&b| b == b']') {
            Some(end) => {
                let port = &host_port[end + 1..];
                let is_port = |p: &[u8]| p.strip_prefix(b":").is_some_and(|d| d.iter().all(u8::is_ascii_digit));
                if !port.is_empty() && !is_port(port) {
                    return Some(Problem::Invalid("text after the IP literal is not a port".into()));
                }
                return Some(Problem::HttpsHost("the host is an IP address literal".into()));
            }
            None => return Some(Problem::Invalid("the IP literal has no closing `]`".into())),
        }
    } else {
        match host_port.iter().position(|&b| b == b':') {
            Some(i) => {
                if !host_port[i + 1..].iter().all(u8::is_ascii_digit) {
                    return Some(Problem::Invalid("the port is not a number".into()));
                }
                &host_port[..i]
            }
            None => host_port,
        }
    };
    if host.is_empty() {
        return Some(Problem::Invalid("the `https:` URI has no host".into()));
    }
    if host.contains(&b'[') || host.contains(&b']') {
        return Some(Problem::Invalid(
            "`[` and `]` are only allowed around an IP literal".into(),
        ));
    }
    let labels: Vec<&[u8]> = host.split(|&b| b == b'.').collect();
    if labels.len() == 4 && labels.iter().all(|l| !l.is_empty() && l.iter().all(u8::is_ascii_digit)) {
        return Some(Problem::HttpsHost("the host is an IP address".into()));
    }
    if !host.contains(&b'.') {
        return Some(Problem::HttpsHost(format!(
            "the host `{}` is a single label",
            crate::text::show(host)
        )));
    }
    None
}
