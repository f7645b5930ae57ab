//! The policy file (RFC 8461 §3.2): a lossless line model with spans, and the values a
//! conforming sender would take from it.

use super::MxList;
use crate::diagnostic::Span;
use crate::mx::PatternKey;
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
    pub mx: MxList,
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
        match name {
            b"version" => Some(Key::Version),
            b"mode" => Some(Key::Mode),
            b"max_age" => Some(Key::MaxAge),
            b"mx" => Some(Key::Mx),
            _ => None,
        }
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

/// A line as stored: its content, and its first `:` ([`NO_COLON`] when it has none).
/// How it ends is read from the byte at `end`: none, LF, or the CR of a CRLF. A large
/// policy is thousands of lines; the whole [`Line`] is built when a rule asks for it.
#[derive(Clone, Copy, Debug)]
struct LineRec {
    start: usize,
    end: usize,
    colon: usize,
}

const NO_COLON: usize = usize::MAX;

/// An `mx` line as stored: which line, its value, what the value is, and for a valid
/// pattern the low half of its [`PatternKey::hash64`] (made while the value is read, for
/// the duplicate check; tables index by the low bits, and the half keeps this record at
/// 32 bytes)
/// check).
#[derive(Clone, Copy, Debug)]
struct MxRec {
    line: usize,
    value: Span,
    kind: MxKind,
    hash: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MxKind {
    Literal,
    Wildcard,
    /// Not a valid pattern: why is in `PolicyDoc::mx_errors`.
    Invalid,
}

/// The parsed file: every line, and which lines hold the registered fields.
#[derive(Debug)]
pub struct PolicyDoc<'a> {
    pub src: &'a [u8],
    /// 3 when the file starts with a UTF-8 BOM, else 0.
    pub body_start: usize,
    /// The body looks like the JSON policy of early drafts.
    pub legacy_json: bool,
    /// First invalid UTF-8 sequence (offset, length).
    pub utf8_error: Option<(usize, usize)>,
    /// Lines ending in LF and in CRLF.
    pub lf_lines: usize,
    pub crlf_lines: usize,
    /// Offsets of bytes that break lines other than LF and CRLF: a CR not before LF, VT,
    /// FF, and the starts of NEL, LS and PS.
    pub breaks: Vec<usize>,
    lines: Vec<LineRec>,
    /// Each `mx` line, its value parsed once for the many rules that look at it.
    mx: Vec<MxRec>,
    empty: bool,
    /// `src` as text, when it is valid UTF-8.
    text: Option<&'a str>,
    first: [Option<FieldRef>; 4],
    /// Each `version`, `mode` and `max_age` line, in order. `mx` lines are only in `mx`:
    /// a large policy is thousands of them, and the rules that want the others should not
    /// walk past them.
    other_fields: Vec<(Key, FieldRef)>,
    /// The lines the line rules look at, whole: several rules read each of them.
    odd_lines: Vec<(usize, Line)>,
    /// Each `mx` line whose value is not a valid pattern (an index into `mx`), and why.
    mx_errors: Vec<(usize, pattern::PatternError)>,
    /// Indices into `mx` of the valid wildcard patterns.
    mx_wildcards: Vec<usize>,
    /// Indices into `mx` of the valid literal patterns that end in a digit: the only
    /// ones that can look like an IPv4 address.
    mx_digit_final: Vec<usize>,
}

/// What the line scanner does at a byte [`next_stop`] stops at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ScanClass {
    /// Nothing: a tab or another control character.
    Plain,
    Newline,
    Colon,
    /// CR, VT or FF: a line break other than LF, unless it is the CR of a CRLF.
    OddControl,
    /// The first byte of a UTF-8 sequence that might be NEL, LS or PS.
    MaybeUnicodeBreak,
}

static SCAN: [ScanClass; 256] = {
    let mut t = [ScanClass::Plain; 256];
    t[b'\n' as usize] = ScanClass::Newline;
    t[b':' as usize] = ScanClass::Colon;
    t[b'\r' as usize] = ScanClass::OddControl;
    t[0x0B] = ScanClass::OddControl;
    t[0x0C] = ScanClass::OddControl;
    t[0xC2] = ScanClass::MaybeUnicodeBreak;
    t[0xE2] = ScanClass::MaybeUnicodeBreak;
    t
};

/// The offset of the first byte at or after `from` that the line scan must look at: a
/// control character (LF, CR, VT and FF among them), `:`, or a byte of a multi-byte
/// UTF-8 sequence; `src.len()` when there is none. Eight bytes at a time: lines are
/// mostly plain ASCII text between a `:` and a CRLF.
fn next_stop(src: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(chunk) = src.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        let word = u64::from_le_bytes(*chunk);
        let colon = word ^ (ONES * u64::from(b':'));
        // In `stops`, the high bit of a byte is set where that byte is below 0x20, is `:`
        // or is 0x80 and up. A borrow in the subtractions can set bits above the first
        // such byte, never below it, so the lowest set bit is exact.
        let below_space = word.wrapping_sub(ONES * 0x20) & !word;
        let is_colon = colon.wrapping_sub(ONES) & !colon;
        let stops = (below_space | is_colon | word) & HIGH;
        if stops != 0 {
            return i + (stops.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = src.get(i) {
        if b < 0x20 || b == b':' || b >= 0x80 {
            return i;
        }
        i += 1;
    }
    src.len()
}

/// NEL (C2 85), LS (E2 80 A8) or PS (E2 80 A9) starts at `at`.
fn unicode_break_at(src: &[u8], at: usize) -> bool {
    matches!(src.get(at..), Some([0xC2, 0x85, ..] | [0xE2, 0x80, 0xA8 | 0xA9, ..]))
}

impl<'a> PolicyDoc<'a> {
    pub fn parse(src: &'a [u8]) -> PolicyDoc<'a> {
        PolicyDoc::parse_with(src, true)
    }

    /// [`PolicyDoc::parse`]; without `plain_mx_fast_path` every line takes the general
    /// scan (for the test that holds the fast path to it).
    fn parse_with(src: &'a [u8], plain_mx_fast_path: bool) -> PolicyDoc<'a> {
        let body_start = if src.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        // Validate UTF-8 once for the whole file, so each `mx` value is sliced as text
        // instead of validated again.
        let text = std::str::from_utf8(src);
        let utf8_error = match &text {
            Ok(_) => None,
            Err(e) => Some((e.valid_up_to(), e.error_len().unwrap_or(src.len() - e.valid_up_to()))),
        };
        let text = text.ok();
        // Size the vectors once: a 64 KiB policy has thousands of lines, nearly all `mx`.
        let line_count = memchr::memchr_iter(b'\n', src).count() + 1;
        let mut lines = Vec::with_capacity(line_count);
        let mut mx = Vec::with_capacity(line_count);
        let mut other_fields = Vec::new();
        let mut odd_lines = Vec::new();
        let mut breaks = Vec::new();
        let mut mx_errors = Vec::new();
        let mut mx_wildcards = Vec::new();
        let mut mx_digit_final = Vec::new();
        let mut first = [None; 4];
        let (mut lf_lines, mut crlf_lines) = (0, 0);
        let mut pos = body_start;
        // Every line ends at the next LF (or the end): found for all lines at once, which
        // costs far less than looking for each.
        let mut newlines = memchr::memchr_iter(b'\n', src);
        // One pass over the bytes: each line's end and first `:`, and the odd line breaks.
        while pos < src.len() {
            let newline = newlines.next().unwrap_or(src.len());
            if let Some(plain) = plain_mx_line(src, pos, newline).filter(|_| plain_mx_fast_path) {
                let value = Span::new(pos + MX_PREFIX.len(), plain.end);
                let kind = if plain.domain_start != value.start {
                    mx_wildcards.push(mx.len());
                    MxKind::Wildcard
                } else {
                    if src[plain.end - 1].is_ascii_digit() {
                        mx_digit_final.push(mx.len());
                    }
                    MxKind::Literal
                };
                let line = lines.len();
                if first[Key::Mx as usize].is_none() {
                    first[Key::Mx as usize] = Some(FieldRef {
                        line,
                        name: Span::new(pos, pos + 2),
                        value,
                    });
                }
                mx.push(MxRec {
                    line,
                    value,
                    kind,
                    hash: plain.hash as u32,
                });
                match plain.term {
                    Term::CrLf => crlf_lines += 1,
                    Term::Lf => lf_lines += 1,
                    Term::Eof => {}
                }
                lines.push(LineRec {
                    start: pos,
                    end: plain.end,
                    colon: pos + 2,
                });
                pos = plain.next;
                continue;
            }
            let mut colon = None;
            let mut i = pos;
            let (content_end, next) = loop {
                i = next_stop(src, i);
                let Some(&b) = src.get(i) else {
                    break (src.len(), src.len());
                };
                match SCAN[usize::from(b)] {
                    ScanClass::Plain => {}
                    ScanClass::Newline => {
                        break if i > pos && src[i - 1] == b'\r' {
                            crlf_lines += 1;
                            (i - 1, i + 1)
                        } else {
                            lf_lines += 1;
                            (i, i + 1)
                        };
                    }
                    ScanClass::Colon => {
                        colon.get_or_insert(i);
                    }
                    ScanClass::OddControl => {
                        if !(b == b'\r' && src.get(i + 1) == Some(&b'\n')) {
                            breaks.push(i);
                        }
                    }
                    ScanClass::MaybeUnicodeBreak => {
                        if unicode_break_at(src, i) {
                            breaks.push(i);
                        }
                    }
                }
                i += 1;
            };
            debug_assert_eq!(
                next,
                (newline + 1).min(src.len()),
                "the line scan and the LF search disagree"
            );
            let span = Span::new(pos, content_end);
            let mut normal = false;
            let shape = shape_of(src, span, colon);
            if let Shape::Field { name, value, colon } = shape
                && let Some(key) = Key::from_name(&src[name.start..name.end])
            {
                let field = FieldRef {
                    line: lines.len(),
                    name,
                    value,
                };
                first[key as usize].get_or_insert(field);
                if key == Key::Mx {
                    let parsed = match text.and_then(|t| t.get(value.start..value.end)) {
                        Some(v) => pattern::parse_str(v),
                        None => pattern::parse_ref(&src[value.start..value.end]),
                    };
                    let hash = parsed.as_ref().map_or(0, |p| PatternKey::from(*p).hash64() as u32);
                    let kind = match parsed {
                        Err(e) => {
                            mx_errors.push((mx.len(), e));
                            MxKind::Invalid
                        }
                        Ok(p) if p.wildcard => {
                            mx_wildcards.push(mx.len());
                            MxKind::Wildcard
                        }
                        Ok(p) => {
                            if p.domain.as_bytes().last().is_some_and(u8::is_ascii_digit) {
                                mx_digit_final.push(mx.len());
                            }
                            MxKind::Literal
                        }
                    };
                    mx.push(MxRec {
                        line: field.line,
                        value,
                        kind,
                        hash,
                    });
                } else {
                    other_fields.push((key, field));
                }
                // A registered field, written plainly: no line rule has anything to say.
                normal = name.start == span.start && name.end == colon;
            }
            if !normal {
                odd_lines.push((
                    lines.len(),
                    Line {
                        span,
                        term: match next - content_end {
                            0 => Term::Eof,
                            1 => Term::Lf,
                            _ => Term::CrLf,
                        },
                        term_span: Span::new(content_end, next),
                        shape,
                    },
                ));
            }
            lines.push(LineRec {
                start: pos,
                end: content_end,
                colon: colon.unwrap_or(NO_COLON),
            });
            pos = next;
        }
        let body = &src[body_start..];
        // Early drafts served JSON; a body that opens with `{` is that format.
        let first_visible = body.iter().find(|b| !b.is_ascii_whitespace());
        PolicyDoc {
            src,
            body_start,
            legacy_json: first_visible == Some(&b'{'),
            utf8_error,
            lf_lines,
            crlf_lines,
            breaks,
            lines,
            mx,
            empty: first_visible.is_none(),
            text,
            first,
            other_fields,
            odd_lines,
            mx_errors,
            mx_wildcards,
            mx_digit_final,
        }
    }

    /// The number of lines.
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// Line `index` (from 0).
    pub fn line(&self, index: usize) -> Line {
        let LineRec { start, end, colon } = self.lines[index];
        let (term, term_len) = match self.src.get(end) {
            None => (Term::Eof, 0),
            Some(b'\n') => (Term::Lf, 1),
            Some(_) => (Term::CrLf, 2),
        };
        let span = Span::new(start, end);
        Line {
            span,
            term,
            term_span: Span::new(end, end + term_len),
            shape: shape_of(self.src, span, (colon != NO_COLON).then_some(colon)),
        }
    }

    /// Every line, in order.
    pub fn lines(&self) -> impl DoubleEndedIterator<Item = Line> + ExactSizeIterator + '_ {
        (0..self.lines.len()).map(|i| self.line(i))
    }

    /// The index of the line that holds byte `at` or ends just before it (its terminator
    /// included); the last line when `at` is past the end. `None` when there are no lines.
    pub fn line_index_at(&self, at: usize) -> Option<usize> {
        let last = self.lines.len().checked_sub(1)?;
        // A line's terminator ends where the next line starts.
        let after = self.lines.partition_point(|l| l.start <= at);
        Some(after.saturating_sub(1).min(last))
    }

    /// Lines that are not a plainly written registered field (blank, indented, comments,
    /// unknown or malformed names): the only lines the line rules need to look at.
    pub fn odd_lines(&self) -> impl Iterator<Item = (usize, Line)> + '_ {
        self.odd_lines.iter().copied()
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

    /// Every line with this registered name, in order.
    pub fn all(&self, key: Key) -> impl Iterator<Item = FieldRef> + '_ {
        let (mx, others): (&[_], &[_]) = if key == Key::Mx {
            (&self.mx, &[])
        } else {
            (&[], &self.other_fields)
        };
        mx.iter()
            .map(|r| self.mx_field(r))
            .chain(others.iter().filter(move |(k, _)| *k == key).map(|(_, f)| *f))
    }

    /// The mode a sender would use, if the first `mode` line is valid.
    pub fn mode(&self) -> Option<Mode> {
        self.first(Key::Mode).and_then(|f| Mode::parse(self.bytes(f.value)))
    }

    /// The `max_age` a sender would use, if the first `max_age` line is valid.
    pub fn max_age(&self) -> Option<u64> {
        self.first(Key::MaxAge).and_then(|f| parse_max_age(self.bytes(f.value)))
    }

    /// The number of `mx` lines.
    pub fn mx_count(&self) -> usize {
        self.mx.len()
    }

    /// The field of an `mx` line. Its name is `mx`, written just before the `:` and any
    /// WSP after it.
    #[inline]
    fn mx_field(&self, r: &MxRec) -> FieldRef {
        let LineRec { start, colon, .. } = self.lines[r.line];
        let name_end = colon - trailing_wsp(&self.src[start..colon]);
        FieldRef {
            line: r.line,
            name: Span::new(name_end - 2, name_end),
            value: r.value,
        }
    }

    /// The pattern of an `mx` line with a valid value: the value, after `*.` for a
    /// wildcard (how the pattern parser splits it).
    #[inline]
    fn mx_pattern(&self, r: &MxRec) -> PatternRef<'a> {
        let wildcard = r.kind == MxKind::Wildcard;
        let start = r.value.start + if wildcard { 2 } else { 0 };
        // A valid pattern is ASCII: slicing at its ends cannot fail.
        let domain = match self.text {
            Some(t) => t.get(start..r.value.end),
            None => std::str::from_utf8(&self.src[start..r.value.end]).ok(),
        };
        PatternRef {
            wildcard,
            domain: domain.unwrap_or_default(),
        }
    }

    /// The field of `mx` line `index` (from 0, among the `mx` lines).
    pub fn mx_field_at(&self, index: usize) -> FieldRef {
        self.mx_field(&self.mx[index])
    }

    /// The pattern of `mx` line `index` (from 0, among the `mx` lines), if it is valid,
    /// with the low half of its [`PatternKey::hash64`] (all a [`crate::mx::PatternIndex`]
    /// uses).
    #[inline]
    pub fn mx_pattern_at(&self, index: usize) -> Option<(PatternRef<'a>, u64)> {
        let r = self.mx.get(index)?;
        (r.kind != MxKind::Invalid).then(|| (self.mx_pattern(r), u64::from(r.hash)))
    }

    /// Every `mx` line whose value is a valid pattern, with the pattern.
    pub fn mx_patterns(&self) -> impl Iterator<Item = (FieldRef, PatternRef<'a>)> + '_ {
        self.mx
            .iter()
            .filter(|r| r.kind != MxKind::Invalid)
            .map(|r| (self.mx_field(r), self.mx_pattern(r)))
    }

    /// Which `mx` lines (by index among them, for [`Self::mx_pattern_at`]) hold a valid
    /// wildcard pattern, in order.
    pub fn mx_wildcard_indices(&self) -> impl DoubleEndedIterator<Item = usize> + ExactSizeIterator + '_ {
        self.mx_wildcards.iter().copied()
    }

    /// Every `mx` line with a valid wildcard pattern (`*.example.com`), in order.
    pub fn mx_wildcards(&self) -> impl Iterator<Item = (FieldRef, PatternRef<'a>)> + '_ {
        self.mx_wildcards
            .iter()
            .map(|&i| (self.mx_field(&self.mx[i]), self.mx_pattern(&self.mx[i])))
    }

    /// Every `mx` line with a valid literal pattern that ends in a digit, in order: the
    /// only ones that can look like an IPv4 address.
    pub fn mx_digit_final(&self) -> impl Iterator<Item = (FieldRef, PatternRef<'a>)> + '_ {
        self.mx_digit_final
            .iter()
            .map(|&i| (self.mx_field(&self.mx[i]), self.mx_pattern(&self.mx[i])))
    }

    /// Every `mx` line whose value is not a valid pattern, with why, in order: the rules
    /// about bad values look only at these, not at every `mx` line.
    pub fn mx_errors(&self) -> impl Iterator<Item = (FieldRef, &pattern::PatternError)> + '_ {
        self.mx_errors.iter().map(|(i, e)| (self.mx_field(&self.mx[*i]), e))
    }

    /// The line terminator the file mostly uses, for fixes that insert lines.
    pub fn newline(&self) -> &'static str {
        if self.lf_lines > self.crlf_lines { "\n" } else { "\r\n" }
    }

    /// The policy a sender would use, assuming the file is valid.
    pub fn to_policy(&self) -> Option<Policy> {
        // A valid pattern is its whole value: `*.` and the domain, as written.
        let values = || self.mx.iter().filter(|r| r.kind != MxKind::Invalid).map(|r| r.value);
        let bytes = values().map(|v| v.end - v.start).sum();
        let mut mx = MxList::with_capacity(self.mx.len() - self.mx_errors.len(), bytes);
        for value in values() {
            mx.push(self.text?.get(value.start..value.end)?);
        }
        Some(Policy {
            version: String::from_utf8_lossy(self.bytes(self.first(Key::Version)?.value)).into_owned(),
            mode: self.mode()?,
            max_age: self.max_age()?,
            mx,
        })
    }
}

/// How an `mx` line written the common way begins.
const MX_PREFIX: &[u8] = b"mx: ";

/// An `mx` line written the common way, found by [`plain_mx_line`].
struct PlainMx {
    /// Where the domain starts: after `mx: `, and after `*.` for a wildcard.
    domain_start: usize,
    /// The end of the value (and of the line's content).
    end: usize,
    term: Term,
    /// The start of the next line.
    next: usize,
    /// The pattern's [`PatternKey::hash64`].
    hash: u64,
}

/// The line at `pos`, whose LF is at `newline` (`src.len()` for the last line without
/// one), when it is `mx: ` and a plain pattern (what [`pattern::parse_str`] accepts
/// without its full parser: LDH labels of at most 63 bytes with no `-` or `.` next to
/// another, at most 253 bytes, after an optional `*.`). Nearly every line of a large
/// policy is one; anything else goes to the general line scan, which makes the same line
/// of it.
#[inline]
fn plain_mx_line(src: &[u8], pos: usize, newline: usize) -> Option<PlainMx> {
    let value_start = pos + MX_PREFIX.len();
    if src.get(pos..value_start)? != MX_PREFIX || newline < value_start {
        return None;
    }
    let (end, term, next) = if newline == src.len() {
        (newline, Term::Eof, newline)
    } else if src[newline - 1] == b'\r' {
        (newline - 1, Term::CrLf, newline + 1)
    } else {
        (newline, Term::Lf, newline + 1)
    };
    let wildcard = src.get(value_start..value_start + 2) == Some(b"*.");
    let domain_start = value_start + if wildcard { 2 } else { 0 };
    // A CR alone, or any other byte outside the name's, makes the name not plain.
    let domain = src.get(domain_start..end)?;
    let hash = pattern::plain_name(domain)?;
    if end - value_start > 253 {
        return None;
    }
    Some(PlainMx {
        domain_start,
        end,
        term,
        next,
        hash: hash.finish(domain.len(), wildcard),
    })
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

/// `colon` is the offset of the line's first `:`, found by the line scan.
fn shape_of(src: &[u8], span: Span, colon: Option<usize>) -> Shape {
    let line = &src[span.start..span.end];
    if line.iter().all(|&b| is_wsp(b)) {
        return Shape::Blank;
    }
    if line.trim_ascii_start().first() == Some(&b'#') {
        return Shape::Comment;
    }
    let Some(colon) = colon.map(|at| at - span.start) else {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A line as (content, terminator, terminator span, shape).
    type RefLine = (Span, Term, Span, Shape);

    /// The line model as first written, one simple pass per question, to hold the
    /// one-pass scanner against.
    fn reference(src: &[u8]) -> (Vec<RefLine>, Vec<usize>) {
        let body_start = if src.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        let mut lines = Vec::new();
        let mut pos = body_start;
        while pos < src.len() {
            let rest = &src[pos..];
            let (content_end, term, next) = match rest.iter().position(|&b| b == b'\n') {
                Some(i) if i > 0 && rest[i - 1] == b'\r' => (pos + i - 1, Term::CrLf, pos + i + 1),
                Some(i) => (pos + i, Term::Lf, pos + i + 1),
                None => (src.len(), Term::Eof, src.len()),
            };
            let span = Span::new(pos, content_end);
            let colon = src[span.start..span.end]
                .iter()
                .position(|&b| b == b':')
                .map(|i| span.start + i);
            lines.push((span, term, Span::new(content_end, next), shape_of(src, span, colon)));
            pos = next;
        }
        let body = &src[body_start..];
        let mut breaks = Vec::new();
        for (i, &b) in body.iter().enumerate() {
            let odd = match b {
                b'\r' => body.get(i + 1) != Some(&b'\n'),
                0x0B | 0x0C => true,
                0xC2 => body.get(i + 1) == Some(&0x85),
                0xE2 => body.get(i + 1) == Some(&0x80) && matches!(body.get(i + 2), Some(0xA8 | 0xA9)),
                _ => false,
            };
            if odd {
                breaks.push(body_start + i);
            }
        }
        (lines, breaks)
    }

    #[test]
    fn stored_records_stay_small() {
        // A large policy is thousands of lines: these sizes are most of its memory.
        assert!(std::mem::size_of::<LineRec>() <= 3 * std::mem::size_of::<usize>());
        assert!(std::mem::size_of::<MxRec>() <= 4 * std::mem::size_of::<usize>());
    }

    /// Random `mx` lines, most of them plain, the rest a byte or a length away from it.
    fn mx_heavy_input(next: &mut impl FnMut() -> u64) -> Vec<u8> {
        const PREFIXES: &[&[u8]] = &[
            b"mx: ", b"mx: ", b"mx: ", b"mx: *.", b"mx:", b"MX: ", b" mx: ", b"mx: *", b"",
        ];
        const LABEL_BYTES: &[u8] = b"abcxnZ0129-";
        const ODD: &[&[u8]] = &[
            b"-",
            b".",
            b"..",
            b" ",
            b"\t",
            b"_",
            b"*",
            b":",
            b"\xc3\xa9",
            b"\xff",
            b"\x00",
            b"\r",
        ];
        const ENDS: &[&[u8]] = &[b"\r\n", b"\r\n", b"\n", b"\r", b" \r\n", b"\n\r", b""];
        let mut pick = |n: usize| (next() % n as u64) as usize;
        let mut src = Vec::new();
        for _ in 0..pick(12) {
            src.extend_from_slice(PREFIXES[pick(PREFIXES.len())]);
            if pick(6) == 0 {
                // A name of 248 to 258 bytes, labels of at most 50: about the 253-byte limit.
                let len = 248 + pick(11);
                src.extend((0..len).map(|i| if i % 51 == 50 { b'.' } else { b'q' }));
                src.extend_from_slice(ENDS[pick(ENDS.len())]);
                continue;
            }
            let labels = 1 + pick(4);
            for l in 0..labels {
                // Mostly short labels; some around the 63-byte limit, some long names
                // around the 253-byte limit.
                let len = match pick(10) {
                    0 => 60 + pick(8),
                    1 => 40 + pick(30),
                    _ => pick(12),
                };
                for _ in 0..len {
                    src.push(LABEL_BYTES[pick(LABEL_BYTES.len())]);
                }
                if pick(12) == 0 {
                    src.extend_from_slice(ODD[pick(ODD.len())]);
                }
                if l + 1 < labels {
                    src.push(b'.');
                }
            }
            src.extend_from_slice(ENDS[pick(ENDS.len())]);
        }
        src
    }

    #[test]
    fn plain_mx_fast_path_matches_general_scan() {
        let mut next = crate::test_rng::xorshift(0x2545_f491_4f6c_dd1d);
        let mut fast_lines = 0;
        for _ in 0..50_000 {
            let src = mx_heavy_input(&mut next);
            let fast = PolicyDoc::parse_with(&src, true);
            let general = PolicyDoc::parse_with(&src, false);
            assert_eq!(
                format!("{fast:?}"),
                format!("{general:?}"),
                "{:?}",
                String::from_utf8_lossy(&src)
            );
            let mut pos = fast.body_start;
            for line in fast.lines() {
                let newline = if line.term == Term::Eof {
                    src.len()
                } else {
                    line.term_span.end - 1
                };
                fast_lines += usize::from(plain_mx_line(&src, pos, newline).is_some());
                pos = line.term_span.end;
            }
        }
        // The inputs reach the fast path often, so the comparison means something.
        assert!(fast_lines > 10_000, "{fast_lines}");
    }

    #[test]
    fn one_pass_scan_matches_reference() {
        const PIECES: &[&[u8]] = &[
            b"mx",
            b": ",
            b":",
            b"example.com",
            b"\r\n",
            b"\n",
            b"\r",
            b"\x0b",
            b"\x0c",
            b" ",
            b"\t",
            b"#",
            b"\xc2\x85",
            b"\xe2\x80\xa8",
            b"\xe2\x80\xa9",
            b"\xc3\xa9",
            b"\xe2",
            b"\xff",
            b"version",
            b"\xef\xbb\xbf",
            b"abcdefghijklmnop",
            b"\x00",
        ];
        let mut next = crate::test_rng::xorshift(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let mut src = Vec::new();
            for _ in 0..next() % 24 {
                src.extend_from_slice(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
            let doc = PolicyDoc::parse(&src);
            let (lines, breaks) = reference(&src);
            let got: Vec<_> = doc.lines().map(|l| (l.span, l.term, l.term_span, l.shape)).collect();
            assert_eq!(format!("{got:?}"), format!("{lines:?}"), "{src:?}");
            assert_eq!(doc.breaks, breaks, "{src:?}");
            assert_eq!(doc.utf8_error, crate::text::utf8_error(&src), "{src:?}");
        }
    }
}
