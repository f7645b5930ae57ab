use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ListFieldProps {
    /// `gen-mx`: rows are `gen-mx-0`…, buttons `gen-mx-add` and `gen-mx-remove-N`.
    pub id: AttrValue,
    pub legend: AttrValue,
    pub hint: AttrValue,
    pub placeholder: AttrValue,
    /// What one row is, for button labels ("MX host").
    pub item: AttrValue,
    pub rows: Vec<String>,
    pub invalid: bool,
    pub on_change: Callback<(usize, String)>,
    pub on_add: Callback<()>,
    pub on_remove: Callback<usize>,
}

/// A list of text inputs with add and remove buttons.
#[component(ListField)]
pub fn list_field(props: &ListFieldProps) -> Html {
    let hint_id = format!("{}-hint", props.id);
    let on_add = props.on_add.reform(|_: MouseEvent| ());
    html! {
        <fieldset class="list-field" aria-describedby={hint_id.clone()}>
            <legend>{ &props.legend }</legend>
            <p id={hint_id} class="hint">{ &props.hint }</p>
            { for props.rows.iter().enumerate().map(|(i, value)| {
                let id = format!("{}-{i}", props.id);
                let oninput = props.on_change.reform(move |e: InputEvent| {
                    let value = e
                        .target_dyn_into::<web_sys::HtmlInputElement>()
                        .map(|input| input.value())
                        .unwrap_or_default();
                    (i, value)
                });
                let onremove = props.on_remove.reform(move |_: MouseEvent| i);
                html! {
                    <div class="list-row" key={i}>
                        <label class="visually-hidden" for={id.clone()}>{ format!("{} {}", props.item, i + 1) }</label>
                        <input type="text" id={id.clone()} data-testid={id} value={value.clone()}
                            placeholder={props.placeholder.clone()} {oninput}
                            aria-invalid={props.invalid.then_some("true")}
                            spellcheck="false" autocapitalize="off" autocomplete="off" />
                        <button type="button" class="button button-quiet button-small"
                            data-testid={format!("{}-remove-{i}", props.id)} onclick={onremove}
                            aria-label={format!("Remove {} {}", props.item, i + 1)}>
                            { "Remove" }
                        </button>
                    </div>
                }
            }) }
            <button type="button" class="button button-quiet button-small" data-testid={format!("{}-add", props.id)} onclick={on_add}>
                { format!("Add {}", props.item) }
            </button>
        </fieldset>
    }
}
