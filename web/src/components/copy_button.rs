use crate::browser;
use gloo::timers::callback::Timeout;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CopyButtonProps {
    pub text: AttrValue,
    pub testid: AttrValue,
    /// What is copied, for screen readers ("Copy the policy file").
    pub label: AttrValue,
    /// The element showing the text: selected for a manual copy when the clipboard fails.
    #[prop_or_default]
    pub target: NodeRef,
}

#[derive(Clone, Copy, PartialEq)]
enum Status {
    Idle,
    Copied,
    Failed,
}

/// Copies exact text (CRs included, unlike a selection of the page) to the clipboard.
#[component(CopyButton)]
pub fn copy_button(props: &CopyButtonProps) -> Html {
    let status = use_state(|| Status::Idle);
    let reset = use_mut_ref(|| None::<Timeout>);
    let onclick = {
        let status = status.clone();
        let text = props.text.to_string();
        let target = props.target.clone();
        Callback::from(move |_: MouseEvent| {
            let status = status.clone();
            let reset = reset.clone();
            let target = target.clone();
            browser::copy_text(text.clone(), move |ok| {
                if ok {
                    status.set(Status::Copied);
                } else {
                    if let Some(element) = target.cast::<web_sys::Element>() {
                        browser::select_contents(&element);
                    }
                    status.set(Status::Failed);
                }
                let status = status.clone();
                *reset.borrow_mut() = Some(Timeout::new(2_500, move || status.set(Status::Idle)));
            });
        })
    };
    let label = match *status {
        Status::Idle => "Copy",
        Status::Copied => "Copied",
        Status::Failed => "Selected: press Ctrl+C",
    };
    html! {
        <button type="button" class="button button-small copy" data-testid={props.testid.clone()}
            aria-label={format!("{}{}", props.label, if *status == Status::Idle { "" } else { ": done" })} {onclick}>
            { label }
        </button>
    }
}
