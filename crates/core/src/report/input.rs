//! Report files, as bytes with a name, to [`TlsReport`]s.
//!
//! What is read, by content first and by name second:
//! - JSON (`.json`): one report, an array of reports, or reports one after another;
//! - gzip (`.json.gz`, `.gz`; sniffed by its magic bytes, whatever the name), capped at
//!   [`MAX_DECOMPRESSED`] so a decompression bomb is refused;
//! - base64 text of a gzip or JSON (`.b64`);
//! - an e-mail message (`.eml`) or a mailbox (`.mbox`, split on `From ` lines): parts of
//!   type `application/tlsrpt+gzip`, `application/tlsrpt+json`, `application/tlsrpt`,
//!   `application/gzip`, `application/json`, or named `*.json`, `*.json.gz`, `*.gz`;
//!   attached messages are searched too.

use super::TlsReport;
use super::parse::{json_values, parse_report};
use mail_parser::{Message, MessageParser, MimeHeaders, PartType};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use std::fmt;
use std::io::Read;

/// The most a gzip layer may decompress to: 32 MiB. Real reports are a few KiB.
pub const MAX_DECOMPRESSED: usize = 32 << 20;

/// The most all gzip layers of one file may decompress to together (a mailbox holds many
/// reports; this bounds the work a crafted file can cause).
const MAX_DECOMPRESSED_PER_FILE: usize = 8 * MAX_DECOMPRESSED;

/// Containers inside containers (a gzip in a base64 in a message in a message…).
const MAX_DEPTH: usize = 6;

/// Why a file, or a part of it, gave no report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// The file name as given.
    pub file: String,
    /// Where inside the file: `message 2`, `attachment "x.json.gz"`, … `None` for the file.
    pub part: Option<String>,
    pub kind: LoadErrorKind,
}

/// What is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadErrorKind {
    /// Nothing but white space.
    Empty,
    /// Meant to be JSON (by content or name) but it does not parse.
    NotJson { detail: String },
    /// JSON, but not shaped like a TLS report.
    NotTlsReport { reason: String },
    /// JSON, but required fields are missing (paths such as `policies[0].summary`).
    MissingFields { fields: Vec<String> },
    /// gzip data that does not decompress.
    GzipCorrupt { detail: String },
    /// Decompressing would exceed the limit (bytes).
    TooLarge { limit: usize },
    /// Named `.b64` but not base64.
    Base64Invalid,
    /// Named like a message but no message could be read.
    NotMail,
    /// A message with no TLS report in it; `found` lists what it has.
    NoReportInMessage { found: String },
    /// A known format this reader does not open (a zip archive, say).
    Unsupported { what: String },
    /// None of JSON, gzip, base64 or e-mail.
    Unrecognized,
    /// The caller could not read the file (set by whoever does the I/O).
    Unreadable { detail: String },
}

impl LoadErrorKind {
    /// A stable code for scripts.
    pub fn code(&self) -> &'static str {
        match self {
            LoadErrorKind::Empty => "empty",
            LoadErrorKind::NotJson { .. } => "not-json",
            LoadErrorKind::NotTlsReport { .. } => "not-tls-report",
            LoadErrorKind::MissingFields { .. } => "missing-fields",
            LoadErrorKind::GzipCorrupt { .. } => "gzip-corrupt",
            LoadErrorKind::TooLarge { .. } => "too-large",
            LoadErrorKind::Base64Invalid => "base64-invalid",
            LoadErrorKind::NotMail => "not-mail",
            LoadErrorKind::NoReportInMessage { .. } => "no-report-in-message",
            LoadErrorKind::Unsupported { .. } => "unsupported",
            LoadErrorKind::Unrecognized => "unrecognized",
            LoadErrorKind::Unreadable { .. } => "unreadable",
        }
    }
}

impl fmt::Display for LoadErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadErrorKind::Empty => f.write_str("the file is empty"),
            LoadErrorKind::NotJson { detail } => write!(f, "not JSON: {detail}"),
            LoadErrorKind::NotTlsReport { reason } => write!(f, "not a TLS report: {reason}"),
            LoadErrorKind::MissingFields { fields } => {
                write!(f, "not a TLS report: missing required fields {}", fields.join(", "))
            }
            LoadErrorKind::GzipCorrupt { detail } => write!(f, "gzip data corrupt: {detail}"),
            LoadErrorKind::TooLarge { limit } if *limit >= 1 << 20 => write!(
                f,
                "decompressed data exceeds {} MiB (a decompression bomb?); not read",
                limit >> 20
            ),
            LoadErrorKind::TooLarge { limit } => write!(
                f,
                "decompressed data exceeds the {limit} bytes left of this file's limit; not read"
            ),
            LoadErrorKind::Base64Invalid => f.write_str("not valid base64"),
            LoadErrorKind::NotMail => f.write_str("not a readable e-mail message"),
            LoadErrorKind::NoReportInMessage { found } => write!(
                f,
                "no TLS report attached to the message (looked for application/tlsrpt+gzip, \
                 application/tlsrpt+json, application/gzip, application/json or a *.json / *.json.gz \
                 attachment; found {found})"
            ),
            LoadErrorKind::Unsupported { what } => write!(f, "{what} is not supported"),
            LoadErrorKind::Unrecognized => {
                f.write_str("not a TLS report: neither JSON, gzip, base64 nor an e-mail message")
            }
            LoadErrorKind::Unreadable { detail } => write!(f, "cannot read: {detail}"),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.part {
            Some(part) => write!(f, "{}: {part}: {}", self.file, self.kind),
            None => write!(f, "{}: {}", self.file, self.kind),
        }
    }
}

impl std::error::Error for LoadError {}

impl Serialize for LoadError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("LoadError", 4)?;
        st.serialize_field("file", &self.file)?;
        st.serialize_field("part", &self.part)?;
        st.serialize_field("kind", self.kind.code())?;
        st.serialize_field("message", &self.kind.to_string())?;
        st.end()
    }
}

/// Everything read from one file: the reports found and the parts that failed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Loaded {
    pub file: String,
    pub reports: Vec<TlsReport>,
    pub errors: Vec<LoadError>,
}

impl Loaded {
    /// True when the file gave at least one report and nothing failed.
    pub fn is_ok(&self) -> bool {
        !self.reports.is_empty() && self.errors.is_empty()
    }
}

/// Read every report in a file. Never fails as a whole: what cannot be read is in
/// [`Loaded::errors`] (a file with no report always has at least one error).
pub fn load_file(name: &str, bytes: &[u8]) -> Loaded {
    let mut cx = Cx {
        file: name.to_string(),
        loaded: Loaded {
            file: name.to_string(),
            ..Loaded::default()
        },
        budget: MAX_DECOMPRESSED_PER_FILE,
    };
    let lower = name.to_ascii_lowercase();
    cx.bytes(&lower, bytes, &Where::default(), 0);
    if cx.loaded.reports.is_empty() && cx.loaded.errors.is_empty() {
        cx.error(&Where::default(), LoadErrorKind::Unrecognized);
    }
    cx.loaded
}

/// Read the reports in a file: `Ok` when at least one report was read (parts of a mailbox
/// that failed are then left out: use [`load_file`] to see them), else the first error.
pub fn load(name: &str, bytes: &[u8]) -> Result<Vec<TlsReport>, LoadError> {
    let mut loaded = load_file(name, bytes);
    if !loaded.reports.is_empty() {
        return Ok(loaded.reports);
    }
    if loaded.errors.is_empty() {
        return Err(LoadError {
            file: name.to_string(),
            part: None,
            kind: LoadErrorKind::Unrecognized,
        });
    }
    Err(loaded.errors.swap_remove(0))
}

/// Where in the file: the message of a mailbox, then the attachment.
#[derive(Clone, Debug, Default)]
struct Where {
    steps: Vec<String>,
}

impl Where {
    fn then(&self, step: String) -> Where {
        let mut steps = self.steps.clone();
        steps.push(step);
        Where { steps }
    }
    fn part(&self) -> Option<String> {
        if self.steps.is_empty() {
            None
        } else {
            Some(self.steps.join(", "))
        }
    }
}

struct Cx {
    file: String,
    loaded: Loaded,
    /// What gzip layers of this file may still decompress to, all together.
    budget: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Gzip,
    Json,
    Mail,
    Base64,
    Zip,
    Xml,
    Unknown,
}

impl Cx {
    fn error(&mut self, at: &Where, kind: LoadErrorKind) {
        self.loaded.errors.push(LoadError {
            file: self.file.clone(),
            part: at.part(),
            kind,
        });
    }

    fn source(&self, at: &Where) -> String {
        match at.part() {
            Some(p) => format!("{} ({p})", self.file),
            None => self.file.clone(),
        }
    }

    /// `name` is lower case and only a hint.
    fn bytes(&mut self, name: &str, bytes: &[u8], at: &Where, depth: usize) {
        if depth > MAX_DEPTH {
            let reason = "containers nested too deeply".to_string();
            return self.error(at, LoadErrorKind::NotTlsReport { reason });
        }
        if bytes.trim_ascii().is_empty() {
            return self.error(at, LoadErrorKind::Empty);
        }
        match classify(name, bytes) {
            Format::Gzip => match gunzip(bytes, self.budget) {
                Ok(inner) => {
                    self.budget = self.budget.saturating_sub(inner.len());
                    let inner_name = strip_gz(name);
                    self.bytes(&inner_name, &inner, at, depth + 1);
                }
                Err(kind) => self.error(at, kind),
            },
            Format::Json => self.json(bytes, at),
            Format::Mail => self.mail(bytes, at, depth),
            Format::Base64 => match crate::base64::decode_bytes(bytes) {
                Some(inner) => {
                    let inner_name = name
                        .strip_suffix(".b64")
                        .or(name.strip_suffix(".base64"))
                        .unwrap_or(name);
                    self.bytes(inner_name, &inner, at, depth + 1);
                }
                None => self.error(at, LoadErrorKind::Base64Invalid),
            },
            Format::Zip => {
                let what = "a zip archive (unzip it and read the files inside)".to_string();
                self.error(at, LoadErrorKind::Unsupported { what })
            }
            Format::Xml => {
                let reason = if contains(bytes, b"<feedback") {
                    "this is a DMARC aggregate report (XML)"
                } else {
                    "this is XML or HTML, not JSON"
                };
                self.error(
                    at,
                    LoadErrorKind::NotTlsReport {
                        reason: reason.to_string(),
                    },
                )
            }
            Format::Unknown => {
                let kind = if name.ends_with(".json") {
                    match json_values(bytes) {
                        Err(kind) => kind,
                        Ok(_) => LoadErrorKind::Unrecognized,
                    }
                } else if name.ends_with(".gz") || name.ends_with(".gzip") {
                    LoadErrorKind::GzipCorrupt {
                        detail: "no gzip header".into(),
                    }
                } else if name.ends_with(".b64") {
                    LoadErrorKind::Base64Invalid
                } else {
                    LoadErrorKind::Unrecognized
                };
                self.error(at, kind)
            }
        }
    }

    fn json(&mut self, bytes: &[u8], at: &Where) {
        let (values, trailing) = match json_values(bytes) {
            Ok(v) => v,
            Err(kind) => return self.error(at, kind),
        };
        let many = values.len() > 1;
        for (i, value) in values.iter().enumerate() {
            let here = if many {
                at.then(format!("report {}", i + 1))
            } else {
                at.clone()
            };
            match parse_report(&self.source(&here), value) {
                Ok(mut report) => {
                    if let Some(t) = &trailing {
                        report.warnings.push(t.clone());
                    }
                    self.loaded.reports.push(report);
                }
                Err(kind) => self.error(&here, kind),
            }
        }
    }

    fn mail(&mut self, bytes: &[u8], at: &Where, depth: usize) {
        let messages = split_mbox(bytes);
        let many = messages.len() > 1;
        for (i, msg) in messages.iter().enumerate() {
            let here = if many {
                at.then(format!("message {}", i + 1))
            } else {
                at.clone()
            };
            self.message(msg, &here, depth);
        }
    }

    fn message(&mut self, bytes: &[u8], at: &Where, depth: usize) {
        match MessageParser::default().parse(bytes) {
            Some(message) => self.message_parts(&message, at, depth),
            None => self.error(at, LoadErrorKind::NotMail),
        }
    }

    fn message_parts(&mut self, message: &Message<'_>, at: &Where, depth: usize) {
        if depth > MAX_DEPTH {
            let reason = "messages nested too deeply".to_string();
            return self.error(at, LoadErrorKind::NotTlsReport { reason });
        }
        let reports_before = self.loaded.reports.len();
        let errors_before = self.loaded.errors.len();
        let mut found = Vec::new();
        let mut candidates = Vec::new();
        let mut others = Vec::new();
        for (i, part) in message.parts.iter().enumerate() {
            let ctype = part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{}", ct.ctype(), sub),
                    None => ct.ctype().to_string(),
                })
                .unwrap_or_default()
                .to_ascii_lowercase();
            let name = part.attachment_name().unwrap_or_default().trim().to_ascii_lowercase();
            let label = if !name.is_empty() {
                format!("attachment \"{name}\"")
            } else if !ctype.is_empty() {
                format!("part {} ({ctype})", i + 1)
            } else {
                format!("part {}", i + 1)
            };
            match &part.body {
                PartType::Multipart(_) => {}
                PartType::Message(inner) => {
                    found.push("message/rfc822".to_string());
                    self.message_parts(inner, &at.then(label), depth + 1);
                }
                _ => {
                    let typed = matches!(
                        ctype.as_str(),
                        "application/tlsrpt+gzip"
                            | "application/tlsrpt+json"
                            | "application/tlsrpt"
                            | "application/gzip"
                            | "application/x-gzip"
                            | "application/json"
                    );
                    let named = [".json", ".json.gz", ".gz", ".json.gzip", ".gzip"]
                        .iter()
                        .any(|s| name.ends_with(s));
                    if typed || named {
                        candidates.push((name, label, part.contents()));
                    } else {
                        found.push(if ctype.is_empty() {
                            "text/plain".to_string()
                        } else {
                            ctype
                        });
                        others.push((name, label, part.contents()));
                    }
                }
            }
        }
        if candidates.is_empty() {
            // No part says it is a report: take any body that is gzip or a JSON object.
            candidates = others
                .into_iter()
                .filter(|(_, _, c)| c.starts_with(&[0x1f, 0x8b]) || c.trim_ascii_start().starts_with(b"{"))
                .collect();
        }
        for (name, label, contents) in &candidates {
            self.bytes(name, contents, &at.then(label.clone()), depth + 1);
        }
        let nested_said_nothing = self
            .loaded
            .errors
            .get(errors_before..)
            .unwrap_or_default()
            .iter()
            .all(|e| matches!(e.kind, LoadErrorKind::NoReportInMessage { .. }));
        if self.loaded.reports.len() == reports_before && candidates.is_empty() && nested_said_nothing {
            self.loaded.errors.truncate(errors_before);
            found.sort();
            found.dedup();
            let mut found = if found.is_empty() {
                "no parts".to_string()
            } else {
                found.join(", ")
            };
            if let Some(subject) = message.subject() {
                let subject: String = subject.chars().take(80).collect();
                found.push_str(&format!("; subject \"{subject}\""));
            }
            self.error(at, LoadErrorKind::NoReportInMessage { found });
        }
    }
}

fn classify(name: &str, bytes: &[u8]) -> Format {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Format::Gzip;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Format::Zip;
    }
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes).trim_ascii_start();
    if text.starts_with(b"{") || text.starts_with(b"[") {
        return Format::Json;
    }
    if text.starts_with(b"<") {
        return Format::Xml;
    }
    let mail_name = [".eml", ".mbox", ".mbx", ".msg", ".mail"]
        .iter()
        .any(|s| name.ends_with(s));
    if mail_name || text.starts_with(b"From ") || looks_like_headers(text) {
        return Format::Mail;
    }
    if name.ends_with(".b64") || name.ends_with(".base64") || looks_like_base64(text) {
        return Format::Base64;
    }
    Format::Unknown
}

/// A first line `Name: value` with an RFC 5322 field name.
fn looks_like_headers(text: &[u8]) -> bool {
    let line = text.split(|&b| b == b'\n').next().unwrap_or_default();
    match line.iter().position(|&b| b == b':') {
        Some(colon) if colon > 0 => line.iter().take(colon).all(|&b| b.is_ascii_alphanumeric() || b == b'-'),
        _ => false,
    }
}

/// Only base64 characters and white space, and it decodes to gzip or JSON.
fn looks_like_base64(text: &[u8]) -> bool {
    text.len() >= 8
        && text
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"+/=-_\r\n\t ".contains(&b))
        && crate::base64::decode_bytes(text)
            .is_some_and(|d| d.starts_with(&[0x1f, 0x8b]) || d.trim_ascii_start().starts_with(b"{"))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn strip_gz(name: &str) -> String {
    for suffix in [".gz", ".gzip"] {
        if let Some(stem) = name.strip_suffix(suffix) {
            return stem.to_string();
        }
    }
    name.to_string()
}

/// Decompress every gzip member, stopping past [`MAX_DECOMPRESSED`] or what is left of
/// the file's budget.
fn gunzip(bytes: &[u8], budget: usize) -> Result<Vec<u8>, LoadErrorKind> {
    let limit = MAX_DECOMPRESSED.min(budget);
    let mut out = Vec::new();
    let read = flate2::read::MultiGzDecoder::new(bytes)
        .take(limit as u64 + 1)
        .read_to_end(&mut out);
    match read {
        Ok(_) if out.len() > limit => Err(LoadErrorKind::TooLarge { limit }),
        Ok(_) => Ok(out),
        Err(e) => Err(LoadErrorKind::GzipCorrupt { detail: e.to_string() }),
    }
}

/// Split an mbox on its `From ` lines; anything else is one message.
fn split_mbox(bytes: &[u8]) -> Vec<&[u8]> {
    if !bytes.starts_with(b"From ") {
        return vec![bytes];
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while let Some(nl) = bytes.get(i..).and_then(|rest| rest.iter().position(|&b| b == b'\n')) {
        let next = i + nl + 1;
        if bytes.get(next..).is_some_and(|rest| rest.starts_with(b"From ")) {
            out.extend(bytes.get(start..next));
            start = next;
        }
        i = next;
    }
    out.extend(bytes.get(start..));
    // Drop each `From ` envelope line; keep messages that have something left.
    out.into_iter()
        .filter_map(|m| {
            let body = match m.iter().position(|&b| b == b'\n') {
                Some(nl) if m.starts_with(b"From ") => m.get(nl + 1..)?,
                Some(_) => m,
                None => return None,
            };
            if body.trim_ascii().is_empty() { None } else { Some(body) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round() {
        assert_eq!(crate::base64::decode_bytes(b"aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(
            crate::base64::decode_bytes(b"aGVs\nbG8").as_deref(),
            Some(&b"hello"[..])
        );
        assert_eq!(crate::base64::decode_bytes(b"a"), None);
        assert_eq!(crate::base64::decode_bytes(b"aGVsbG8=x"), None);
        assert_eq!(crate::base64::decode_bytes(b"*"), None);
    }

    #[test]
    fn mbox_split() {
        let m = b"From a@b Mon\nSubject: 1\n\nx\nFrom b@c Tue\nSubject: 2\n\ny\n";
        let parts = split_mbox(m);
        assert_eq!(parts.len(), 2);
        assert!(parts[0].starts_with(b"Subject: 1"));
        assert!(parts[1].starts_with(b"Subject: 2"));
        assert_eq!(split_mbox(b"Subject: x\n\nFrom here on\n").len(), 1);
    }
}
