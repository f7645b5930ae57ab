use crate::components::copy_button::CopyButton;
use crate::markdown::rich;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct OutputBlockProps {
    /// The `data-testid` of the text; its copy button is `copy-<testid>`.
    pub testid: AttrValue,
    pub title: AttrValue,
    /// Exactly what is copied.
    pub text: AttrValue,
    /// A line under the title (where the text goes).
    #[prop_or_default]
    pub note: Option<AttrValue>,
    /// A small tag beside the title (e.g. "CRLF").
    #[prop_or_default]
    pub tag: Option<AttrValue>,
}

/// One generated text with a copy button. CRs are not drawn (a `<pre>` would show them as
/// nothing useful); the copy keeps them.
#[component(OutputBlock)]
pub fn output_block(props: &OutputBlockProps) -> Html {
    let pre = use_node_ref();
    let shown = props.text.replace('\r', "");
    html! {
        <div class="output">
            <div class="output-head">
                <h3>{ &props.title }
                    if let Some(tag) = &props.tag {
                        <span class="badge">{ tag }</span>
                    }
                </h3>
                <CopyButton text={props.text.clone()} testid={format!("copy-{}", props.testid)}
                    label={format!("Copy {}", props.title)} target={pre.clone()} />
            </div>
            if let Some(note) = &props.note {
                <p class="output-note">{ rich(note) }</p>
            }
            <pre class="output-text" ref={pre} tabindex="0" aria-label={props.title.clone()}><code data-testid={props.testid.clone()}>{ shown }</code></pre>
        </div>
    }
}
