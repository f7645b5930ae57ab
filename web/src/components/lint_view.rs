use crate::components::diagnostic_list::DiagnosticList;
use crate::components::editor::Editor;
use crate::components::select::Select;
use crate::components::summary_card::{SummaryCard, kind_name};
use crate::state::{Action, LARGE_INPUT, LARGE_LINES, LintState};
use mtasts_core::Kind;
use mtasts_core::mta_sts::Mode;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Files larger than this are refused: the linter caps what it reports, but reading and
/// drawing tens of megabytes would still freeze the tab.
const MAX_FILE_BYTES: f64 = 4.0 * 1024.0 * 1024.0;

#[derive(Properties, PartialEq)]
pub struct LintViewProps {
    pub lint: LintState,
    pub dispatch: Callback<Action>,
}

/// Lint: one editor for any input, the verdict in words, and the findings.
#[component(LintView)]
pub fn lint_view(props: &LintViewProps) -> Html {
    let lint = &props.lint;
    let dispatch = &props.dispatch;
    let file_error = use_state(|| None::<String>);
    let stale = !lint.is_current();
    let effective_kind = lint
        .kind
        .or_else(|| lint.result.as_ref().map(|r| r.kind))
        .unwrap_or(Kind::Policy);

    let on_kind = dispatch.reform(|value: String| Action::LintKind(Kind::parse(&value)));
    let on_zone_mode = dispatch.reform(|value: String| Action::LintZoneMode(Mode::parse(value.as_bytes())));
    let on_mx_toggle = {
        let current = lint.mx.clone();
        dispatch.reform(move |e: Event| {
            let on = e.target_dyn_into::<HtmlInputElement>().is_some_and(|i| i.checked());
            Action::LintMx(on.then(|| current.clone().unwrap_or_default()))
        })
    };
    let on_mx = dispatch.reform(|e: InputEvent| {
        Action::LintMx(Some(
            e.target_dyn_into::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default(),
        ))
    });
    let on_fix_all = dispatch.reform(|_: MouseEvent| Action::LintFixAll);
    let on_lint_now = {
        let version = lint.version;
        dispatch.reform(move |_: MouseEvent| Action::LintRun { version })
    };
    let on_file = {
        let dispatch = dispatch.clone();
        let file_error = file_error.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            input.set_value("");
            if file.size() > MAX_FILE_BYTES {
                file_error.set(Some(format!(
                    "{} is {:.1} MiB; the linter opens files up to 4 MiB.",
                    file.name(),
                    file.size() / 1024.0 / 1024.0
                )));
                return;
            }
            file_error.set(None);
            let dispatch = dispatch.clone();
            let promise = file.array_buffer();
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(buffer) = wasm_bindgen_futures::JsFuture::from(promise).await {
                    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                    // The editor holds text: bytes that are not UTF-8 become U+FFFD, which
                    // the linter reports like any other stray character.
                    let text =
                        String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                    dispatch.emit(Action::LintLoad(text));
                }
            });
        })
    };

    let kind_value = lint.kind.map_or("auto", Kind::as_str);
    let detected = lint
        .result
        .as_ref()
        .filter(|r| r.detected)
        .map(|r| format!("Detected: {}", kind_name(r.kind)));
    let fixable = lint.fixable();
    let zone_mode_value = lint.zone_mode.map_or("", Mode::as_str);

    html! {
        <section class="view view-lint" data-testid="view-lint" aria-labelledby="lint-title">
            <div class="view-head">
                <h1 id="lint-title">{ "Lint" }</h1>
                <p class="lede">
                    { "Paste a policy file (mta-sts.txt), _mta-sts or _smtp._tls TXT records, or a zone file or dig output. It is checked as you type, the way a sending server reads it." }
                </p>
            </div>
            <div class="controls" role="group" aria-label="How to read the input">
                <div class="field">
                    <label for="lint-kind">{ "Input is" }</label>
                    <Select id="lint-kind" testid="lint-kind" value={kind_value} onchange={on_kind}
                        options={options(&[
                            ("auto", "Detected automatically"),
                            ("policy", "A policy file (mta-sts.txt)"),
                            ("sts", "_mta-sts TXT records"),
                            ("tlsrpt", "_smtp._tls TXT records"),
                            ("zone", "A zone file or dig output"),
                        ])} />
                    if let Some(detected) = detected {
                        <span class="hint" data-testid="lint-detected">{ detected }</span>
                    }
                </div>
                if effective_kind == Kind::Policy {
                    <div class="field">
                        <label class="check">
                            <input type="checkbox" data-testid="lint-mx-enable" checked={lint.mx.is_some()} onchange={on_mx_toggle} />
                            { "Also check the domain's MX hosts" }
                        </label>
                        if let Some(mx) = lint.mx.clone() {
                            <label class="visually-hidden" for="lint-mx">{ "MX hosts, separated by commas or spaces" }</label>
                            <input id="lint-mx" type="text" data-testid="lint-mx" value={mx}
                                placeholder="mx1.example.com, mx2.example.com" oninput={on_mx}
                                spellcheck="false" autocapitalize="off" />
                        }
                    </div>
                }
                if effective_kind == Kind::Zone {
                    <div class="field">
                        <label for="lint-zone-mode">{ "Policy mode" }</label>
                        <Select id="lint-zone-mode" testid="lint-zone-mode" value={zone_mode_value} onchange={on_zone_mode}
                            options={options(&[("", "Unknown"), ("enforce", "enforce"), ("testing", "testing"), ("none", "none")])} />
                    </div>
                }
                <div class="field actions">
                    <label class="button button-quiet file-button">
                        { "Open a file…" }
                        <input type="file" class="visually-hidden" data-testid="lint-file" onchange={on_file} />
                    </label>
                    <button type="button" class="button" data-testid="fix-all" disabled={fixable == 0} onclick={on_fix_all}
                        title="Apply every fix that is certain">
                        { if fixable == 0 { "Fix all".to_string() } else { format!("Fix all ({fixable})") } }
                    </button>
                </div>
            </div>
            if let Some(message) = (*file_error).clone() {
                <p class="banner banner-error" role="alert">{ message }</p>
            }
            if lint.is_large() {
                <p class="banner" data-testid="lint-large" role="status">
                    { format!(
                        "Large input ({} KiB; over {} KiB or {} lines counts as large): it is checked 1 second after you stop typing, and findings are listed but not marked in the text.",
                        lint.text.len().div_ceil(1024),
                        LARGE_INPUT / 1024,
                        LARGE_LINES
                    ) }
                    if stale {
                        { " " }
                        <button type="button" class="button button-small" data-testid="lint-now" onclick={on_lint_now}>{ "Lint now" }</button>
                    }
                </p>
            }
            <div class="lint-layout">
                <div class="lint-input">
                    <label for="lint-input" class="editor-label">{ "Input" }</label>
                    <p id="lint-input-help" class="visually-hidden">
                        { "Findings are listed after the editor. Tab leaves the editor." }
                    </p>
                    <Editor
                        text={lint.text.clone()}
                        loaded={lint.loaded}
                        caret={lint.caret}
                        marks={lint.marks.clone()}
                        selected={lint.selected}
                        reveal={lint.reveal}
                        large={lint.is_large()}
                        dispatch={dispatch.clone()}
                        described_by="lint-input-help"
                    />
                </div>
                <div class="lint-results" aria-label="Findings">
                    <SummaryCard result={lint.result.clone()} {stale} />
                    <DiagnosticList result={lint.result.clone()} selected={lint.selected} dispatch={dispatch.clone()} />
                </div>
            </div>
        </section>
    }
}

/// `(value, label)` pairs for a [`Select`].
pub fn options(pairs: &[(&'static str, &'static str)]) -> Vec<(AttrValue, AttrValue)> {
    pairs
        .iter()
        .map(|&(value, label)| (AttrValue::from(value), AttrValue::from(label)))
        .collect()
}
