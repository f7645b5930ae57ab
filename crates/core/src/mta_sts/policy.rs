//! The policy file (RFC 8461 §3.2): a lossless line model with spans, and the values a
//! conforming sender would take from it.

use crate::diagnostic::Span;
use crate::mx::pattern::{self, PatternRef};
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
    /// Each `mx` line with its value parsed once, for the many rules that look at it.
    pub mx: Vec<(FieldRef, Result<PatternRef<'a>, pattern::PatternError>)>,
    /// Lines ending in LF and in CRLF.
    pub lf_lines: usize,
    pub crlf_lines: usize,
    empty: bool,
    first: [Option<FieldRef>; 4],
    odd_lines: Vec<usize>,
    /// Offsets of bytes that break lines other than LF and CRLF: a CR not before LF, VT,
    /// FF, and the starts of NEL, LS and PS.
    pub breaks: Vec<usize>,
}

impl<'a> PolicyDoc<'a> {
    pub fn parse(src: &'a [u8]) -> PolicyDoc<'a> {
        let body_start = if src.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        // Size the vectors once: a 64 KiB policy has thousands of lines.
        let line_count = memchr::memchr_iter(b'\n', src).count() + 1;
        let mut lines = Vec::with_capacity(line_count);
        let mut fields = Vec::with_capacity(line_count);
        let mut odd_lines = Vec::new();
        let mut first = [None; 4];
        let (mut lf_lines, mut crlf_lines) = (0, 0);
        let mut pos = body_start;
        while pos < src.len() {
            let rest = &src[pos..];
            let (content_end, term, next) = match memchr::memchr(b'\n', rest) {
                Some(i) if i > 0 && rest[i - 1] == b'\r' => (pos + i - 1, Term::CrLf, pos + i + 1),
                Some(i) => (pos + i, Term::Lf, pos + i + 1),
                None => (src.len(), Term::Eof, src.len()),
            };
            match term {
                Term::Lf => lf_lines += 1,
                Term::CrLf => crlf_lines += 1,
                Term::Eof => {}
            }
            let span = Span::new(pos, content_end);
            let shape = shape_of(src, span);
            let mut normal = false;
            if let Shape::Field { name, value, colon } = shape
                && let Some(key) = Key::from_name(&src[name.start..name.end])
            {
                let field = FieldRef {
                    line: lines.len(),
                    name,
                    value,
                };
                fields.push((key, field));
                first[key as usize].get_or_insert(field);
                // A registered field, written plainly: no line rule has anything to say.
                normal = name.start == span.start && name.end == colon;
            }
            if !normal {
                odd_lines.push(lines.len());
            }
            lines.push(Line {
                span,
                term,
                term_span: Span::new(content_end, next),
                shape,
            });
            pos = next;
        }
        let body = &src[body_start..];
        // Early drafts served JSON; a body that opens with `{` is that format.
        let legacy_json = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        let mx = fields
            .iter()
            .filter(|(k, _)| *k == Key::Mx)
            .map(|(_, f)| (*f, pattern::parse_ref(&src[f.value.start..f.value.end])))
            .collect();
        PolicyDoc {
            mx,
            lf_lines,
            crlf_lines,
            empty: body.iter().all(u8::is_ascii_whitespace),
            first,
            odd_lines,
            breaks: odd_breaks(src, body_start),
            src,
            body_start,
            lines,
            legacy_json,
            utf8_error: crate::text::utf8_error(src),
            fields,
        }
    }

    /// Lines that are not a plainly written registered field (blank, indented, comments,
    /// unknown or malformed names): the only lines the line rules need to look at.
    pub fn odd_lines(&self) -> impl Iterator<Item = (usize, &Line)> + '_ {
        self.odd_lines.iter().map(|&i| (i, &self.lines[i]))
    }

    /// Nothing but whitespace after the BOM.
    pub fn is_empty(&self) -> bool {
        self.empty
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
        self.first[key as usize]
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
    pub fn mx_patterns(&self) -> impl Iterator<Item = (FieldRef, PatternRef<'a>)> + '_ {
        self.mx.iter().filter_map(|(f, p)| p.as_ref().ok().map(|p| (*f, *p)))
    }

    /// Every `mx` line with the parse result of its value.
    pub fn mx_lines(&self) -> impl Iterator<Item = (FieldRef, Result<&PatternRef<'a>, &pattern::PatternError>)> + '_ {
        self.mx.iter().map(|(f, p)| (*f, p.as_ref()))
    }

    /// The line terminator the file mostly uses, for fixes that insert lines.
    pub fn newline(&self) -> &'static str {
        if self.lf_lines > self.crlf_lines { "\n" } else { "\r\n" }
    }

    /// The policy a sender would use, assuming the file is valid.
    pub fn to_policy(&self) -> Option<Policy> {
        Some(Policy {
            version: String::from_utf8_lossy(self.bytes(self.first(Key::Version)?.value)).into_owned(),
            mode: self.mode()?,
            max_age: self.max_age()?,
            mx: self.mx_patterns().map(|(_, p)| p.text()).collect(),
        })
    }
}

/// Offsets of line-breaking bytes other than LF and CRLF (see [`PolicyDoc::breaks`]).
fn odd_breaks(src: &[u8], from: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let body = &src[from..];
    for i in memchr::memchr3_iter(b'\r', 0x0B, 0x0C, body) {
        if !(body[i] == b'\r' && body.get(i + 1) == Some(&b'\n')) {
            out.push(from + i);
        }
    }
    if !body.is_ascii() {
        for i in memchr::memchr2_iter(0xC2, 0xE2, body) {
            let next = &body[i + 1..];
            let hit = match body[i] {
                0xC2 => next.first() == Some(&0x85),
                _ => next.first() == Some(&0x80) && matches!(next.get(1), Some(0xA8) | Some(0xA9)),
            };
            if hit {
                out.push(from + i);
            }
        }
        out.sort_unstable();
    }
    out
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
