//! One check: every DNS question and the policy fetch at once, findings streamed as the
//! evidence that settles them arrives.

use crate::dns::{self, HttpGet, MaybeSendFuture};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use mtasts_core::Diagnostic;
use mtasts_core::check::{self, CheckEvidence, DnsAnswer, Purpose, Question, Source, questions};
use mtasts_core::fetch::FetchEvidence;
use std::future::Future;
use std::pin::Pin;

/// Gets the policy's fetch evidence: the proxy's API from the page, the native fetch
/// from the CLI. `Err` says why there is no evidence (no proxy reachable, the proxy
/// refused the domain, ...); a fetch that failed at the TLS or HTTP level is evidence.
pub trait PolicySource {
    fn fetch<'a>(&'a self, domain: &'a str) -> MaybeSendFuture<'a, Result<FetchEvidence, String>>;
}

/// A step of the check, as progress shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    Dns(Purpose),
    /// `https://mta-sts.<domain>/.well-known/mta-sts.txt`.
    Fetch,
}

impl Step {
    pub fn label(self) -> &'static str {
        match self {
            Step::Dns(p) => p.label(),
            Step::Fetch => "Policy fetch",
        }
    }
    /// Every step, in the order progress lists them.
    pub const ALL: [Step; 6] = [
        Step::Dns(Purpose::StsRecord),
        Step::Dns(Purpose::TlsRptRecord),
        Step::Dns(Purpose::Mx),
        Step::Dns(Purpose::PolicyHost),
        Step::Fetch,
        Step::Dns(Purpose::WrongPlaces),
    ];
}

/// What a running check reports, in order of arrival.
#[derive(Clone, Debug)]
pub enum Event {
    /// A step finished: `failure` is `None` when it worked (a name that does not exist
    /// is an answer), else why not.
    StepDone {
        step: Step,
        failure: Option<String>,
        elapsed_ms: u64,
    },
    /// A finding no later evidence can change.
    Finding { source: Source, diagnostic: Diagnostic },
}

/// Check `domain`: ask every question of [`check::questions`] at `resolver` and fetch
/// the policy from `policy` (or record why not), all at once. `on_event` hears each step
/// finish and each finding as soon as it is settled; the evidence is returned for
/// [`check::judge`] (which gives the same findings, and the verdict).
///
/// `Err` only when `domain` is not a domain name or `resolver` not a usable URL.
pub async fn run(
    domain: &str,
    http: &dyn HttpGet,
    resolver: &str,
    policy: Result<&dyn PolicySource, String>,
    checked_at: Option<u64>,
    on_event: &mut dyn FnMut(Event),
) -> Result<CheckEvidence, String> {
    let name = domain_name(domain)?;
    dns::check_resolver(resolver)?;
    let mut qs = questions(&name);
    let mut evidence = CheckEvidence::new(domain.trim());
    evidence.resolver = Some(resolver.to_string());
    evidence.checked_at = checked_at;
    let started = http.now_ms();

    enum Outcome {
        Answer(usize, DnsAnswer),
        Fetch(Result<Box<FetchEvidence>, String>),
    }
    type Pending<'a> = Pin<Box<dyn Future<Output = Outcome> + 'a>>;
    let mut pending: FuturesUnordered<Pending<'_>> = FuturesUnordered::new();
    let ask = |i: usize, q: Question| -> Pending<'_> {
        Box::pin(async move { Outcome::Answer(i, dns::resolve(http, resolver, &q).await) })
    };
    for (i, q) in qs.iter().enumerate() {
        pending.push(ask(i, q.clone()));
    }
    let mut fetched = false;
    match policy {
        Ok(source) => {
            let name = name.clone();
            pending.push(Box::pin(async move {
                Outcome::Fetch(source.fetch(&name).await.map(Box::new))
            }));
        }
        Err(why) => {
            evidence.fetch_unavailable = Some(why.clone());
            fetched = true;
            on_event(Event::StepDone {
                step: Step::Fetch,
                failure: Some(why),
                elapsed_ms: 0,
            });
        }
    }

    let mut answers: Vec<Option<DnsAnswer>> = vec![None; qs.len()];
    let mut emitted: Vec<(Source, &'static str, String)> = Vec::new();
    while let Some(outcome) = pending.next().await {
        let elapsed_ms = (http.now_ms() - started).max(0.0).round() as u64;
        match outcome {
            Outcome::Answer(i, answer) => {
                // Questions this answer raises join the same step before it can finish.
                for q in check::follow_ups(&qs[i], &answer) {
                    pending.push(ask(qs.len(), q.clone()));
                    qs.push(q);
                    answers.push(None);
                }
                answers[i] = Some(answer);
                let purpose = qs[i].purpose;
                let mine = || qs.iter().zip(&answers).filter(|(q, _)| q.purpose == purpose);
                if mine().all(|(_, a)| a.is_some()) {
                    let failure = mine().find_map(|(_, a)| a.as_ref().and_then(DnsAnswer::failure));
                    on_event(Event::StepDone {
                        step: Step::Dns(purpose),
                        failure,
                        elapsed_ms,
                    });
                }
            }
            Outcome::Fetch(result) => {
                fetched = true;
                let failure = match result {
                    Ok(f) => {
                        let failure = f.error.as_ref().map(|e| e.message.clone());
                        evidence.fetch = Some(*f);
                        failure
                    }
                    Err(why) => {
                        evidence.fetch_unavailable = Some(why.clone());
                        Some(why)
                    }
                };
                on_event(Event::StepDone {
                    step: Step::Fetch,
                    failure,
                    elapsed_ms,
                });
            }
        }
        evidence.dns = answers.iter().flatten().cloned().collect();
        let done = |p: Purpose| {
            qs.iter()
                .zip(&answers)
                .filter(|(q, _)| q.purpose == p)
                .all(|(_, a)| a.is_some())
        };
        let report = check::judge(&evidence);
        for (source, d) in report.findings() {
            if !check::settled(d.rule.subject, &done, fetched) {
                continue;
            }
            if emitted
                .iter()
                .any(|(s, c, m)| *s == source && *c == d.rule.code && *m == d.message)
            {
                continue;
            }
            emitted.push((source, d.rule.code, d.message.clone()));
            on_event(Event::Finding {
                source,
                diagnostic: d.clone(),
            });
        }
    }
    Ok(evidence)
}

pub use mtasts_core::check::domain_name;
