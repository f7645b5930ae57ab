use crate::route::View;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NavProps {
    pub current: View,
}

/// The main navigation. Check is listed already; its page says what is coming.
#[component(Nav)]
pub fn nav(props: &NavProps) -> Html {
    html! {
        <nav class="site-nav" aria-label="Main">
            <ul>
                { for View::ALL.into_iter().map(|view| {
                    let current = view == props.current;
                    let soon = view == View::Check;
                    html! {
                        <li>
                            <a
                                href={format!("#/{}", view.slug())}
                                data-testid={format!("nav-{}", view.slug())}
                                class={classes!(current.then_some("current"), soon.then_some("soon"))}
                                aria-current={current.then_some("page")}
                            >
                                { view.label() }
                                if soon {
                                    <span class="badge">{ "soon" }</span>
                                }
                            </a>
                        </li>
                    }
                }) }
            </ul>
        </nav>
    }
}
