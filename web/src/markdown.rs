//! The small Markdown subset rule docs are written in: paragraphs, `*` lists, fenced code
//! blocks, and inline code, `*emphasis*` and `**strong**`. Parsing is separate from
//! rendering so it can be tested without a browser.

use yew::{Html, html};

/// A block of a doc section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    List(Vec<Vec<Inline>>),
    /// A fenced block; `info` is the text after the opening fence (e.g. `policy mx=a`).
    Code {
        info: String,
        body: String,
    },
}

/// A run of text inside a paragraph or list item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Code(String),
    Emphasis(String),
    Strong(String),
}

/// Split a section into blocks.
pub fn blocks(section: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut items: Vec<String> = Vec::new();
    let mut lines = section.lines();
    let flush = |out: &mut Vec<Block>, paragraph: &mut Vec<&str>, items: &mut Vec<String>| {
        if !paragraph.is_empty() {
            out.push(Block::Paragraph(inlines(&paragraph.join(" "))));
            paragraph.clear();
        }
        if !items.is_empty() {
            out.push(Block::List(items.iter().map(|i| inlines(i)).collect()));
            items.clear();
        }
    };
    while let Some(line) = lines.next() {
        let trimmed = line.trim();
        if let Some(info) = trimmed.strip_prefix("```") {
            flush(&mut out, &mut paragraph, &mut items);
            let mut body = String::new();
            for code_line in lines.by_ref() {
                if code_line.trim_start().starts_with("```") {
                    break;
                }
                body.push_str(code_line);
                body.push('\n');
            }
            out.push(Block::Code {
                info: info.trim().to_string(),
                body,
            });
        } else if trimmed.is_empty() {
            flush(&mut out, &mut paragraph, &mut items);
        } else if let Some(item) = trimmed.strip_prefix("* ").or_else(|| trimmed.strip_prefix("- ")) {
            if !paragraph.is_empty() {
                flush(&mut out, &mut paragraph, &mut Vec::new());
            }
            items.push(item.to_string());
        } else if let Some(last) = items.last_mut().filter(|_| line.starts_with(' ')) {
            last.push(' ');
            last.push_str(trimmed);
        } else {
            if !items.is_empty() {
                flush(&mut out, &mut Vec::new(), &mut items);
            }
            paragraph.push(trimmed);
        }
    }
    flush(&mut out, &mut paragraph, &mut items);
    out
}

/// Split a paragraph into text, `code`, *emphasis* and **strong** runs. Unclosed markers
/// stay as text.
pub fn inlines(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let taken = match c {
            '`' => rest[1..]
                .find('`')
                .map(|end| (Inline::Code(rest[1..1 + end].to_string()), end + 2)),
            '*' if rest.starts_with("**") => rest[2..]
                .find("**")
                .filter(|&end| end > 0)
                .map(|end| (Inline::Strong(rest[2..2 + end].to_string()), end + 4)),
            '*' => rest[1..]
                .find('*')
                .filter(|&end| end > 0 && !rest[1..].starts_with(' '))
                .map(|end| (Inline::Emphasis(rest[1..1 + end].to_string()), end + 2)),
            _ => None,
        };
        match taken {
            Some((inline, len)) => {
                if !plain.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut plain)));
                }
                out.push(inline);
                rest = &rest[len..];
            }
            None => {
                plain.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !plain.is_empty() {
        out.push(Inline::Text(plain));
    }
    out
}

/// True for a code block that `doc_examples` counts: a linter input (`policy`, `sts`,
/// `tlsrpt`, `zone`) or recorded evidence (`fetch`, `probe`).
pub fn is_example(info: &str) -> bool {
    matches!(
        info.split_whitespace().next(),
        Some("policy" | "sts" | "tlsrpt" | "zone" | "fetch" | "probe")
    )
}

/// Inline runs as HTML.
pub fn inline_html(inlines: Vec<Inline>) -> Html {
    html! {
        { for inlines.into_iter().map(|i| match i {
            Inline::Text(t) => html! { { t } },
            Inline::Code(c) => html! { <code>{ c }</code> },
            Inline::Emphasis(t) => html! { <em>{ t }</em> },
            Inline::Strong(t) => html! { <strong>{ t }</strong> },
        }) }
    }
}

/// One line of text with `code` spans (messages, titles, notes) as HTML.
pub fn rich(text: &str) -> Html {
    inline_html(inlines(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn paragraphs_lists_and_code() {
        let doc = "Whether the `mx` field is\nthere.\n\nIt fires for:\n\n* one\n  continued;\n* two.\n\n```policy mx=a\nversion: STSv1\\r\n```\nAfter.";
        let b = blocks(doc);
        assert_eq!(b.len(), 5, "{b:?}");
        assert_eq!(
            b[0],
            Block::Paragraph(vec![
                Inline::Text("Whether the ".into()),
                Inline::Code("mx".into()),
                Inline::Text(" field is there.".into()),
            ])
        );
        assert_eq!(
            b[2],
            Block::List(vec![
                vec![Inline::Text("one continued;".into())],
                vec![Inline::Text("two.".into())],
            ])
        );
        assert_eq!(
            b[3],
            Block::Code {
                info: "policy mx=a".into(),
                body: "version: STSv1\\r\n".into()
            }
        );
        assert!(is_example("policy mx=a"));
        assert!(!is_example("sh"));
        assert!(!is_example(""));
    }

    #[test]
    fn emphasis_and_unclosed_markers() {
        assert_eq!(
            inlines("save *without* BOM, **never** `*.x` or a * b"),
            vec![
                Inline::Text("save ".into()),
                Inline::Emphasis("without".into()),
                Inline::Text(" BOM, ".into()),
                Inline::Strong("never".into()),
                Inline::Text(" ".into()),
                Inline::Code("*.x".into()),
                Inline::Text(" or a * b".into()),
            ]
        );
        assert_eq!(inlines("`open"), vec![Inline::Text("`open".into())]);
    }

    #[test]
    fn every_rule_doc_parses_and_its_examples_line_up() {
        use mtasts_core::rule::Section;
        for rule in mtasts_core::rules::all() {
            // The tests build the engine with its `docs` feature (a dev-dependency).
            assert!(!rule.doc.is_empty(), "{} has no doc in this build", rule.code);
            let mut examples = 0;
            for section in [Section::Example, Section::HowToFix] {
                examples += blocks(rule.section(section))
                    .iter()
                    .filter(|b| matches!(b, Block::Code { info, .. } if is_example(info)))
                    .count();
            }
            assert_eq!(examples, rule.examples().len(), "{}", rule.code);
            assert!(!rule.title().is_empty());
        }
    }
}
