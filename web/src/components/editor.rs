use crate::editor_text::{self, Content, Mark, Piece, PieceKind};
use crate::state::Action;
use mtasts_core::Severity;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{ClipboardEvent, HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

/// Line height of the editor in CSS pixels; must match `--editor-line` in style.css
/// (the gutter and the marks are laid out line by line behind the textarea).
const LINE_PX: i32 = 20;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub text: Rc<String>,
    /// Bumps when the text was replaced from outside: reload the textarea.
    pub loaded: u64,
    pub caret: Option<usize>,
    pub marks: Rc<Vec<Mark>>,
    pub selected: Option<usize>,
    /// Bumps when the selected diagnostic should be scrolled into view.
    pub reveal: u64,
    /// Large input: no inline marks or line numbers, so typing stays quick.
    pub large: bool,
    pub dispatch: Callback<Action>,
    /// Id of the text describing the editor (for screen readers).
    pub described_by: AttrValue,
}

/// The input: a plain textarea over a layer that draws the marks, with line numbers and
/// an icon per line with findings in the gutter. The page owns the exact text (CRs
/// included); the textarea only shows it, see `editor_text`.
#[component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let textarea = use_node_ref();
    let layer = use_node_ref();
    let gutter = use_node_ref();

    // Reload the textarea when the text came from elsewhere (a fix, a link, an example).
    {
        let textarea = textarea.clone();
        let text = props.text.clone();
        let caret = props.caret;
        use_effect_with(props.loaded, move |_| {
            if let Some(ta) = textarea.cast::<HtmlTextAreaElement>() {
                ta.set_value(&text);
                if let Some(caret) = caret.and_then(|c| u32::try_from(c).ok()) {
                    let _ = ta.set_selection_range(caret, caret);
                }
            }
        });
    }

    // Scroll the selected finding into view.
    {
        let textarea = textarea.clone();
        let text = props.text.clone();
        let marks = props.marks.clone();
        let selected = props.selected;
        use_effect_with(props.reveal, move |_| {
            let mark = selected.and_then(|i| marks.iter().find(|m| m.index == i));
            if let (Some(ta), Some(mark)) = (textarea.cast::<HtmlTextAreaElement>(), mark) {
                let starts = editor_text::line_starts(&text);
                let line = editor_text::line_of(&starts, mark.span.start) as i32;
                let top = ((line - 1) * LINE_PX - ta.client_height() / 3).max(0);
                ta.set_scroll_top(top);
                ta.set_scroll_left(0);
            }
        });
    }

    // The layer and the gutter follow the textarea's scrolling, also after each render
    // (new content may change what is scrolled where).
    let sync_scroll = {
        let textarea = textarea.clone();
        let layer = layer.clone();
        let gutter = gutter.clone();
        move || {
            let Some(ta) = textarea.cast::<HtmlTextAreaElement>() else {
                return;
            };
            if let Some(layer) = layer.cast::<HtmlElement>() {
                layer.set_scroll_top(ta.scroll_top());
                layer.set_scroll_left(ta.scroll_left());
            }
            if let Some(gutter) = gutter.cast::<HtmlElement>() {
                gutter.set_scroll_top(ta.scroll_top());
            }
        }
    };
    {
        let sync_scroll = sync_scroll.clone();
        use_effect(sync_scroll);
    }
    let onscroll = Callback::from(move |_: Event| sync_scroll());

    let oninput = props.dispatch.reform(|e: InputEvent| {
        let value = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
            .map(|ta| ta.value())
            .unwrap_or_default();
        Action::LintTyped(value)
    });

    // A paste with CRs would lose them in the textarea: insert it ourselves.
    let onpaste = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(event) = e.dyn_ref::<ClipboardEvent>() else {
                return;
            };
            let Some(text) = event.clipboard_data().and_then(|data| data.get_data("text/plain").ok()) else {
                return;
            };
            if !text.contains('\r') {
                return;
            }
            let Some(ta) = e.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()) else {
                return;
            };
            let start = ta.selection_start().ok().flatten().unwrap_or(0) as usize;
            let end = ta.selection_end().ok().flatten().unwrap_or(0) as usize;
            e.prevent_default();
            dispatch.emit(Action::LintPasted { start, end, text });
        })
    };

    let layer_html = {
        let text = props.text.clone();
        let marks = props.marks.clone();
        use_memo(
            (text, marks, props.selected, props.large),
            |(text, marks, selected, large)| {
                if *large {
                    Html::default()
                } else {
                    render_layer(text, marks, *selected)
                }
            },
        )
    };
    let gutter_html = {
        let text = props.text.clone();
        let marks = props.marks.clone();
        let dispatch = props.dispatch.clone();
        use_memo(
            (text, marks, props.selected, props.large),
            move |(text, marks, selected, large)| {
                if *large {
                    Html::default()
                } else {
                    render_gutter(text, marks, *selected, &dispatch)
                }
            },
        )
    };

    html! {
        <div class={classes!("editor", props.large.then_some("large"))}>
            if !props.large {
                <div class="editor-gutter" ref={gutter} aria-hidden="true">
                    { (*gutter_html).clone() }
                </div>
            }
            <div class="editor-code">
                if !props.large {
                    <pre class="editor-layer" ref={layer} aria-hidden="true">{ (*layer_html).clone() }</pre>
                }
                <textarea
                    ref={textarea}
                    id="lint-input"
                    class="editor-input"
                    data-testid="lint-input"
                    aria-describedby={props.described_by.clone()}
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    wrap="off"
                    placeholder={"version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n\nor  _mta-sts.example.com. TXT \"v=STSv1; id=20260101\""}
                    {oninput}
                    {onpaste}
                    {onscroll}
                />
            </div>
        </div>
    }
}

pub fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "sev-error",
        Severity::Warning => "sev-warning",
        Severity::Info => "sev-info",
    }
}

/// The layer behind the textarea: the same text, transparent, with marks and CR symbols.
fn render_layer(text: &str, marks: &[Mark], selected: Option<usize>) -> Html {
    let pieces = editor_text::pieces(text, marks, selected);
    html! {
        <>
            { for pieces.iter().map(|p| render_piece(text, p)) }
            // Room below the last line, as the textarea has (and under its scrollbar).
            { "\n\n\n" }
        </>
    }
}

fn render_piece(text: &str, piece: &Piece) -> Html {
    let content = match piece.content {
        Content::Text { start, end } => html! { { text.get(start..end).unwrap_or_default() } },
        Content::Cr { lone } => html! {
            <>
                <span class="cr">{ "CR" }</span>
                if lone { { "\n" } }
            </>
        },
        Content::Nothing => Html::default(),
    };
    match piece.kind {
        PieceKind::Plain => content,
        PieceKind::Marked { severity, selected } => html! {
            <mark class={classes!("mark", severity_class(severity), selected.then_some("selected"))}>{ content }</mark>
        },
        PieceKind::Point { severity, selected } => html! {
            <span class={classes!("point", severity_class(severity), selected.then_some("selected"))} />
        },
    }
}

/// Line numbers, with an icon on lines that have findings; clicking one selects it.
fn render_gutter(text: &str, marks: &[Mark], selected: Option<usize>, dispatch: &Callback<Action>) -> Html {
    let starts = editor_text::line_starts(text);
    let lines = starts.len();
    let width = lines.to_string().len();
    let marked = editor_text::gutter_marks(&starts, marks);
    let mut out: Vec<Html> = Vec::with_capacity(marked.len() * 2 + 1);
    let mut plain = String::new();
    let mut next = marked.iter().peekable();
    for line in 1..=lines {
        match next.next_if(|(l, _, _)| *l == line) {
            Some(&(_, severity, index)) => {
                if !plain.is_empty() {
                    out.push(html! { { std::mem::take(&mut plain) } });
                }
                let is_selected = marks
                    .iter()
                    .any(|m| Some(m.index) == selected && editor_text::line_of(&starts, m.span.start) == line);
                let onclick = dispatch.reform(move |_: MouseEvent| Action::LintSelect(Some(index)));
                out.push(html! {
                    <span
                        class={classes!("gutter-line", "marked", severity_class(severity), is_selected.then_some("selected"))}
                        {onclick}
                        title={format!("{} on line {line}", severity.as_str())}
                    >
                        <span class="sev-icon" />{ format!("{line:>width$}\n") }
                    </span>
                });
            }
            None => plain.push_str(&format!("  {line:>width$}\n")),
        }
    }
    plain.push_str("\n\n\n");
    out.push(html! { { plain } });
    html! { <pre class="gutter-lines">{ for out }</pre> }
}
