//! TXT records as people paste them: one record per line, either the raw value or
//! zone-file presentation format (RFC 1035 §5.1: quoted character-strings with `\"`,
//! `\\` and `\DDD` escapes, concatenated without spaces).

pub mod checks;
pub mod proto;
pub mod tagged;

use crate::diagnostic::{Edit, Span};

/// One TXT record taken from one input line.
#[derive(Clone, Debug)]
pub struct TxtRecord {
    /// The whole input line (without its terminator).
    pub line: Span,
    /// The record data: the concatenated character-strings.
    pub data: Vec<u8>,
    /// Each character-string, as spans of `data`. One span for a raw value.
    pub strings: Vec<Span>,
    /// For presentation format, the source bytes of each byte of `data` (an escape
    /// spans several); empty for a raw line, where offsets map by adding `line.start`.
    origin: Vec<Span>,
    presentation: bool,
    /// A presentation-format syntax error: where, and what is wrong.
    pub syntax_error: Option<(Span, &'static str)>,
}

impl TxtRecord {
    /// A record whose data is `data` verbatim (the raw value of a TXT record).
    pub fn raw(data: &[u8]) -> TxtRecord {
        TxtRecord {
            line: Span::new(0, data.len()),
            data: data.to_vec(),
            strings: vec![Span::new(0, data.len())],
            origin: Vec::new(),
            presentation: false,
            syntax_error: None,
        }
    }

    pub fn is_presentation(&self) -> bool {
        self.presentation
    }

    /// Source offset of a data offset.
    pub fn to_source(&self, offset: usize) -> usize {
        if !self.presentation {
            return self.line.start + offset;
        }
        match self.origin.get(offset) {
            Some(o) => o.start,
            None => self.origin.last().map_or(self.line.start + 1, |o| o.end),
        }
    }

    /// A data span as a source span.
    pub fn span_to_source(&self, span: Span) -> Span {
        if !self.presentation {
            return span.shift(self.line.start);
        }
        let start = self.to_source(span.start);
        let end = if span.end > span.start {
            self.origin.get(span.end - 1).map_or(start, |o| o.end)
        } else {
            start
        };
        Span::new(start, end.max(start))
    }

    /// An edit of the data as an edit of the source: quotes and backslashes in the
    /// replacement are escaped when the record is in presentation format.
    pub fn edit_to_source(&self, edit: &Edit) -> Edit {
        let span = self.span_to_source(edit.span);
        let replacement = if self.is_presentation() {
            edit.replacement.replace('\\', "\\\\").replace('"', "\\\"")
        } else {
            edit.replacement.clone()
        };
        Edit { span, replacement }
    }
}

/// Split input into records: one per non-blank line. A line that is a whole zone-file or
/// `dig` resource record (`_mta-sts.example.com. 300 IN TXT "v=STSv1; id=1"`) counts by
/// its TXT data; when such lines are present, `;` comment lines and other record types
/// are skipped, as in a zone file.
pub fn records(src: &[u8]) -> Vec<TxtRecord> {
    let lines: Vec<Span> = lines(src)
        .filter(|l| !src[l.start..l.end].iter().all(u8::is_ascii_whitespace))
        .collect();
    let zone_like = lines.iter().any(|l| crate::zone::parse_rr_line(src, *l).is_some());
    let mut out = Vec::new();
    for span in lines {
        let line = &src[span.start..span.end];
        if zone_like {
            if line.trim_ascii_start().first() == Some(&b';') {
                continue;
            }
            if let Some(rr) = crate::zone::parse_rr_line(src, span) {
                if rr.rtype.eq_ignore_ascii_case("TXT") {
                    out.push(presentation(src, rr.rdata));
                }
                continue;
            }
        }
        if line.first() == Some(&b'"') {
            out.push(presentation(src, span));
        } else {
            out.push(TxtRecord {
                line: span,
                data: line.to_vec(),
                strings: vec![Span::new(0, line.len())],
                origin: Vec::new(),
                presentation: false,
                syntax_error: None,
            });
        }
    }
    out
}

/// TXT data in zone-file presentation format: quoted character-strings of at most 255
/// bytes, `"` and `\\` escaped, bytes outside printable ASCII as `\\DDD`.
pub fn to_presentation(data: &[u8]) -> String {
    let chunks: Vec<&[u8]> = if data.is_empty() {
        vec![&[][..]]
    } else {
        data.chunks(255).collect()
    };
    quote_strings(&chunks)
}

/// Character-strings in presentation format (RFC 1035 §5.1): each quoted, separated by a
/// space, `"` and `\\` escaped, bytes outside printable ASCII as `\\DDD`.
pub fn quote_strings(strings: &[&[u8]]) -> String {
    let mut out = String::new();
    for (i, s) in strings.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push('"');
        for &b in *s {
            match b {
                b'"' | b'\\' => {
                    out.push('\\');
                    out.push(b as char);
                }
                0x20..=0x7e => out.push(b as char),
                _ => out.push_str(&format!("\\{b:03}")),
            }
        }
        out.push('"');
    }
    out
}

/// Lines of `src` without terminators (a CR before LF is dropped).
pub fn lines(src: &[u8]) -> impl Iterator<Item = Span> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= src.len() {
            return None;
        }
        let end = src[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(src.len(), |i| pos + i);
        let content_end = if end > pos && src[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        let span = Span::new(pos, content_end);
        pos = end + 1;
        Some(span)
    })
}

/// Decode one line of presentation format.
pub(crate) fn presentation(src: &[u8], line: Span) -> TxtRecord {
    let mut data = Vec::new();
    let mut origin = Vec::new();
    let mut strings = Vec::new();
    let mut syntax_error = None;
    let mut i = line.start;
    let end = line.end;
    'outer: while i < end {
        match src[i] {
            // Parentheses group lines in zone files; outside quotes they are layout.
            b' ' | b'\t' | b'\r' | b'\n' | b'(' | b')' => i += 1,
            b';' => break, // a zone-file comment
            quote_or_char => {
                let quoted = quote_or_char == b'"';
                let open = i;
                if quoted {
                    i += 1;
                }
                let start = data.len();
                loop {
                    if i >= end {
                        if quoted {
                            syntax_error = Some((Span::new(open, end), "the quoted string is not closed"));
                            strings.push(Span::new(start, data.len()));
                            break 'outer;
                        }
                        break;
                    }
                    let b = src[i];
                    if quoted && b == b'"' {
                        i += 1;
                        break;
                    }
                    if !quoted && matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b';' | b'"' | b'(' | b')') {
                        break;
                    }
                    if b == b'\\' {
                        let esc = i;
                        match src.get(i + 1).copied().filter(|_| i + 1 < end) {
                            Some(d) if d.is_ascii_digit() => {
                                let digits = &src[i + 1..(i + 4).min(end)];
                                let value = (digits.len() == 3 && digits.iter().all(u8::is_ascii_digit))
                                    .then(|| digits.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
                                    .filter(|&v| v <= 255);
                                match value {
                                    Some(v) => {
                                        data.push(v as u8);
                                        origin.push(Span::new(esc, esc + 4));
                                        i += 4;
                                    }
                                    None => {
                                        syntax_error.get_or_insert((
                                            Span::new(esc, (esc + 4).min(end)),
                                            "`\\DDD` needs three decimal digits from 000 to 255",
                                        ));
                                        i += 2;
                                    }
                                }
                            }
                            Some(c) => {
                                data.push(c);
                                origin.push(Span::new(esc, esc + 2));
                                i += 2;
                            }
                            None => {
                                syntax_error.get_or_insert((Span::new(esc, esc + 1), "a `\\` ends the line"));
                                i += 1;
                            }
                        }
                        continue;
                    }
                    data.push(b);
                    origin.push(Span::new(i, i + 1));
                    i += 1;
                }
                strings.push(Span::new(start, data.len()));
            }
        }
    }
    TxtRecord {
        line,
        data,
        strings,
        origin,
        presentation: true,
        syntax_error,
    }
}
