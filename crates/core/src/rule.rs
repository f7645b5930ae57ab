//! The rule type. Each rule lives in its own file under `rules/`, with its doc beside it.

use crate::diagnostic::Severity;
use serde::Serialize;

/// What a rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Subject {
    /// The policy file served at `https://mta-sts.<domain>/.well-known/mta-sts.txt`.
    Policy,
    /// The `_mta-sts` TXT record and its RRset.
    StsRecord,
    /// The `_smtp._tls` TXT record and its RRset.
    TlsRptRecord,
    /// The MX list against the policy's `mx` patterns.
    MxMatch,
    /// Several records of one domain seen together (a zone file).
    Deployment,
    /// A recorded fetch of the policy (`FetchEvidence`) and what senders cache.
    Fetch,
}

/// A rule: stable code, severity, RFC reference and its doc.
#[derive(Debug, Serialize)]
pub struct Rule {
    pub code: &'static str,
    pub severity: Severity,
    /// E.g. "RFC 8461 §3.2".
    pub rfc: &'static str,
    pub subject: Subject,
    /// The one-line title: the doc's first heading without `# CODE: `. Kept apart from
    /// `doc` (extracted at compile time) so builds without the `docs` feature still have it.
    #[serde(skip)]
    pub title: &'static str,
    /// Markdown: `# CODE: title`, then sections `## What it checks`, `## Why it matters`,
    /// `## Example`, `## How to fix`. Empty without the `docs` feature (the web page loads
    /// the docs on demand, from the `rules.json` that `mtasts rules --json --docs` writes).
    #[serde(skip)]
    pub doc: &'static str,
}

/// The sections of a rule doc.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    WhatItChecks,
    WhyItMatters,
    Example,
    HowToFix,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::WhatItChecks,
        Section::WhyItMatters,
        Section::Example,
        Section::HowToFix,
    ];
    pub fn heading(self) -> &'static str {
        match self {
            Section::WhatItChecks => "What it checks",
            Section::WhyItMatters => "Why it matters",
            Section::Example => "Example",
            Section::HowToFix => "How to fix",
        }
    }
}

impl PartialEq for Rule {
    fn eq(&self, other: &Rule) -> bool {
        self.code == other.code
    }
}

impl Rule {
    /// The one-line title from the doc's first heading.
    pub fn title(&self) -> &'static str {
        self.title
    }

    /// The text of one section, without its heading (empty without the `docs` feature).
    pub fn section(&self, section: Section) -> &'static str {
        doc_section(self.doc, section)
    }

    /// Example inputs in the doc (none without the `docs` feature): see [`doc_examples`].
    pub fn examples(&self) -> Vec<DocExample> {
        doc_examples(self.doc)
    }
}

/// Where the title is in a doc's first line `# CODE: title`, as a byte range, for
/// [`rule!`](crate::rules) to copy at compile time. A first line without `: ` is all title.
pub const fn doc_title_range(doc: &str) -> (usize, usize) {
    let bytes = doc.as_bytes();
    let mut end = 0;
    while end < bytes.len() && bytes[end] != b'\n' {
        end += 1;
    }
    let mut start = 0;
    while start < end && bytes[start] == b'#' {
        start += 1;
    }
    // After the first ": ", if any.
    let mut i = start;
    while i + 1 < end {
        if bytes[i] == b':' && bytes[i + 1] == b' ' {
            start = i + 2;
            break;
        }
        i += 1;
    }
    while start < end && bytes[start].is_ascii_whitespace() {
        start += 1;
    }
    while end > start && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    (start, end)
}

/// `N` bytes of `doc` from `start`: the title that [`doc_title_range`] found, copied so the
/// binary holds the title and not the whole doc it was cut from.
pub const fn doc_title_bytes<const N: usize>(doc: &str, start: usize) -> [u8; N] {
    let bytes = doc.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = bytes[start + i];
        i += 1;
    }
    out
}

/// The title bytes as text; a compile error if a rule's title is cut inside a character
/// (it cannot be: [`doc_title_range`] cuts only at ASCII bytes).
pub const fn doc_title_str(bytes: &'static [u8]) -> &'static str {
    match core::str::from_utf8(bytes) {
        Ok(title) => title,
        Err(_) => panic!("a rule title is not UTF-8"),
    }
}

/// The text of one section of a rule doc (Markdown), without its heading; "" when the
/// doc has no such section.
pub fn doc_section(doc: &str, section: Section) -> &str {
    let heading = format!("## {}", section.heading());
    let Some(start) = doc.find(&heading) else {
        return "";
    };
    let body = &doc[start + heading.len()..];
    let end = body.find("\n## ").unwrap_or(body.len());
    body[..end].trim()
}

/// Example inputs in a rule doc: fenced blocks whose info string starts with `policy`,
/// `sts`, `tlsrpt`, `zone`, `fetch` (a `FetchEvidence` as JSON, taken verbatim) or `probe`
/// (an `MxProbeEvidence` as JSON, verbatim; `mode=` gives the policy mode), in the
/// Example and How to fix sections, in doc order.
pub fn doc_examples(doc: &str) -> Vec<DocExample> {
    let mut out = Vec::new();
    for section in [Section::Example, Section::HowToFix] {
        let text = doc_section(doc, section);
        let mut rest = text;
        while let Some(open) = rest.find("```") {
            let after = &rest[open + 3..];
            let Some(nl) = after.find('\n') else { break };
            let info = after[..nl].trim();
            let body_start = &after[nl + 1..];
            let Some(close) = body_start.find("```") else {
                break;
            };
            let body = &body_start[..close];
            rest = &body_start[close + 3..];
            let mut words = info.split_whitespace();
            let Some(kind) = words.next() else { continue };
            if !matches!(kind, "policy" | "sts" | "tlsrpt" | "zone" | "fetch" | "probe") {
                continue;
            }
            let mut mx = None;
            let mut mode = None;
            for w in words {
                if let Some(m) = w.strip_prefix("mode=") {
                    mode = Some(m.to_string());
                }
                if let Some(list) = w.strip_prefix("mx=") {
                    mx = Some(list.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect());
                }
            }
            let kind = match kind {
                "policy" => "policy",
                "sts" => "sts",
                "tlsrpt" => "tlsrpt",
                "fetch" => "fetch",
                "probe" => "probe",
                _ => "zone",
            };
            out.push(DocExample {
                kind,
                mx,
                mode,
                // `fetch` and `probe` blocks are evidence JSON, which has escapes of its own.
                input: if matches!(kind, "fetch" | "probe") {
                    body.as_bytes().to_vec()
                } else {
                    unescape_example(body)
                },
                fires: section == Section::Example,
            });
        }
    }
    out
}

/// An input taken from a rule doc. `fires` is true in the Example section (the rule
/// must fire) and false in How to fix (the corrected input must not fire it).
#[derive(Clone, Debug)]
pub struct DocExample {
    pub kind: &'static str,
    /// `mx=a.example,b.example` in the info string: hold the policy against these MX
    /// hosts (`mx=` alone: no MX records).
    pub mx: Option<Vec<String>>,
    /// `mode=enforce` on a `zone` or `probe` block: the policy mode to assume.
    pub mode: Option<String>,
    pub input: Vec<u8>,
    pub fires: bool,
}

/// Doc examples are plain text with escapes for bytes a page can't show: `\r`, `\t`,
/// `\xHH`, `\u{HHHH}`, `\\`. A block's lines are joined by LF. The marker `⏎` at the very
/// end means "no final newline"; a line `⟳N text` stands for N copies of `text`.
pub fn unescape_example(body: &str) -> Vec<u8> {
    let body = body.strip_suffix("⏎\n").unwrap_or(body);
    // `⟳N text` on a line stands for N copies of that line (for size examples).
    if body.lines().any(|l| l.starts_with('⟳')) {
        let mut expanded = String::new();
        for line in body.split_inclusive('\n') {
            let repeat = line.strip_prefix('⟳').and_then(|rest| {
                let (n, text) = rest.split_once(' ')?;
                Some((n.parse::<usize>().ok()?, text))
            });
            match repeat {
                Some((n, text)) => expanded.push_str(&text.repeat(n.min(100_000))),
                None => expanded.push_str(line),
            }
        }
        return unescape_example(&expanded);
    }
    let mut out = Vec::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        match chars.next() {
            Some('r') => out.push(b'\r'),
            Some('t') => out.push(b'\t'),
            Some('\\') => out.push(b'\\'),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(u8::from_str_radix(&hex, 16).unwrap_or(b'?'));
            }
            Some('u') => {
                let mut hex = String::new();
                if chars.peek() == Some(&'{') {
                    chars.next();
                    for h in chars.by_ref() {
                        if h == '}' {
                            break;
                        }
                        hex.push(h);
                    }
                }
                let ch = u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or('?');
                let mut buf = [0; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
            Some(other) => {
                out.push(b'\\');
                let mut buf = [0; 4];
                out.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
            }
            None => out.push(b'\\'),
        }
    }
    out
}

#[cfg(all(test, feature = "docs"))]
mod title_tests {
    use super::*;

    /// The compile-time title is the doc's first heading without `# CODE: `.
    #[test]
    fn every_title_is_the_first_heading_of_its_doc() {
        for rule in crate::rules::all() {
            let first = rule.doc.lines().next().unwrap_or_default();
            let expected = first
                .strip_prefix(&format!("# {}: ", rule.code))
                .unwrap_or_else(|| panic!("{}: first line {first:?}", rule.code))
                .trim();
            assert_eq!(rule.title(), expected, "{}", rule.code);
            assert!(!expected.is_empty(), "{}", rule.code);
        }
    }

    #[test]
    fn title_range_takes_what_follows_the_code() {
        let doc = "# X-Y: A title \n\n## What it checks\n";
        let (start, end) = doc_title_range(doc);
        assert_eq!(&doc[start..end], "A title");
        assert_eq!(doc_title_range("# no code here\nbody"), (2, 14));
        assert_eq!(doc_title_range(""), (0, 0));
    }
}
