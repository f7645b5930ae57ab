use crate::state::{StepProgress, StepStatus};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CheckProgressProps {
    pub steps: Vec<StepProgress>,
    pub running: bool,
}

/// Each step of the check: pending, done, or failed with the reason, and when it ended.
#[component(CheckProgress)]
pub fn check_progress(props: &CheckProgressProps) -> Html {
    html! {
        <section class="check-steps" aria-labelledby="check-steps-title">
            <h2 id="check-steps-title">{ "Steps" }</h2>
            <ol data-testid="check-steps">
                { for props.steps.iter().map(|p| {
                    let (state, mark, text) = match &p.status {
                        StepStatus::Pending if props.running => ("pending", "…", "waiting".to_string()),
                        StepStatus::Pending => ("pending", "–", "not run".to_string()),
                        StepStatus::Done => ("done", "✓", "done".to_string()),
                        StepStatus::Failed(why) => ("failed", "✗", why.clone()),
                    };
                    html! {
                        <li class={classes!("step", format!("step-{state}"))} data-testid="check-step"
                            data-step={p.label()} data-state={state}>
                            <span class="step-mark" aria-hidden="true">{ mark }</span>
                            <span class="step-label">{ p.label() }</span>
                            <span class="step-status">{ text }</span>
                            if let Some(ms) = p.elapsed_ms {
                                <span class="step-time">{ format!("{ms} ms") }</span>
                            }
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
