use crate::browser;
use crate::components::lint_view::options;
use crate::components::list_field::ListField;
use crate::components::output_block::OutputBlock;
use crate::components::select::Select;
use crate::markdown::rich;
use crate::state::{Action, FormEdit, GenerateState, MAX_AGE_PRESETS};
use mtasts_core::Kind;
use mtasts_core::generate::{Field, Generated, HostSetup, human_duration};
use mtasts_core::mta_sts::Mode;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct GenerateViewProps {
    pub generate: GenerateState,
    pub dispatch: Callback<Action>,
}

/// Generate: a few answers in, a policy, its DNS records and hosting files out, linted.
#[component(GenerateView)]
pub fn generate_view(props: &GenerateViewProps) -> Html {
    let form = &props.generate.form;
    let outcome = &props.generate.outcome;
    let edit = |f: fn(String) -> FormEdit| {
        props.dispatch.reform(move |e: InputEvent| {
            let value = e
                .target_dyn_into::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            Action::Generate(f(value), browser::now())
        })
    };
    let on_domain = edit(FormEdit::Domain);
    let on_policy_host = edit(FormEdit::PolicyHost);
    let on_mode = props.dispatch.reform(|value: String| {
        let mode = Mode::parse(value.as_bytes()).unwrap_or(Mode::Testing);
        Action::Generate(FormEdit::Mode(mode), browser::now())
    });
    let current_max_age = form.max_age;
    let max_age_from = move |value: String| value.trim().parse::<u64>().unwrap_or(current_max_age);
    // "custom" (the current value when it is no preset) keeps the seconds as they are.
    let on_max_age_preset = props
        .dispatch
        .reform(move |value: String| Action::Generate(FormEdit::MaxAge(max_age_from(value)), browser::now()));
    let on_max_age_seconds = props.dispatch.reform(move |e: InputEvent| {
        let seconds = e
            .target_dyn_into::<HtmlInputElement>()
            .map_or(current_max_age, |i| max_age_from(i.value()));
        Action::Generate(FormEdit::MaxAge(seconds), browser::now())
    });
    let on_lf = props.dispatch.reform(|e: Event| {
        let lf = e.target_dyn_into::<HtmlInputElement>().is_some_and(|i| i.checked());
        Action::Generate(FormEdit::Lf(lf), browser::now())
    });
    let rows = |change: fn(usize, String) -> FormEdit, add: FormEdit, remove: fn(usize) -> FormEdit| {
        let dispatch = props.dispatch.clone();
        (
            dispatch.reform(move |(i, v)| Action::Generate(change(i, v), browser::now())),
            dispatch.reform(move |()| Action::Generate(add.clone(), browser::now())),
            dispatch.reform(move |i| Action::Generate(remove(i), browser::now())),
        )
    };
    let (on_mx, on_mx_add, on_mx_remove) = rows(FormEdit::Mx, FormEdit::AddMx, FormEdit::RemoveMx);
    let (on_rua, on_rua_add, on_rua_remove) = rows(FormEdit::Rua, FormEdit::AddRua, FormEdit::RemoveRua);

    let error = outcome.result.as_ref().err();
    // A missing answer is no mistake yet: only a value given and refused is marked.
    let invalid = |field: Field| error.is_some_and(|e| e.field == field && !e.value.is_empty());
    let aria_invalid = |field: Field| invalid(field).then_some("true");
    let preset = MAX_AGE_PRESETS.contains(&form.max_age);
    let mut max_age_options: Vec<(AttrValue, AttrValue)> = MAX_AGE_PRESETS
        .iter()
        .map(|&secs| (secs.to_string().into(), human_duration(secs).into()))
        .collect();
    if !preset {
        max_age_options.push((
            "custom".into(),
            format!("{} (custom)", human_duration(form.max_age)).into(),
        ));
    }
    let max_age_value = if preset {
        form.max_age.to_string()
    } else {
        "custom".to_string()
    };
    let mode_value = form.mode.as_str();

    html! {
        <section class="view view-generate" data-testid="view-generate" aria-labelledby="gen-title">
            <div class="view-head">
                <h1 id="gen-title">{ "Generate" }</h1>
                <p class="lede">{ "Answer a few questions; get a policy, its DNS records and the files to serve it, all linted here. The policy id changes whenever the policy does." }</p>
            </div>
            <div class="generate-layout">
                <form class="generate-form" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())} aria-describedby="gen-error-region">
                    <div class="field">
                        <label for="gen-domain">{ "Mail domain" }</label>
                        <input id="gen-domain" data-testid="gen-domain" type="text" value={form.domain.clone()}
                            placeholder="example.com" oninput={on_domain} aria-invalid={aria_invalid(Field::Domain)}
                            spellcheck="false" autocapitalize="off" autocomplete="off" />
                        <p class="hint">{ "The part after @ in your addresses." }</p>
                    </div>
                    <div class="field">
                        <label for="gen-mode">{ "Mode" }</label>
                        <Select id="gen-mode" testid="gen-mode" value={mode_value} onchange={on_mode}
                            options={options(&[
                                ("testing", "testing: report failures, still deliver"),
                                ("enforce", "enforce: refuse delivery without valid TLS"),
                                ("none", "none: switch MTA-STS off"),
                            ])} />
                    </div>
                    <ListField id="gen-mx" legend="MX hosts" item="MX host"
                        hint="Every host your MX records point to, or a pattern such as *.mail.example.net (one label)."
                        placeholder="mx1.example.com" rows={form.mx.clone()} invalid={invalid(Field::Mx)}
                        on_change={on_mx} on_add={on_mx_add} on_remove={on_mx_remove} />
                    <div class="field">
                        <label for="gen-max-age">{ "Senders cache the policy for (max_age)" }</label>
                        <div class="inline-fields">
                            <Select id="gen-max-age" testid="gen-max-age" value={max_age_value} onchange={on_max_age_preset}
                                options={max_age_options} invalid={invalid(Field::MaxAge)} />
                            <label class="visually-hidden" for="gen-max-age-seconds">{ "max_age in seconds" }</label>
                            <input id="gen-max-age-seconds" data-testid="gen-max-age-seconds" type="number" min="1" max="31557600"
                                inputmode="numeric" value={form.max_age.to_string()} oninput={on_max_age_seconds}
                                aria-invalid={aria_invalid(Field::MaxAge)} />
                            <span class="hint">{ "seconds" }</span>
                        </div>
                    </div>
                    <ListField id="gen-rua" legend="TLS-RPT reports go to" item="destination"
                        hint="mailto: addresses or https:// URLs; a bare address becomes mailto:. Leave empty for no _smtp._tls record."
                        placeholder="tls-reports@example.net" rows={form.rua.clone()} invalid={invalid(Field::Rua)}
                        on_change={on_rua} on_add={on_rua_add} on_remove={on_rua_remove} />
                    <div class="field">
                        <label for="gen-policy-host">{ "mta-sts host points to (optional)" }</label>
                        <input id="gen-policy-host" data-testid="gen-policy-host" type="text" value={form.policy_host.clone()}
                            placeholder="203.0.113.7 or user.github.io" oninput={on_policy_host}
                            aria-invalid={aria_invalid(Field::PolicyHost)} spellcheck="false" autocapitalize="off" />
                    </div>
                    <div class="field">
                        <label class="check">
                            <input type="checkbox" data-testid="gen-lf" checked={form.lf} onchange={on_lf} />
                            { "LF line endings (default CRLF, which every reading of RFC 8461 accepts)" }
                        </label>
                    </div>
                </form>
                <div class="generate-output" id="gen-error-region" aria-live="polite">
                    { match &outcome.result {
                        Err(e) => html! {
                            <p class={classes!("banner", if e.value.is_empty() { "banner-info" } else { "banner-error" })}
                                data-testid="gen-error" role="status">
                                <span>{ rich(&e.to_string()) }</span>
                            </p>
                        },
                        Ok(generated) => outputs(generated, &outcome.problems, &props.dispatch),
                    } }
                </div>
            </div>
        </section>
    }
}

fn outputs(g: &Generated, problems: &[String], dispatch: &Callback<Action>) -> Html {
    let open = {
        let text = g.policy.clone();
        dispatch.reform(move |_: MouseEvent| Action::OpenInLinter {
            text: text.clone(),
            kind: Some(Kind::Policy),
            mx: None,
            zone_mode: None,
        })
    };
    let status = if problems.is_empty() {
        html! {
            <p class="banner banner-ok" data-testid="gen-lint-status" role="status">
                { "Linted here: the policy and the TXT records are clean (no errors, no warnings)." }
            </p>
        }
    } else {
        html! {
            <div class="banner banner-error" data-testid="gen-lint-status" role="status">
                <p>{ format!("Linted here: {} problem(s) in the output. Please report this as a bug.", problems.len()) }</p>
                <ul>{ for problems.iter().map(|p| html! { <li>{ p }</li> }) }</ul>
            </div>
        }
    };
    let crlf = g.policy.contains('\r');
    let sts_owner = g.sts_record().map_or(String::new(), |r| r.owner.clone());
    html! {
        <>
            { status }
            <p class="issued">
                { "Policy id " }<code>{ &g.id }</code>{ format!(", issued {}.", g.issued) }
            </p>
            <OutputBlock testid="gen-policy" title="Policy file" text={g.policy.clone()}
                tag={crlf.then_some("CRLF").or(Some("LF")).map(AttrValue::from)}
                note={AttrValue::from(format!("Serve at {} as text/plain, status 200, no redirect.", g.policy_url))} />
            <div class="actions">
                <button type="button" class="button" data-testid="gen-open-in-linter" onclick={open}>
                    { "Open the policy in the linter" }
                </button>
            </div>
            <h2>{ "DNS records" }</h2>
            { match &g.host {
                HostSetup::Record(r) => html! {
                    <OutputBlock testid="gen-host" title={format!("{} {}", r.name(), r.rtype.as_str())}
                        text={r.value.clone()} note={AttrValue::from("The policy host.")} />
                },
                HostSetup::Instruction(text) => html! {
                    <div class="output">
                        <h3>{ format!("{} (A, AAAA or CNAME)", g.policy_host) }</h3>
                        <p class="output-note" data-testid="gen-host">{ rich(text) }</p>
                    </div>
                },
            } }
            { match &g.tlsrpt_txt {
                Some(value) => html! {
                    <OutputBlock testid="gen-tlsrpt" title={format!("_smtp._tls.{} TXT", g.domain)} text={value.clone()}
                        note={AttrValue::from("Where senders send TLS-RPT reports.")} />
                },
                None => html! {
                    <div class="output">
                        <h3>{ format!("_smtp._tls.{} TXT", g.domain) }</h3>
                        <p class="output-note" data-testid="gen-tlsrpt">{ "None: add a TLS-RPT destination above to hear about delivery failures." }</p>
                    </div>
                },
            } }
            <OutputBlock testid="gen-sts" title={format!("{} TXT", sts_owner.trim_end_matches('.'))} text={g.sts_txt.clone()}
                note={AttrValue::from("Publish last, once the policy is served; change its id whenever the policy changes.")} />
            <OutputBlock testid="gen-zone" title="Zone-file lines" text={g.zone.clone()} />
            if !g.notes.is_empty() {
                <h2>{ "Notes" }</h2>
                <ul class="notes" data-testid="gen-notes">
                    { for g.notes.iter().map(|n| html! { <li>{ rich(n) }</li> }) }
                </ul>
            }
            <h2>{ "Hosting files" }</h2>
            <p class="hint">{ "Pick the platform that serves mta-sts." }{ &g.domain }{ "; each keeps the policy byte for byte." }</p>
            { for mtasts_core::generate::PLATFORMS.iter().map(|platform| hosting(g, platform)) }
        </>
    }
}

/// One platform's files. The first file's text is `gen-hosting-<platform>` (copied by
/// `copy-gen-hosting-<platform>`); further files are `gen-hosting-<platform>-<n>`.
fn hosting(g: &Generated, platform: &str) -> Html {
    let files: Vec<_> = g.hosting_for(platform).collect();
    html! {
        <section class="hosting" data-platform={platform.to_string()} aria-label={platform_name(platform).to_string()}>
            <h3 class="platform">{ platform_name(platform) }</h3>
            { for files.iter().enumerate().map(|(i, f)| {
                let testid = if i == 0 {
                    format!("gen-hosting-{platform}")
                } else {
                    format!("gen-hosting-{platform}-{i}")
                };
                html! {
                    <OutputBlock testid={testid} title={f.path.clone()} text={f.contents.clone()}
                        note={AttrValue::from(f.note.clone())} />
                }
            }) }
        </section>
    }
}

fn platform_name(platform: &str) -> &str {
    match platform {
        "nginx" => "nginx",
        "apache" => "Apache httpd",
        "caddy" => "Caddy",
        "github-pages" => "GitHub Pages",
        "cloudflare-workers" => "Cloudflare Workers",
        "netlify" => "Netlify",
        other => other,
    }
}
