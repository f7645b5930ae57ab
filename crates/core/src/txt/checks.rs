//! Checks that the `_mta-sts` and `_smtp._tls` records share. Each rule file of either
//! protocol calls one of these with its own `RULE`, so both protocols word the same
//! mistake the same way.

use super::proto::{RecordCx, Role, SetCx};
use crate::diagnostic::{Edit, Fix, Severity, Sink, Span};
use crate::rule::Rule;
use crate::text::{is_ext_name, is_txt_ext_value, show};

pub fn zone_syntax(cx: &SetCx, out: &mut Sink, rule: &'static Rule) {
    for rec in cx.records {
        if let Some((span, why)) = rec.syntax_error {
            out.report(rule, span, format!("zone-file text: {why}"));
        }
    }
}

pub fn leading_wsp(cx: &RecordCx, out: &mut Sink, rule: &'static Rule) {
    if let Some(span) = cx.t.leading_wsp {
        out.report_fix(
            rule,
            span,
            format!(
                "the record starts with whitespace; it must begin with `{}`",
                show(cx.proto.version)
            ),
            Fix::one("remove the leading whitespace", Edit::delete(span)),
        );
    }
}

/// The first field, when it is meant to be the version (its name is `v` in any case).
fn version_like<'a>(cx: &'a RecordCx) -> Option<&'a super::tagged::Field> {
    cx.t.fields
        .first()
        .filter(|f| cx.text(f.name).eq_ignore_ascii_case(b"v"))
}

pub fn version_not_first(cx: &RecordCx, out: &mut Sink, rule: &'static Rule) {
    if cx.t.fields.is_empty() || version_like(cx).is_some() {
        return;
    }
    if let Some(f) = cx.t.rest().iter().find(|f| cx.text(f.name).eq_ignore_ascii_case(b"v")) {
        out.report(
            rule,
            f.span,
            format!(
                "`{}` is not the first field; the record must begin with `{}`",
                show(cx.text(f.span)),
                show(cx.proto.version)
            ),
        );
    }
}

pub fn version_invalid(cx: &RecordCx, out: &mut Sink, rule: &'static Rule) {
    let want = cx.proto.version;
    let Some(first) = cx.t.fields.first() else {
        out.report(
            rule,
            Span::at(0),
            format!("the record is empty; it must begin with `{}`", show(want)),
        );
        return;
    };
    let Some(f) = version_like(cx) else {
        // Not a version at all; if one comes later, version_not_first says so.
        let later = cx.t.rest().iter().any(|f| cx.text(f.name).eq_ignore_ascii_case(b"v"));
        if !later {
            out.report(
                rule,
                first.span,
                format!(
                    "the record must begin with `{}`, not `{}`",
                    show(want),
                    show(cx.text(first.span))
                ),
            );
        }
        return;
    };
    let text = cx.text(f.span);
    let value = cx.text(f.value);
    let want_value = cx.proto.version_value.as_bytes();
    if text == want {
        // Right text; is it followed by a delimiter?
        if let Some((_, at)) = cx.t.missing_semicolons.iter().find(|(i, _)| *i == 1) {
            out.report_fix(
                rule,
                f.span,
                format!("`{}` must be followed by `;`", show(want)),
                Fix::one("insert `;` after the version", Edit::insert(*at, ";")),
            );
        }
        return;
    }
    if f.wsp_around_eq && value == want_value && cx.text(f.name) == b"v" {
        out.report_fix(
            rule,
            f.span,
            format!("`{}` has whitespace around `=`; write `{}`", show(text), show(want)),
            Fix::one(
                "remove the whitespace",
                Edit::replace(f.span, String::from_utf8_lossy(want)),
            ),
        );
    } else if value.eq_ignore_ascii_case(want_value) {
        out.report_fix(
            rule,
            f.span,
            format!(
                "`{}` is not `{}`: the version is case-sensitive",
                show(text),
                show(want)
            ),
            Fix::one(
                format!("write `{}`", show(want)),
                Edit::replace(f.span, String::from_utf8_lossy(want)),
            ),
        );
    } else {
        out.report(
            rule,
            f.span,
            format!("the version must be exactly `{}`, not `{}`", show(want), show(text)),
        );
    }
}

pub fn no_fields(cx: &RecordCx, out: &mut Sink, rule: &'static Rule) {
    if version_like(cx).is_some() && cx.t.fields.len() == 1 && cx.t.garbage.is_empty() {
        let end = cx.data.len();
        out.report(
            rule,
            Span::new(0, end),
            format!("nothing follows the version; the record needs `{}=`", cx.proto.required),
        );
    }
}

pub fn empty_field(cx: &RecordCx, out: &mut Sink, rule: &'static Rule) {
    for &span in &cx.t.empty_fields {
        out.report_fix(
            rule,
            span,
            "an empty field (`;;`); only one trailing `;` is allowed",
            Fix::one("remove the extra `;`", Edit::delete(span)),
        );
    }
}

pub fn trailing_garbage(cx: &RecordCx, out: &mut Sink, rule: &'static Rule) {
    for &span in &cx.t.garbage {
        out.report(
            rule,
            span,
            format!(
                "`{}` follows a value without `;`; fields are `name=value` separated by `;`",
                show(cx.text(span))
            ),
        );
    }
    for &(index, at) in &cx.t.missing_semicolons {
        if index == 1 && version_like(cx).is_some() {
            continue; // the version's own missing `;` is reported as an invalid version
        }
        let field = cx.t.fields[index];
        out.report_fix(
            rule,
            field.span,
            format!("`{}` follows the previous field without `;`", show(cx.text(field.span))),
            Fix::one("insert `;`", Edit::insert(at, ";")),
        );
    }
    if let Some(span) = cx.t.trailing_wsp {
        out.report_fix(
            rule,
            span,
            "whitespace at the end of the record; WSP is allowed only around `;`",
            Fix::one("remove the trailing whitespace", Edit::delete(span)),
        );
    }
}

pub fn field_syntax(cx: &RecordCx, out: &mut Sink, rule: &'static Rule) {
    for f in cx.t.rest() {
        if f.eq.is_none() {
            out.report(
                rule,
                f.span,
                format!("`{}` is not a `name=value` field", show(cx.text(f.span))),
            );
        } else if f.wsp_around_eq {
            let fixed = format!(
                "{}={}",
                String::from_utf8_lossy(cx.text(f.name)),
                String::from_utf8_lossy(cx.text(f.value))
            );
            out.report_fix(
                rule,
                f.span,
                format!("`{}` has whitespace around `=`", show(cx.text(f.span))),
                Fix::one("remove the whitespace", Edit::replace(f.span, fixed)),
            );
        }
    }
}

/// Extension fields: fields after the version, well-formed, not the registered one.
fn extensions<'a>(cx: &'a RecordCx) -> impl Iterator<Item = &'a super::tagged::Field> + 'a {
    cx.t.rest()
        .iter()
        .filter(|f| f.eq.is_some() && !f.wsp_around_eq && cx.text(f.name) != cx.proto.required.as_bytes())
}

pub fn ext_name_invalid(cx: &RecordCx, out: &mut Sink, rule: &'static Rule) {
    for f in extensions(cx) {
        let name = cx.text(f.name);
        if !is_ext_name(name) {
            let why = if name.is_empty() {
                "is empty".to_string()
            } else if name.len() > 32 {
                format!("is {} characters long (at most 32)", name.len())
            } else {
                "must start with a letter or digit and use only letters, digits, `_`, `-` and `.`".to_string()
            };
            out.report(rule, f.name, format!("field name `{}` {why}", show(name)));
        }
    }
}

pub fn ext_value_invalid(cx: &RecordCx, out: &mut Sink, rule: &'static Rule) {
    for f in extensions(cx) {
        let name = cx.text(f.name);
        if !is_ext_name(name) || cx.text(f.name).eq_ignore_ascii_case(b"v") {
            continue;
        }
        let value = cx.text(f.value);
        // Non-ASCII is reported on its own; judge the rest.
        // MTA-STS reports non-ASCII under a rule of its own; TLS-RPT has none.
        let ascii: Vec<u8> = value
            .iter()
            .copied()
            .filter(|b| b.is_ascii() || !cx.proto.non_ascii_rule)
            .collect();
        if value.is_empty() {
            out.report(rule, f.span, format!("`{}=` has no value", show(name)));
        } else if !ascii.is_empty() && !is_txt_ext_value(&ascii) {
            let bad = value
                .iter()
                .position(|&b| (b.is_ascii() || !cx.proto.non_ascii_rule) && (!(0x21..=0x7e).contains(&b) || b == b'='))
                .unwrap_or(0);
            let at = f.value.start + bad;
            out.report(
                rule,
                Span::new(at, at + 1),
                format!(
                    "`{}` in the value of `{}` is not allowed: values exclude `=`, `;`, spaces and control characters",
                    show(&value[bad..bad + 1]),
                    show(name)
                ),
            );
        }
    }
}

pub fn unknown_field(cx: &RecordCx, out: &mut Sink, rule: &'static Rule) {
    for f in extensions(cx) {
        let name = cx.text(f.name);
        let value: Vec<u8> = cx
            .text(f.value)
            .iter()
            .copied()
            .filter(|b| b.is_ascii() || !cx.proto.non_ascii_rule)
            .collect();
        if is_ext_name(name) && !name.eq_ignore_ascii_case(b"v") && is_txt_ext_value(&value) {
            let hint = if name.eq_ignore_ascii_case(cx.proto.required.as_bytes()) {
                format!("; names are case-sensitive, so this is not `{}`", cx.proto.required)
            } else {
                String::new()
            };
            out.report(rule, f.span, format!("unknown field `{}` is ignored{hint}", show(name)));
        }
    }
}

pub fn wsp_before_semicolon(cx: &RecordCx, out: &mut Sink, rule: &'static Rule) {
    if version_like(cx).is_none() {
        return;
    }
    for &(index, span) in &cx.t.wsp_before_semicolon {
        if index == 0 {
            out.report_fix(
                rule,
                span,
                format!(
                    "whitespace before `;` means the record does not begin with `{}`; with other TXT records at the same name, senders discard it",
                    show(cx.proto.prefix)
                ),
                Fix::one("remove the whitespace", Edit::delete(span)),
            );
        }
    }
}

// --- RRset rules -------------------------------------------------------------------

pub fn not_found(cx: &SetCx, out: &mut Sink, rule: &'static Rule) {
    if cx.roles.contains(&Role::Candidate) {
        return;
    }
    let span = cx.records.first().map_or(Span::new(0, cx.src.len()), |r| r.line);
    let message = if cx.records.is_empty() {
        format!("no TXT record given: senders see no {} record", cx.proto.name)
    } else {
        format!(
            "no record begins with `{}`: senders see no {} record",
            show(cx.proto.prefix),
            cx.proto.name
        )
    };
    out.report(rule, span, message);
}

pub fn multiple(cx: &SetCx, out: &mut Sink, rule: &'static Rule) {
    let n = cx.candidates().count();
    if n > 1 {
        for rec in cx.candidates().skip(1) {
            out.report(
                rule,
                rec.line,
                format!(
                    "{n} records begin with `{}`; with more than one, senders act as if the domain had no {} record",
                    show(cx.proto.prefix),
                    cx.proto.name
                ),
            );
        }
    }
}

pub fn unrelated_record(cx: &SetCx, out: &mut Sink, rule: &'static Rule) {
    if cx.records.len() < 2 {
        return;
    }
    for (rec, role) in cx.records.iter().zip(cx.roles) {
        if *role == Role::Unrelated {
            out.report(
                rule,
                rec.line,
                format!(
                    "`{}` is not a {} record; senders discard it",
                    show(&rec.data),
                    cx.proto.name
                ),
            );
        }
    }
}

pub fn multi_string(cx: &SetCx, out: &mut Sink, rule: &'static Rule) {
    for rec in cx.records {
        if rec.strings.len() < 2 {
            continue;
        }
        let inside_token = rec.strings.windows(2).find(|w| {
            let (a, b) = (w[0], w[1]);
            let before = a.end.checked_sub(1).map(|i| rec.data[i]);
            let after = rec.data.get(b.start).copied();
            matches!((before, after), (Some(x), Some(y)) if !matches!(x, b';' | b',' | b' ' | b'\t') && !matches!(y, b';' | b',' | b' ' | b'\t'))
        });
        match inside_token {
            Some(w) => {
                let at = rec.span_to_source(Span::new(w[0].end.saturating_sub(1), w[1].start + 1));
                out.report_as(
                    rule,
                    Severity::Warning,
                    at,
                    format!(
                        "the strings are joined without a space, so a value runs across the break: the record reads `{}`",
                        show(&rec.data)
                    ),
                );
            }
            None => {
                out.report(
                    rule,
                    rec.line,
                    format!(
                        "{} strings are joined without spaces into `{}`",
                        rec.strings.len(),
                        show(&rec.data)
                    ),
                );
            }
        }
    }
}
