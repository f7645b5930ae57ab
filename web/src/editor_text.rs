//! The text behind the editor, kept byte for byte.
//!
//! A `<textarea>` turns every CRLF and lone CR into LF (its "API value"), but line endings
//! are exactly what a policy linter must see. So the page owns the real text and the
//! textarea is only a view of it: each edit is merged back as "what changed between the
//! view and the text", leaving the CRs of untouched lines alone. These functions are pure
//! and index the real text in bytes and the textarea in UTF-16 units, as the DOM does.

use mtasts_core::{Severity, Span};

/// One line-ending-normalized unit of `text` at byte `at`: the char the textarea shows
/// there and how many bytes of `text` it stands for (`\r\n` and lone `\r` show as `\n`).
fn unit_at(text: &str, at: usize) -> Option<(char, usize)> {
    let c = text[at..].chars().next()?;
    if c == '\r' {
        let len = if text.as_bytes().get(at + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
        return Some(('\n', len));
    }
    Some((c, c.len_utf8()))
}

/// The unit that ends at byte `end`, not reaching below `floor`.
fn unit_before(text: &str, end: usize, floor: usize) -> Option<(char, usize)> {
    let c = text[floor..end].chars().next_back()?;
    match c {
        '\n' if end >= floor + 2 && text.as_bytes()[end - 2] == b'\r' => Some(('\n', 2)),
        '\r' => Some(('\n', 1)),
        c => Some((c, c.len_utf8())),
    }
}

/// What an edit did, in bytes of the real text: `start..old_end` became `start..new_end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

impl TextEdit {
    /// Where a span of the old text lies in the new one. Text inserted where a span
    /// starts pushes it along; a span that covered replaced text stretches over the
    /// replacement, so its mark stays near what the user is typing.
    pub fn shift(self, span: Span) -> Span {
        let moved = |pos: usize| pos - self.old_end + self.new_end;
        let start = if span.start < self.start {
            span.start
        } else if span.start >= self.old_end {
            moved(span.start)
        } else {
            self.start
        };
        let end = if span.end <= self.start {
            span.end
        } else if span.end >= self.old_end {
            moved(span.end)
        } else {
            self.new_end
        };
        Span::new(start, end.max(start))
    }
}

/// Merge the textarea's value after the user typed into `original`: the common prefix
/// and suffix keep their original bytes (CRs included), the middle comes from `typed`.
/// When `original` ends every line with CRLF, typed line breaks become CRLF too.
pub fn merge_typed(original: &str, typed: &str) -> (String, TextEdit) {
    let mut o = 0;
    let mut t = 0;
    while let (Some((unit, len)), Some(c)) = (unit_at(original, o), typed[t..].chars().next()) {
        if unit != c {
            break;
        }
        o += len;
        t += c.len_utf8();
    }
    let mut oe = original.len();
    let mut te = typed.len();
    while oe > o && te > t {
        let (Some((unit, len)), Some(c)) = (unit_before(original, oe, o), typed[t..te].chars().next_back()) else {
            break;
        };
        if unit != c {
            break;
        }
        oe -= len;
        te -= c.len_utf8();
    }
    let inserted = &typed[t..te];
    let inserted = if uses_crlf_only(original) {
        inserted.replace('\n', "\r\n")
    } else {
        inserted.to_string()
    };
    let mut merged = String::with_capacity(o + inserted.len() + original.len() - oe);
    merged.push_str(&original[..o]);
    merged.push_str(&inserted);
    merged.push_str(&original[oe..]);
    let edit = TextEdit {
        start: o,
        old_end: oe,
        new_end: o + inserted.len(),
    };
    (merged, edit)
}

/// Every line break is CRLF (and there is at least one).
fn uses_crlf_only(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut any = false;
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'\n' if i == 0 || bytes[i - 1] != b'\r' => return false,
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => return false,
            b'\n' => any = true,
            _ => {}
        }
    }
    any
}

/// The byte offset in `text` of UTF-16 offset `utf16` of the textarea's value (clamped to
/// the end; never inside a CRLF pair or a char).
pub fn byte_of_utf16(text: &str, utf16: usize) -> usize {
    let mut at = 0;
    let mut units = 0;
    while units < utf16 {
        let Some((c, len)) = unit_at(text, at) else {
            break;
        };
        units += c.len_utf16();
        at += len;
    }
    at
}

/// The UTF-16 offset in the textarea's value of byte `byte` of `text`.
pub fn utf16_of_byte(text: &str, byte: usize) -> usize {
    let byte = byte.min(text.len());
    let mut at = 0;
    let mut units = 0;
    while at < byte {
        let Some((c, len)) = unit_at(text, at) else {
            break;
        };
        units += c.len_utf16();
        at += len;
    }
    units
}

/// Replace the textarea selection `start..end` (UTF-16) with `pasted`, keeping the pasted
/// line endings (the textarea would make them LF). Returns the new text, the edit and the
/// caret position after the pasted text, in UTF-16 units.
pub fn paste(original: &str, start: usize, end: usize, pasted: &str) -> (String, TextEdit, usize) {
    let a = byte_of_utf16(original, start.min(end));
    let b = byte_of_utf16(original, start.max(end));
    let mut text = String::with_capacity(original.len() + pasted.len());
    text.push_str(&original[..a]);
    text.push_str(pasted);
    text.push_str(&original[b..]);
    let caret = start.min(end) + utf16_of_byte(pasted, pasted.len());
    let edit = TextEdit {
        start: a,
        old_end: b,
        new_end: a + pasted.len(),
    };
    (text, edit, caret)
}

/// Byte offsets where each line starts, as the textarea breaks lines (CRLF, CR or LF).
pub fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (i, b) in bytes.iter().enumerate() {
        let breaks = *b == b'\n' || (*b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if breaks {
            starts.push(i + 1);
        }
    }
    starts
}

/// The 1-based line, as the textarea shows it, of byte `byte`.
pub fn line_of(starts: &[usize], byte: usize) -> usize {
    starts.partition_point(|&s| s <= byte).max(1)
}

/// A diagnostic's place in the editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    pub span: Span,
    pub severity: Severity,
    /// Index into the report's diagnostics.
    pub index: usize,
}

/// What a piece of the highlight layer covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PieceKind {
    Plain,
    /// Covered by diagnostics; the worst severity among them.
    Marked {
        severity: Severity,
        selected: bool,
    },
    /// An empty span: a point between two characters (e.g. "a `;` is missing here").
    Point {
        severity: Severity,
        selected: bool,
    },
}

/// What a piece shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// `text[start..end]`, without CRs.
    Text {
        start: usize,
        end: usize,
    },
    /// A CR, shown as a faint symbol at the end of its line; `lone` when no LF follows
    /// (the textarea breaks the line there, so the layer must too).
    Cr {
        lone: bool,
    },
    Nothing,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    pub kind: PieceKind,
    pub content: Content,
}

/// At most this many diagnostics are drawn in the text; the list shows them all.
pub const MAX_INLINE_MARKS: usize = 500;

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Cut `text` into the pieces of the highlight layer: plain runs, runs covered by marks,
/// points for empty spans, and CRs. Spans are clamped to the text and to char boundaries
/// (a rule may point inside a multi-byte char of junk input).
pub fn pieces(text: &str, marks: &[Mark], selected: Option<usize>) -> Vec<Piece> {
    let marks: Vec<Mark> = marks
        .iter()
        .take(MAX_INLINE_MARKS)
        .map(|m| {
            let start = floor_boundary(text, m.span.start);
            let end = ceil_boundary(text, m.span.end.max(start));
            Mark {
                span: Span::new(start, end),
                ..*m
            }
        })
        .collect();
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for m in &marks {
        cuts.push(m.span.start);
        cuts.push(m.span.end);
    }
    // CRs are pieces of their own.
    for (i, b) in text.bytes().enumerate() {
        if b == b'\r' {
            cuts.push(i);
            cuts.push(i + 1);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::new();
    for (i, &a) in cuts.iter().enumerate() {
        // Points at `a` come before the text that starts there.
        let points = marks.iter().filter(|m| m.span.is_empty() && m.span.start == a);
        if let Some(kind) = worst(points, selected, true) {
            out.push(Piece {
                kind,
                content: Content::Nothing,
            });
        }
        let Some(&b) = cuts.get(i + 1) else { break };
        let covering = marks
            .iter()
            .filter(|m| !m.span.is_empty() && m.span.start <= a && m.span.end >= b);
        let kind = worst(covering, selected, false).unwrap_or(PieceKind::Plain);
        let content = if text.as_bytes()[a] == b'\r' {
            Content::Cr {
                lone: text.as_bytes().get(a + 1) != Some(&b'\n'),
            }
        } else {
            Content::Text { start: a, end: b }
        };
        // Merge with the previous piece when nothing changes between them.
        if let (
            Some(Piece {
                kind: prev_kind,
                content: Content::Text { end, .. },
            }),
            Content::Text { end: new_end, .. },
        ) = (out.last_mut(), content)
            && *prev_kind == kind
        {
            *end = new_end;
            continue;
        }
        out.push(Piece { kind, content });
    }
    out
}

fn worst<'a>(marks: impl Iterator<Item = &'a Mark>, selected: Option<usize>, point: bool) -> Option<PieceKind> {
    let mut severity = None;
    let mut is_selected = false;
    for m in marks {
        severity = severity.max(Some(m.severity));
        is_selected |= Some(m.index) == selected;
    }
    let severity = severity?;
    Some(if point {
        PieceKind::Point {
            severity,
            selected: is_selected,
        }
    } else {
        PieceKind::Marked {
            severity,
            selected: is_selected,
        }
    })
}

/// For the gutter: each line that has diagnostics, its worst severity and the first
/// diagnostic on it (the one a click selects). Sorted by line.
pub fn gutter_marks(starts: &[usize], marks: &[Mark]) -> Vec<(usize, Severity, usize)> {
    let mut lines: Vec<(usize, Severity, usize)> = Vec::new();
    for m in marks {
        let line = line_of(starts, m.span.start);
        match lines.iter_mut().find(|(l, _, _)| *l == line) {
            Some(entry) => entry.1 = entry.1.max(m.severity),
            None => lines.push((line, m.severity, m.index)),
        }
    }
    lines.sort_by_key(|(line, _, _)| *line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// What a textarea shows for `text`.
    fn shown(text: &str) -> String {
        text.replace("\r\n", "\n").replace('\r', "\n")
    }

    #[test]
    fn typing_keeps_crlf_elsewhere() {
        let original = "version: STSv1\r\nmode: testing\r\nmax_age: 86400\r\n";
        let typed = shown(original).replace("testing", "enforce");
        let (merged, edit) = merge_typed(original, &typed);
        assert_eq!(merged, "version: STSv1\r\nmode: enforce\r\nmax_age: 86400\r\n");
        assert_eq!(edit.start, "version: STSv1\r\nmode: ".len());
    }

    #[test]
    fn typed_newlines_follow_a_crlf_file() {
        let original = "version: STSv1\r\nmode: testing\r\n";
        let typed = format!("{}max_age: 86400\n", shown(original));
        let (merged, _) = merge_typed(original, &typed);
        assert_eq!(merged, "version: STSv1\r\nmode: testing\r\nmax_age: 86400\r\n");
        // A file with LF keeps LF.
        let (lf, _) = merge_typed("a\nb\n", "a\nb\nc\n");
        assert_eq!(lf, "a\nb\nc\n");
    }

    #[test]
    fn deleting_a_line_break_removes_the_pair() {
        let (merged, edit) = merge_typed("a\r\nb", "ab");
        assert_eq!(merged, "ab");
        assert_eq!(
            edit,
            TextEdit {
                start: 1,
                old_end: 3,
                new_end: 1
            }
        );
        let (lone, _) = merge_typed("a\rb\rc", "a\nbc");
        assert_eq!(lone, "a\rbc");
    }

    #[test]
    fn unchanged_and_replaced_text() {
        let text = "x\r\ny\u{e9}\r\n";
        assert_eq!(merge_typed(text, &shown(text)).0, text);
        assert_eq!(merge_typed(text, "").0, "");
        assert_eq!(merge_typed("", "new").0, "new");
        // Repeated characters: the edit may be placed anywhere in the run, the text is right.
        assert_eq!(merge_typed("aaa", "aaaa").0, "aaaa");
        assert_eq!(merge_typed("a\r\n\r\nb", "a\n\n\nb").0, "a\r\n\r\n\r\nb");
    }

    #[test]
    fn utf16_and_bytes_map_both_ways() {
        let text = "\u{feff}v\r\n\u{1f600}x";
        // Shown: BOM(1) v(1) \n(1) emoji(2) x(1)
        assert_eq!(utf16_of_byte(text, text.len()), 6);
        assert_eq!(byte_of_utf16(text, 3), "\u{feff}v\r\n".len());
        assert_eq!(byte_of_utf16(text, 5), text.len() - 1);
        assert_eq!(byte_of_utf16(text, 100), text.len());
        for (byte, _) in text.char_indices().filter(|(i, _)| *i != 5) {
            assert_eq!(byte_of_utf16(text, utf16_of_byte(text, byte)), byte);
        }
    }

    #[test]
    fn paste_keeps_pasted_line_endings() {
        let (text, edit, caret) = paste("ab", 1, 1, "x\r\ny");
        assert_eq!(text, "ax\r\nyb");
        assert_eq!(caret, 4);
        assert_eq!(edit.new_end, 5);
        let (replaced, _, _) = paste("a\r\nb", 0, 3, "Z");
        assert_eq!(replaced, "Z");
    }

    #[test]
    fn lines_break_like_the_textarea() {
        let starts = line_starts("a\r\nb\rc\nd");
        assert_eq!(starts, vec![0, 3, 5, 7]);
        assert_eq!(line_of(&starts, 0), 1);
        assert_eq!(line_of(&starts, 4), 2);
        assert_eq!(line_of(&starts, 7), 4);
    }

    #[test]
    fn shift_moves_spans_after_an_edit() {
        let edit = TextEdit {
            start: 5,
            old_end: 6,
            new_end: 8,
        };
        assert_eq!(edit.shift(Span::new(0, 3)), Span::new(0, 3));
        assert_eq!(edit.shift(Span::new(7, 9)), Span::new(9, 11));
        assert_eq!(edit.shift(Span::new(4, 6)), Span::new(4, 8));
        assert_eq!(edit.shift(Span::at(5)), Span::at(5));
        let insert = TextEdit {
            start: 0,
            old_end: 0,
            new_end: 3,
        };
        assert_eq!(insert.shift(Span::new(0, 14)), Span::new(3, 17));
        assert_eq!(insert.shift(Span::at(0)), Span::at(3));
    }

    fn mark(start: usize, end: usize, severity: Severity, index: usize) -> Mark {
        Mark {
            span: Span::new(start, end),
            severity,
            index,
        }
    }

    #[test]
    fn pieces_cover_the_text_once() {
        let text = "mode: bad\r\nmx: a\r\n";
        let marks = [
            mark(6, 9, Severity::Error, 0),
            mark(6, 11, Severity::Warning, 1),
            mark(16, 16, Severity::Info, 2),
        ];
        let ps = pieces(text, &marks, Some(1));
        let mut rebuilt = String::new();
        for p in &ps {
            match p.content {
                Content::Text { start, end } => rebuilt.push_str(&text[start..end]),
                Content::Cr { .. } => rebuilt.push('\r'),
                Content::Nothing => {}
            }
        }
        assert_eq!(rebuilt, text);
        assert_eq!(
            ps[1],
            Piece {
                kind: PieceKind::Marked {
                    severity: Severity::Error,
                    selected: true
                },
                content: Content::Text { start: 6, end: 9 }
            }
        );
        assert!(ps.iter().any(|p| p.kind
            == PieceKind::Point {
                severity: Severity::Info,
                selected: false
            }));
        assert!(ps.iter().any(|p| p.content == Content::Cr { lone: false }));
    }

    #[test]
    fn pieces_survive_spans_inside_chars_and_past_the_end() {
        let text = "\u{e9}\u{e9}";
        let ps = pieces(
            text,
            &[mark(1, 3, Severity::Error, 0), mark(9, 12, Severity::Error, 1)],
            None,
        );
        assert!(ps.iter().all(|p| match p.content {
            Content::Text { start, end } => text.get(start..end).is_some(),
            _ => true,
        }));
        assert!(pieces("", &[mark(0, 0, Severity::Error, 0)], None).len() == 1);
    }

    #[test]
    fn gutter_takes_the_worst_per_line() {
        let text = "a\nbb\n";
        let starts = line_starts(text);
        let marks = [
            mark(2, 3, Severity::Info, 0),
            mark(3, 4, Severity::Error, 1),
            mark(0, 1, Severity::Warning, 2),
        ];
        assert_eq!(
            gutter_marks(&starts, &marks),
            vec![(1, Severity::Warning, 2), (2, Severity::Error, 0)]
        );
    }
}
