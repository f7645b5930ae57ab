//! A lossless tokenizer for `v=...; name=value; ...` records (RFC 8461 §3.1 and
//! RFC 8460 §3 share this shape). It never fails: it records every deviation from the
//! grammar so that rules can name it, and splits `a=1 b=2` into two fields so that one
//! missing `;` gives one finding.

use crate::diagnostic::Span;
use crate::text::is_wsp;

/// A `name=value` field. `name` and `value` exclude WSP around `=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub span: Span,
    pub name: Span,
    /// The `=`; `None` when the field has none.
    pub eq: Option<usize>,
    pub value: Span,
    /// WSP stood between the name and `=`, or between `=` and the value.
    pub wsp_around_eq: bool,
}

/// The tokenized record. All spans are offsets into the record data.
#[derive(Clone, Debug, Default)]
pub struct Tagged {
    /// WSP before the first field.
    pub leading_wsp: Option<Span>,
    /// Fields in order; the first is where the version belongs.
    pub fields: Vec<Field>,
    /// An extra `;` with the WSP after it (`;;`): delete the span to fix.
    pub empty_fields: Vec<Span>,
    /// The final `;` when nothing follows it but WSP.
    pub trailing_semicolon: Option<usize>,
    /// WSP at the end that is not followed by `;`.
    pub trailing_wsp: Option<Span>,
    /// WSP right before a `;`, with the index of the field it follows.
    pub wsp_before_semicolon: Vec<(usize, Span)>,
    /// Where a `;` is missing between two fields on one segment (index of the later field).
    pub missing_semicolons: Vec<(usize, usize)>,
    /// Text after a value, separated by WSP, that is not a field.
    pub garbage: Vec<Span>,
}

/// Tokenize `data[range]` (spans stay offsets into `data`). `list_fields` names fields
/// whose value is a comma list that may have WSP around the commas (`rua`).
pub fn tokenize(data: &[u8], range: Span, list_fields: &[&[u8]]) -> Tagged {
    let data = &data[..range.end];
    let mut t = Tagged::default();
    let lead = data[range.start..].iter().take_while(|b| is_wsp(**b)).count();
    if lead > 0 {
        t.leading_wsp = Some(Span::new(range.start, range.start + lead));
    }
    let mut pos = range.start + lead;
    let mut first_segment = true;
    loop {
        let semi = data[pos..].iter().position(|&b| b == b';').map(|i| pos + i);
        let seg_end = semi.unwrap_or(data.len());
        let seg = &data[pos..seg_end];
        let inner_start = pos + seg.iter().take_while(|b| is_wsp(**b)).count();
        let inner_end = (seg_end - seg.iter().rev().take_while(|b| is_wsp(**b)).count()).max(inner_start);
        if inner_start == inner_end {
            match semi {
                // WSP only after the last `;`: the optional trailing delimiter.
                None if !first_segment => t.trailing_semicolon = Some(pos.saturating_sub(1)),
                None => {}
                Some(s) if first_segment => t.empty_fields.push(Span::new(pos, s + 1)),
                Some(s) => {
                    // `;;`: the second `;` and the WSP after it are extra.
                    let after = data[s + 1..].iter().take_while(|b| is_wsp(**b)).count();
                    t.empty_fields.push(Span::new(s, s + 1 + after));
                }
            }
        } else {
            let first_field = t.fields.len();
            split_segment(data, Span::new(inner_start, inner_end), list_fields, &mut t);
            if inner_end < seg_end {
                let wsp = Span::new(inner_end, seg_end);
                if semi.is_some() {
                    t.wsp_before_semicolon
                        .push((t.fields.len().saturating_sub(1).max(first_field), wsp));
                } else {
                    t.trailing_wsp = Some(wsp);
                }
            }
        }
        first_segment = false;
        match semi {
            Some(s) => pos = s + 1,
            None => break,
        }
    }
    t
}

/// Split the text between two `;` into fields, noting missing `;` and stray text.
fn split_segment(data: &[u8], inner: Span, list_fields: &[&[u8]], t: &mut Tagged) {
    // Words separated by WSP.
    let mut words: Vec<Span> = Vec::new();
    let mut i = inner.start;
    while i < inner.end {
        if is_wsp(data[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < inner.end && !is_wsp(data[i]) {
            i += 1;
        }
        words.push(Span::new(start, i));
    }
    let text = |s: Span| &data[s.start..s.end];
    let mut w = 0;
    let mut first = true;
    while w < words.len() {
        let start = words[w];
        let mut end = start;
        let mut wsp_around_eq = false;
        w += 1;
        // `name = value`, `name =value`, `name= value`
        let has_eq = text(start).contains(&b'=');
        if !has_eq && w < words.len() && text(words[w]).first() == Some(&b'=') {
            wsp_around_eq = true;
            end = words[w];
            w += 1;
            if text(end) == b"=" && w < words.len() {
                end = words[w];
                w += 1;
            }
        } else if has_eq
            && text(start).last() == Some(&b'=')
            && text(start).iter().filter(|&&b| b == b'=').count() == 1
            && w < words.len()
            && !text(words[w]).contains(&b'=')
        {
            wsp_around_eq = true;
            end = words[w];
            w += 1;
        }
        let span = Span::new(start.start, end.end);
        let field_text = &data[span.start..span.end];
        let eq = field_text.iter().position(|&b| b == b'=').map(|p| span.start + p);
        let (name, value) = match eq {
            Some(e) => {
                let name_end = e - data[span.start..e].iter().rev().take_while(|b| is_wsp(**b)).count();
                let value_start = e + 1 + data[e + 1..span.end].iter().take_while(|b| is_wsp(**b)).count();
                (Span::new(span.start, name_end), Span::new(value_start, span.end))
            }
            None => (span, Span::at(span.end)),
        };
        // A list value continues across WSP next to a comma.
        let mut field = Field {
            span,
            name,
            eq,
            value,
            wsp_around_eq,
        };
        if eq.is_some() && list_fields.contains(&text(name)) {
            while w < words.len() && (data[field.span.end - 1] == b',' || text(words[w]).first() == Some(&b',')) {
                field.span.end = words[w].end;
                field.value.end = words[w].end;
                w += 1;
            }
        }
        if first {
            t.fields.push(field);
            first = false;
        } else if eq.is_some() {
            t.missing_semicolons
                .push((t.fields.len(), t.fields.last().map_or(span.start, |f| f.span.end)));
            t.fields.push(field);
        } else {
            t.garbage.push(span);
        }
    }
}

impl Tagged {
    /// Fields after the first (the first is the version's place).
    pub fn rest(&self) -> &[Field] {
        self.fields.get(1..).unwrap_or_default()
    }
}
