use crate::route::View;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NavProps {
    pub current: View,
}

/// The main navigation.
#[component(Nav)]
pub fn nav(props: &NavProps) -> Html {
    html! {
        <nav class="site-nav" aria-label="Main">
            <ul>
                { for View::ALL.into_iter().map(|view| {
                    let current = view == props.current;
                    html! {
                        <li>
                            <a
                                href={format!("#/{}", view.slug())}
                                data-testid={format!("nav-{}", view.slug())}
                                class={classes!(current.then_some("current"))}
                                aria-current={current.then_some("page")}
                            >
                                { view.label() }
                            </a>
                        </li>
                    }
                }) }
            </ul>
        </nav>
    }
}
