use crate::state::Action;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PermalinkBannerProps {
    pub message: String,
    pub dispatch: Callback<Action>,
}

/// Why the address could not be opened. The view below starts empty.
#[component(PermalinkBanner)]
pub fn permalink_banner(props: &PermalinkBannerProps) -> Html {
    let dismiss = props.dispatch.reform(|_: MouseEvent| Action::DismissPermalinkError);
    html! {
        <div class="banner banner-error" role="alert" data-testid="permalink-error">
            <p>{ &props.message }{ " The view below starts empty." }</p>
            <button type="button" class="button button-quiet button-small" onclick={dismiss}>{ "Dismiss" }</button>
        </div>
    }
}
