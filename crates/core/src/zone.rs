//! Zone-file and `dig` lines: `owner [ttl] [class] type rdata`. Enough of RFC 1035 §5 to
//! read what people paste: `$ORIGIN`, `@`, relative names, an omitted owner, comments,
//! and parentheses that continue a record over several lines.

use crate::diagnostic::Span;

/// One resource record as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rr {
    /// The owner as written (may be relative, `@`, or empty when omitted).
    pub owner_text: String,
    pub owner: Span,
    pub rtype: String,
    /// The record data, up to the end of the record (may span lines in parentheses).
    pub rdata: Span,
    /// The whole record.
    pub span: Span,
}

const TYPES: &[&str] = &[
    "TXT", "MX", "CNAME", "A", "AAAA", "NS", "SOA", "CAA", "TLSA", "SPF", "SRV", "PTR", "HTTPS", "SVCB",
];

fn words(src: &[u8], span: Span) -> Vec<Span> {
    let mut out = Vec::new();
    let mut i = span.start;
    while i < span.end {
        if src[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if src[i] == b'"' || src[i] == b';' {
            break;
        }
        let s = i;
        while i < span.end && !src[i].is_ascii_whitespace() && src[i] != b'"' {
            i += 1;
        }
        out.push(Span::new(s, i));
    }
    out
}

/// Parse one line as a resource record. The owner may be omitted only when the line
/// starts with whitespace. Returns `None` when the line is not shaped like a record.
pub fn parse_rr_line(src: &[u8], line: Span) -> Option<Rr> {
    let w = words(src, line);
    let text = |s: Span| std::str::from_utf8(&src[s.start..s.end]).ok();
    let omitted_owner = line.start < line.end && src[line.start].is_ascii_whitespace();
    let mut k = 0;
    let (owner, owner_text) = if omitted_owner {
        (Span::at(line.start), String::new())
    } else {
        let o = *w.first()?;
        k = 1;
        (o, text(o)?.to_string())
    };
    // [ttl] [class] or [class] [ttl], then the type.
    for _ in 0..2 {
        let t = text(*w.get(k)?)?;
        if t.bytes().all(|b| b.is_ascii_digit()) || matches!(t.to_ascii_uppercase().as_str(), "IN" | "CH" | "HS" | "CS")
        {
            k += 1;
        }
    }
    let type_word = *w.get(k)?;
    let rtype = text(type_word)?.to_ascii_uppercase();
    if !TYPES.contains(&rtype.as_str()) {
        return None;
    }
    let rdata_start = type_word.end
        + src[type_word.end..line.end]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    Some(Rr {
        owner_text,
        owner,
        rtype,
        rdata: Span::new(rdata_start, line.end),
        span: line,
    })
}

/// A record with its owner resolved to a lower-case name without the trailing dot.
#[derive(Clone, Debug)]
pub struct ZoneRr {
    pub rr: Rr,
    pub name: String,
}

/// Read every record of a zone file. Lines in parentheses are joined.
pub fn parse(src: &[u8]) -> Vec<ZoneRr> {
    let mut out = Vec::new();
    let mut origin = String::new();
    let mut last_owner = String::new();
    let lines: Vec<Span> = crate::txt::lines(src).collect();
    let mut i = 0;
    while i < lines.len() {
        let mut span = lines[i];
        i += 1;
        let line = &src[span.start..span.end];
        let trimmed = line.trim_ascii_start();
        if trimmed.is_empty() || trimmed[0] == b';' {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix(b"$ORIGIN") {
            origin = String::from_utf8_lossy(rest.trim_ascii())
                .trim_end_matches('.')
                .to_ascii_lowercase();
            continue;
        }
        if trimmed.first() == Some(&b'$') {
            continue;
        }
        // Continue over lines while a parenthesis is open (outside quotes).
        while open_paren(&src[span.start..span.end]) && i < lines.len() {
            span.end = lines[i].end;
            i += 1;
        }
        let Some(rr) = parse_rr_line(src, span) else {
            continue;
        };
        let name = if rr.owner_text.is_empty() {
            last_owner.clone()
        } else {
            absolute(&rr.owner_text, &origin)
        };
        last_owner = name.clone();
        out.push(ZoneRr { rr, name });
    }
    out
}

fn open_paren(s: &[u8]) -> bool {
    let mut depth = 0i32;
    let mut quoted = false;
    let mut escaped = false;
    for &b in s {
        if escaped {
            escaped = false;
            continue;
        }
        match b {
            b'\\' => escaped = true,
            b'"' => quoted = !quoted,
            b';' if !quoted => break,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth -= 1,
            _ => {}
        }
    }
    depth > 0
}

fn absolute(owner: &str, origin: &str) -> String {
    let o = owner.to_ascii_lowercase();
    if o == "@" {
        origin.to_string()
    } else if let Some(abs) = o.strip_suffix('.') {
        abs.to_string()
    } else if origin.is_empty() {
        o
    } else {
        format!("{o}.{origin}")
    }
}

/// The first data word of an MX record (`10 mx1.example.com.` gives the exchange).
pub fn mx_exchange(src: &[u8], rr: &Rr) -> Option<String> {
    let w = words(src, rr.rdata);
    let ex = w.get(1)?;
    Some(String::from_utf8_lossy(&src[ex.start..ex.end]).into_owned())
}

/// The target of a CNAME record.
pub fn cname_target(src: &[u8], rr: &Rr) -> Option<String> {
    let w = words(src, rr.rdata);
    let t = w.first()?;
    Some(
        String::from_utf8_lossy(&src[t.start..t.end])
            .trim_end_matches('.')
            .to_ascii_lowercase(),
    )
}
