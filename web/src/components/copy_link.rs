use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CopyLinkProps {
    /// The link made by the last click, until the view changes.
    pub shown: Option<String>,
    pub on_copy: Callback<()>,
    /// The Lint input is too large to fit in a link.
    pub too_large: bool,
}

/// "Copy link": puts the view's permalink in the address bar and on the clipboard, and
/// shows it (headless browsers have no clipboard; the field can be copied by hand).
#[component(CopyLink)]
pub fn copy_link(props: &CopyLinkProps) -> Html {
    let onclick = props.on_copy.reform(|_: MouseEvent| ());
    html! {
        <section class="permalink" aria-label="Link to this view">
            <button type="button" class="button" data-testid="copy-link" {onclick}>
                { "Copy link" }
            </button>
            if props.too_large {
                <p class="hint">{ "This input is too large to keep in a link; the link opens an empty linter." }</p>
            }
            if let Some(url) = props.shown.clone() {
                <p class="permalink-shown">
                    <span class="permalink-label">{ "Link to this view (copied if your browser allows):" }</span>
                    <output class="permalink-url" data-testid="permalink-url" tabindex="0">{ url }</output>
                </p>
            } else {
                <p class="hint">{ "The link holds this view's state after the #: nothing is sent to a server." }</p>
            }
        </section>
    }
}
