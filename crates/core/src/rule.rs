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
    /// Markdown: `# CODE: title`, then sections `## What it checks`, `## Why it matters`,
    /// `## Example`, `## How to fix`.
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
        let first = self.doc.lines().next().unwrap_or_default();
        let first = first.trim_start_matches('#').trim();
        match first.split_once(": ") {
            Some((_, title)) => title.trim(),
            None => first,
        }
    }

    /// The text of one section, without its heading.
    pub fn section(&self, section: Section) -> &'static str {
        let heading = format!("## {}", section.heading());
        let Some(start) = self.doc.find(&heading) else {
            return "";
        };
        let body = &self.doc[start + heading.len()..];
        let end = body.find("\n## ").unwrap_or(body.len());
        body[..end].trim()
    }

    /// Example inputs in the doc: fenced blocks whose info string starts with `policy`,
    /// `sts`, `tlsrpt`, `zone` or `fetch` (a `FetchEvidence` as JSON, taken verbatim).
    /// Returns (info string, decoded input, in which section).
    pub fn examples(&self) -> Vec<DocExample> {
        let mut out = Vec::new();
        for section in [Section::Example, Section::HowToFix] {
            let text = self.section(section);
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
                if !matches!(kind, "policy" | "sts" | "tlsrpt" | "zone" | "fetch") {
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
                    _ => "zone",
                };
                out.push(DocExample {
                    kind,
                    mx,
                    mode,
                    // A `fetch` block is FetchEvidence JSON, which has escapes of its own.
                    input: if kind == "fetch" {
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
}

/// An input taken from a rule doc. `fires` is true in the Example section (the rule
/// must fire) and false in How to fix (the corrected input must not fire it).
#[derive(Clone, Debug)]
pub struct DocExample {
    pub kind: &'static str,
    /// `mx=a.example,b.example` in the info string: hold the policy against these MX
    /// hosts (`mx=` alone: no MX records).
    pub mx: Option<Vec<String>>,
    /// `mode=enforce` on a `zone` block: the policy mode to assume.
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
