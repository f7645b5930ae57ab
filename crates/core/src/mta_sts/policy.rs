//! The policy file (RFC 8461 §3.2): a lossless line model with spans, and the values a
//! conforming sender would take from it.

use crate::diagnostic::Span;
use crate::mx::pattern::{self, MxPattern};
use crate::text::{is_wsp, leading_wsp, trailing_wsp};
use serde::Serialize;

/// The policy mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Enforce,
    Testing,
    None,
}

impl Mode {
    pub fn parse(value: &[u8]) -> Option<Mode> {
        match value {
            b"enforce" => Some(Mode::Enforce),
            b"testing" => Some(Mode::Testing),
            b"none" => Some(Mode::None),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Testing => "testing",
            Mode::None => "none",
        }
    }
}

/// The largest `max_age` the RFC allows (§3.2 prose; the grammar allows 10 digits).
pub const MAX_AGE_LIMIT: u64 = 31_557_600;

/// A policy as a sender would use it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Policy {
    pub version: String,
    pub mode: Mode,
    pub max_age: u64,
    pub mx: Vec<String>,
}

impl Policy {
    /// The policy file text: `version`, `mode`, each `mx`, `max_age`, every line ended by
    /// `newline` (`"\r\n"` or `"\n"`).
    pub fn render(&self, newline: &str) -> String {
        let mut out = format!(
            "version: {}{newline}mode: {}{newline}",
            self.version,
            self.mode.as_str()
        );
        for mx in &self.mx {
            out.push_str(&format!("mx: {mx}{newline}"));
        }
        out.push_str(&format!("max_age: {}{newline}", self.max_age));
        out
    }
}

/// How a line ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Term {
    Lf,
    CrLf,
    /// The last line, with no terminator.
    Eof,
}

/// What a line looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Empty, or only WSP.
    Blank,
    /// Text with no `:`.
    NoColon,
    /// A `#` comment (not part of the grammar).
    Comment,
    /// `name ":" *WSP value *WSP`, with `name` and `value` trimmed of WSP.
    Field { name: Span, colon: usize, value: Span },
}

/// One line of the file. `span` excludes the terminator.
#[derive(Clone, Copy, Debug)]
pub struct Line {
    pub span: Span,
    pub term: Term,
    pub term_span: Span,
    pub shape: Shape,
}

/// Registered field names (case-sensitive, `%s` in the grammar).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Version,
    Mode,
    MaxAge,
    Mx,
}

impl Key {
    pub const ALL: [Key; 4] = [Key::Version, Key::Mode, Key::MaxAge, Key::Mx];
    pub fn name(self) -> &'static str {
        match self {
            Key::Version => "version",
            Key::Mode => "mode",
            Key::MaxAge => "max_age",
            Key::Mx => "mx",
        }
    }
    pub fn from_name(name: &[u8]) -> Option<Key> {
        Key::ALL.into_iter().find(|k| k.name().as_bytes() == name)
    }
    /// The registered key this name is a case variant of (`Mode`, `MX`, `Max_Age`).
    pub fn case_variant(name: &[u8]) -> Option<Key> {
        Key::ALL
            .into_iter()
            .find(|k| k.name().as_bytes() != name && k.name().as_bytes().eq_ignore_ascii_case(name))
    }
}

/// A field line: its index in `lines`, name and value.
#[derive(Clone, Copy, Debug)]
pub struct FieldRef {
    pub line: usize,
    pub name: Span,
    pub value: Span,
}

/// The parsed file: every line, and which lines hold the registered fields.
#[derive(Debug)]
pub struct PolicyDoc<'a> {
    pub src: &'a [u8],
    /// 3 when the file starts with a UTF-8 BOM, else 0.
    pub body_start: usize,
    pub lines: Vec<Line>,
    /// The body looks like the JSON policy of early drafts.
    pub legacy_json: bool,
    /// First invalid UTF-8 sequence (offset, length).
    pub utf8_error: Option<(usize, usize)>,
    /// Each field line with a registered name, in order.
    pub fields: Vec<(Key, FieldRef)>,
}

impl<'a> PolicyDoc<'a> {
    pub fn parse(src: &'a [u8]) -> PolicyDoc<'a> {
        let body_start = if src.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        let mut lines = Vec::with_capacity(8);
        let mut fields = Vec::with_capacity(6);
        let mut pos = body_start;
        if body_start < src.len() {
            loop {
                let rest = &src[pos..];
                let (content_end, term, next) = match rest.iter().position(|&b| b == b'\n') {
                    Some(i) if i > 0 && rest[i - 1] == b'\r' => (pos + i - 1, Term::CrLf, pos + i + 1),
                    Some(i) => (pos + i, Term::Lf, pos + i + 1),
                    None => (src.len(), Term::Eof, src.len()),
                };
                let span = Span::new(pos, content_end);
                let shape = shape_of(src, span);
                if let Shape::Field { name, value, .. } = shape
                    && let Some(key) = Key::from_name(&src[name.start..name.end])
                {
                    fields.push((
                        key,
                        FieldRef {
                            line: lines.len(),
                            name,
                            value,
                        },
                    ));
                }
                lines.push(Line {
                    span,
                    term,
                    term_span: Span::new(content_end, next),
                    shape,
                });
                pos = next;
                if term == Term::Eof || pos >= src.len() {
                    break;
                }
            }
        }
        let body = &src[body_start..];
        let _first = body.iter().position(|b| !b.is_ascii_whitespace());
        // Early drafts served JSON; a body that opens with `{` is that format.
        let legacy_json = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        PolicyDoc {
            src,
            body_start,
            lines,
            legacy_json,
            utf8_error: crate::text::utf8_error(src),
            fields,
        }
    }

    /// Nothing but whitespace after the BOM.
    pub fn is_empty(&self) -> bool {
        self.src[self.body_start..].iter().all(u8::is_ascii_whitespace)
    }

    /// Whether line-level rules apply: not for an empty file or a JSON body, which get
    /// one finding each instead of one per line.
    pub fn has_detail(&self) -> bool {
        !self.is_empty() && !self.legacy_json
    }

    pub fn bytes(&self, span: Span) -> &'a [u8] {
        &self.src[span.start..span.end]
    }

    /// The first line with this registered name (the one a sender uses).
    pub fn first(&self, key: Key) -> Option<FieldRef> {
        self.fields.iter().find(|(k, _)| *k == key).map(|(_, f)| *f)
    }

    /// Every line with this registered name.
    pub fn all(&self, key: Key) -> impl Iterator<Item = FieldRef> + '_ {
        self.fields.iter().filter(move |(k, _)| *k == key).map(|(_, f)| *f)
    }

    /// The mode a sender would use, if the first `mode` line is valid.
    pub fn mode(&self) -> Option<Mode> {
        self.first(Key::Mode).and_then(|f| Mode::parse(self.bytes(f.value)))
    }

    /// The `max_age` a sender would use, if the first `max_age` line is valid.
    pub fn max_age(&self) -> Option<u64> {
        self.first(Key::MaxAge).and_then(|f| parse_max_age(self.bytes(f.value)))
    }

    /// Every `mx` line whose value is a valid pattern, with the pattern.
    pub fn mx_patterns(&self) -> impl Iterator<Item = (FieldRef, MxPattern)> + '_ {
        self.all(Key::Mx)
            .filter_map(|f| pattern::parse(self.bytes(f.value)).ok().map(|p| (f, p)))
    }

    /// The line terminator the file mostly uses, for fixes that insert lines.
    pub fn newline(&self) -> &'static str {
        let crlf = self.lines.iter().filter(|l| l.term == Term::CrLf).count();
        let lf = self.lines.iter().filter(|l| l.term == Term::Lf).count();
        if lf > crlf { "\n" } else { "\r\n" }
    }

    /// The policy a sender would use, assuming the file is valid.
    pub fn to_policy(&self) -> Option<Policy> {
        Some(Policy {
            version: String::from_utf8_lossy(self.bytes(self.first(Key::Version)?.value)).into_owned(),
            mode: self.mode()?,
            max_age: self.max_age()?,
            mx: self.mx_patterns().map(|(_, p)| p.to_string()).collect(),
        })
    }
}

/// `1*10 DIGIT`; the RFC's cap is checked separately.
pub fn parse_max_age(value: &[u8]) -> Option<u64> {
    if value.is_empty() || value.len() > 10 || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    value
        .iter()
        .try_fold(0u64, |n, d| n.checked_mul(10)?.checked_add(u64::from(d - b'0')))
}

fn shape_of(src: &[u8], span: Span) -> Shape {
    let line = &src[span.start..span.end];
    if line.iter().all(|&b| is_wsp(b)) {
        return Shape::Blank;
    }
    if line.trim_ascii_start().first() == Some(&b'#') {
        return Shape::Comment;
    }
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return Shape::NoColon;
    };
    let lead = leading_wsp(line);
    let name_end = colon - trailing_wsp(&line[..colon]);
    let name = Span::new(span.start + lead.min(name_end), span.start + name_end);
    let after = &line[colon + 1..];
    let v_start = colon + 1 + leading_wsp(after);
    let v_end = (line.len() - trailing_wsp(line)).max(v_start);
    Shape::Field {
        name,
        colon: span.start + colon,
        value: Span::new(span.start + v_start, span.start + v_end),
    }
}
