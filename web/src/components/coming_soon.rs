use crate::route::View;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ComingSoonProps {
    pub view: View,
}

/// The placeholder page of a planned view (the live check).
#[component(ComingSoon)]
pub fn coming_soon(props: &ComingSoonProps) -> Html {
    let (title, what) = (
        "Check a live domain",
        "Fetch a domain's _mta-sts and _smtp._tls records, its MX hosts and its policy file, and judge them together the way a sending server does. Until then, paste the records or the policy into the linter.",
    );
    html! {
        <section class="view coming-soon" data-testid={format!("view-{}", props.view.slug())} aria-labelledby="soon-title">
            <h1 id="soon-title">{ title }</h1>
            <p class="soon-note"><span class="badge">{ "coming soon" }</span></p>
            <p>{ what }</p>
            <p><a href="#/lint">{ "Go to the linter" }</a></p>
        </section>
    }
}
