//! Text output: the source with each finding marked under it, then a verdict line.

use annotate_snippets::{AnnotationKind, Group, Level, Patch, Renderer, Snippet};
use mtasts_core::{Diagnostic, Report, Severity};
use std::io::{IsTerminal, Write};

/// The source as text with the same byte offsets: invalid UTF-8 and control bytes
/// become `?`, a byte order mark becomes the three letters `BOM`.
fn displayable(src: &[u8]) -> String {
    let mut bytes = src.to_vec();
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes[..3].copy_from_slice(b"BOM");
    }
    for i in 0..bytes.len() {
        let b = bytes[i];
        if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            bytes[i] = b' '; // CRLF: show the line, not a CR symbol
        } else if (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f {
            bytes[i] = b'?';
        }
    }
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes.as_slice();
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                let n = e.error_len().unwrap_or(bad.len());
                out.extend(std::iter::repeat_n('?', n));
                rest = &bad[n..];
            }
        }
    }
    out
}

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// The lines that hold `start..end`, as (offset of the first line, its 1-based number).
fn window(text: &str, start: usize, end: usize) -> (usize, usize, usize) {
    let from = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let to = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let line = text[..from].matches('\n').count() + 1;
    (from, to, line)
}

pub fn text(out: &mut impl Write, name: &str, src: &[u8], report: &Report) -> std::io::Result<()> {
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let text = displayable(src);
    for d in &report.diagnostics {
        writeln!(out, "{}", renderer.render(&group(d, name, &text)))?;
    }
    if report.suppressed > 0 {
        writeln!(
            out,
            "({} more findings of rules that fired over 100 times were left out)",
            report.suppressed
        )?;
    }
    let (e, w, i) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info),
    );
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    writeln!(
        out,
        "{name}: {} ({}, {}, {})",
        report.summary(),
        plural(e, "error"),
        plural(w, "warning"),
        plural(i, "note")
    )?;
    Ok(())
}

fn group<'a>(d: &'a Diagnostic, name: &'a str, text: &'a str) -> Vec<Group<'a>> {
    let start = d.span.start.min(text.len());
    let end = d.span.end.clamp(start, text.len());
    // Snap to char boundaries (the text keeps byte offsets, but a span may split a char).
    let start = (0..=start).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    let end = (end..=text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    let (from, to, line) = window(text, start, end);
    let source = &text[from..to];
    let title = format!("{} [{}]", d.message, d.rule.code);
    let mut groups = vec![
        level(d.severity)
            .primary_title(title)
            .element(
                Snippet::source(source)
                    .line_start(line)
                    .path(name)
                    .annotation(AnnotationKind::Primary.span(start - from..end - from)),
            )
            .element(Level::NOTE.message(format!("{} · `mtasts rules {}`", d.rule.rfc, d.rule.code))),
    ];
    if let Some(fix) = &d.fix {
        let inside = fix.edits.iter().all(|e| {
            e.span.start >= from
                && e.span.end <= to
                && text.is_char_boundary(e.span.start)
                && text.is_char_boundary(e.span.end)
        });
        let help = Level::HELP.secondary_title(fix.title.clone());
        if inside {
            let mut snippet = Snippet::source(source).line_start(line).path(name);
            for e in &fix.edits {
                snippet = snippet.patch(Patch::new(
                    e.span.start - from..e.span.end - from,
                    e.replacement.clone(),
                ));
            }
            groups.push(help.element(snippet));
        } else {
            groups.push(Group::with_title(help));
        }
    }
    groups
}
