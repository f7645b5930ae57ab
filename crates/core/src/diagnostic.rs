//! Findings: what a rule reports, where, and how to fix it.

use crate::rule::Rule;
use serde::Serialize;

/// How bad a finding is. `Error` means a conforming sender discards the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A byte range `start..end` into the linted input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    pub const fn at(pos: usize) -> Span {
        Span { start: pos, end: pos }
    }
    pub fn len(self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
    pub fn shift(self, by: usize) -> Span {
        Span::new(self.start + by, self.end + by)
    }
}

/// Replace the bytes in `span` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Edit {
    pub fn delete(span: Span) -> Edit {
        Edit {
            span,
            replacement: String::new(),
        }
    }
    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit {
            span: Span::at(at),
            replacement: text.into(),
        }
    }
    pub fn replace(span: Span, text: impl Into<String>) -> Edit {
        Edit {
            span,
            replacement: text.into(),
        }
    }
}

/// A machine-applicable fix. Only attached where the right edit is certain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            edits,
        }
    }
    pub fn one(title: impl Into<String>, edit: Edit) -> Fix {
        Fix::new(title, vec![edit])
    }
}

/// One finding of one rule.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub span: Span,
    pub message: String,
    pub fix: Option<Fix>,
    /// 1-based line and column (in characters) of `span.start`; filled in by [`locate`].
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Diagnostic {
    pub fn code(&self) -> &'static str {
        self.rule.code
    }
}

/// A finding's message: text, or a closure that makes it. A rule that fires on every
/// line of a large input passes a closure, so that only the findings [`Sink`] keeps (at
/// most [`Sink::CAP`] a rule) are formatted.
pub trait Message {
    fn into_message(self) -> String;
}

impl Message for String {
    fn into_message(self) -> String {
        self
    }
}

impl Message for &str {
    fn into_message(self) -> String {
        self.to_string()
    }
}

impl<F: FnOnce() -> String> Message for F {
    fn into_message(self) -> String {
        self()
    }
}

/// A finding's fix: a [`Fix`], or a closure that makes it (as for [`Message`]).
pub trait MakeFix {
    fn into_fix(self) -> Fix;
}

impl MakeFix for Fix {
    fn into_fix(self) -> Fix {
        self
    }
}

impl<F: FnOnce() -> Fix> MakeFix for F {
    fn into_fix(self) -> Fix {
        self()
    }
}

/// Where rules put their findings. Caps each code at [`Sink::CAP`] findings so that a
/// megabyte of junk gives a readable list, and counts what it left out.
#[derive(Default)]
pub struct Sink {
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) suppressed: usize,
    counts: Vec<(&'static str, usize)>,
}

impl Sink {
    pub const CAP: usize = 100;

    pub fn new() -> Sink {
        Sink::default()
    }

    /// Report `rule` at `span` with its default severity.
    pub fn report(&mut self, rule: &'static Rule, span: Span, message: impl Message) -> Option<&mut Diagnostic> {
        self.report_as(rule, rule.severity, span, message)
    }

    /// Report `rule` with a severity that depends on context (e.g. the policy mode).
    pub fn report_as(
        &mut self,
        rule: &'static Rule,
        severity: Severity,
        span: Span,
        message: impl Message,
    ) -> Option<&mut Diagnostic> {
        // Only the message is generic: the rest is one function for every caller.
        if !self.admit(rule) {
            return None;
        }
        Some(self.push(rule, severity, span, message.into_message()))
    }

    /// Whether a finding of `rule` is kept; counts it either way.
    fn admit(&mut self, rule: &'static Rule) -> bool {
        let slot = match self.counts.iter().position(|(c, _)| *c == rule.code) {
            Some(i) => i,
            None => {
                self.counts.push((rule.code, 0));
                self.counts.len() - 1
            }
        };
        if self.counts[slot].1 >= Self::CAP {
            self.suppressed += 1;
            return false;
        }
        self.counts[slot].1 += 1;
        true
    }

    fn push(&mut self, rule: &'static Rule, severity: Severity, span: Span, message: String) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic {
            rule,
            severity,
            span,
            message,
            fix: None,
            line: 0,
            column: 0,
            end_line: 0,
            end_column: 0,
        });
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }

    /// Report with a fix attached.
    pub fn report_fix(&mut self, rule: &'static Rule, span: Span, message: impl Message, fix: impl MakeFix) {
        if let Some(d) = self.report(rule, span, message) {
            d.fix = Some(fix.into_fix());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.diagnostics.is_empty()
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

/// Fill in line and column of each diagnostic and sort them by position.
pub fn locate(src: &[u8], diagnostics: &mut [Diagnostic]) {
    if diagnostics.is_empty() {
        return;
    }
    let index = LineIndex::new(src);
    for d in diagnostics.iter_mut() {
        (d.line, d.column) = index.line_col(src, d.span.start);
        (d.end_line, d.end_column) = index.line_col(src, d.span.end);
    }
    diagnostics.sort_by(|a, b| {
        (a.span.start, std::cmp::Reverse(a.severity), a.rule.code).cmp(&(
            b.span.start,
            std::cmp::Reverse(b.severity),
            b.rule.code,
        ))
    });
}

/// Start offsets of lines; a line ends at LF (a CR before it belongs to the line).
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(src: &[u8]) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', src).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 1-based line and 1-based column counted in characters (a byte that is not a
    /// UTF-8 continuation byte starts a character).
    pub fn line_col(&self, src: &[u8], offset: usize) -> (usize, usize) {
        let offset = offset.min(src.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col = src[start..offset].iter().filter(|&&b| (b & 0xC0) != 0x80).count();
        (line + 1, col + 1)
    }
}

/// Apply every fix in `diagnostics` to `src`. Edits that overlap an edit already taken
/// are skipped; run again on the result to pick them up.
pub fn apply_fixes(src: &[u8], diagnostics: &[Diagnostic]) -> (Vec<u8>, usize) {
    let mut edits: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    for fix in diagnostics.iter().filter_map(|d| d.fix.as_ref()) {
        let clashes = fix.edits.iter().any(|e| {
            edits.iter().any(|t| {
                e.span.start < t.span.end && t.span.start < e.span.end
                    || (e.span.start == t.span.start && (e.span.is_empty() || t.span.is_empty()))
            })
        });
        let in_bounds = fix
            .edits
            .iter()
            .all(|e| e.span.start <= e.span.end && e.span.end <= src.len());
        if !clashes && in_bounds {
            edits.extend(fix.edits.iter());
            applied += 1;
        }
    }
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = Vec::with_capacity(src.len());
    let mut pos = 0;
    for e in edits {
        out.extend_from_slice(&src[pos..e.span.start]);
        out.extend_from_slice(e.replacement.as_bytes());
        pos = e.span.end;
    }
    out.extend_from_slice(&src[pos..]);
    (out, applied)
}
