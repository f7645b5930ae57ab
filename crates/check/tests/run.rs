//! `run` with an in-process resolver (answers built from a table with the `domain` crate)
//! and an in-process policy source: what streams, in which order, and that the stream
//! agrees with the final judgment. The real servers are in tests/testbed (see
//! crates/cli/tests/check_testbed.rs); this adds what is hard to stage there.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::base::iana::{Class, Rcode};
use domain::base::{Message, MessageBuilder, Name, Ttl};
use domain::rdata::{A, Cname, Mx, Txt};
use mtasts_check::dns::{HttpGet, HttpReply, MaybeSendFuture};
use mtasts_check::run::{Event, PolicySource, Step};
use mtasts_core::Subject;
use mtasts_core::check::{CheckEvidence, Purpose, Verdict, judge};
use mtasts_core::fetch::{FetchEvidence, Headers, Http};
use std::net::Ipv4Addr;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};

const POLICY: &str = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";

/// Answers DoH GETs for example.com from a fixed table; counts queries.
struct FakeResolver {
    queries: AtomicUsize,
    mail_is_alias: bool,
}

fn name(s: &str) -> Name<Vec<u8>> {
    Name::from_str(s).expect("name")
}

impl FakeResolver {
    fn new(mail_is_alias: bool) -> FakeResolver {
        FakeResolver {
            queries: AtomicUsize::new(0),
            mail_is_alias,
        }
    }

    fn answer(&self, query: &[u8]) -> Vec<u8> {
        let msg = Message::from_octets(query.to_vec()).expect("query");
        let q = msg.first_question().expect("question");
        let qname = q.qname().to_string().trim_end_matches('.').to_string();
        let qtype = q.qtype().to_string();
        let exists = matches!(
            qname.as_str(),
            "_mta-sts.example.com"
                | "_smtp._tls.example.com"
                | "example.com"
                | "mta-sts.example.com"
                | "mail.example.com"
        );
        let rcode = if exists { Rcode::NOERROR } else { Rcode::NXDOMAIN };
        let mut b = MessageBuilder::new_vec().start_answer(&msg, rcode).expect("builder");
        let ttl = Ttl::from_secs(300);
        let owner = name(&qname);
        match (qname.as_str(), qtype.as_str()) {
            ("_mta-sts.example.com", "TXT") => {
                let txt = Txt::<Vec<u8>>::build_from_slice(b"v=STSv1; id=20240501").expect("txt");
                b.push((&owner, Class::IN, ttl, txt)).expect("push");
            }
            ("_smtp._tls.example.com", "TXT") => {
                let txt = Txt::<Vec<u8>>::build_from_slice(b"v=TLSRPTv1; rua=mailto:tls@example.com").expect("txt");
                b.push((&owner, Class::IN, ttl, txt)).expect("push");
            }
            ("example.com", "MX") => {
                b.push((&owner, Class::IN, ttl, Mx::new(10, name("mail.example.com"))))
                    .expect("push");
            }
            ("mta-sts.example.com", "A") => {
                b.push((&owner, Class::IN, ttl, A::new(Ipv4Addr::new(192, 0, 2, 1))))
                    .expect("push");
            }
            ("mail.example.com", "CNAME") if self.mail_is_alias => {
                b.push((&owner, Class::IN, ttl, Cname::new(name("mx1.provider.example"))))
                    .expect("push");
            }
            _ => {}
        }
        b.finish()
    }
}

impl HttpGet for FakeResolver {
    fn get<'a>(&'a self, url: &'a str, accept: &'static str) -> MaybeSendFuture<'a, Result<HttpReply, String>> {
        Box::pin(async move {
            assert_eq!(accept, "application/dns-message");
            self.queries.fetch_add(1, Ordering::SeqCst);
            let (base, dns) = url.split_once("?dns=").ok_or("no dns= parameter")?;
            assert_eq!(base, "https://doh.test/dns-query");
            let query = URL_SAFE_NO_PAD.decode(dns).map_err(|e| e.to_string())?;
            Ok(HttpReply {
                status: 200,
                content_type: Some("application/dns-message".into()),
                body: self.answer(&query),
            })
        })
    }
    fn now_ms(&self) -> f64 {
        0.0
    }
}

/// A policy source that lets everything else finish first (it yields `delay` times).
struct SlowPolicy {
    delay: usize,
}

impl PolicySource for SlowPolicy {
    fn fetch<'a>(&'a self, domain: &'a str) -> MaybeSendFuture<'a, Result<FetchEvidence, String>> {
        Box::pin(async move {
            for _ in 0..self.delay {
                tokio::task::yield_now().await;
            }
            let mut f = FetchEvidence::new(domain);
            f.http = Some(Http {
                status: 200,
                headers: Headers {
                    content_type: Some("text/plain".into()),
                    ..Headers::default()
                },
            });
            f.set_body(POLICY.as_bytes());
            Ok(f)
        })
    }
}

fn check(resolver: &FakeResolver, policy: Result<&dyn PolicySource, String>) -> (Vec<Event>, CheckEvidence) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut events = Vec::new();
    let evidence = rt
        .block_on(mtasts_check::run(
            "Example.COM.",
            resolver,
            "https://doh.test/dns-query",
            policy,
            Some(1_714_557_600),
            &mut |e| events.push(e),
        ))
        .expect("run");
    (events, evidence)
}

#[test]
fn every_step_reports_once_and_the_stream_matches_the_judgment() {
    let resolver = FakeResolver::new(false);
    let slow = SlowPolicy { delay: 50 };
    let (events, evidence) = check(&resolver, Ok(&slow));
    // 9 questions + one follow-up (is the MX host an alias?).
    assert_eq!(resolver.queries.load(Ordering::SeqCst), 10);
    for step in Step::ALL {
        let n = events
            .iter()
            .filter(|e| matches!(e, Event::StepDone { step: s, .. } if *s == step))
            .count();
        assert_eq!(n, 1, "{step:?}");
    }
    let report = judge(&evidence);
    assert_eq!(report.verdict, Verdict::EnforceWorking, "{:?}", report.reasons);
    let mut streamed: Vec<(&str, String)> = events
        .iter()
        .filter_map(|e| match e {
            Event::Finding { diagnostic, .. } => Some((diagnostic.rule.code, diagnostic.message.clone())),
            _ => None,
        })
        .collect();
    let mut judged: Vec<(&str, String)> = report
        .findings()
        .iter()
        .map(|(_, d)| (d.rule.code, d.message.clone()))
        .collect();
    streamed.sort();
    judged.sort();
    assert!(!judged.is_empty());
    assert_eq!(streamed, judged);
    // The record's findings and step came before the slow fetch finished.
    let fetch_done = events
        .iter()
        .position(|e| matches!(e, Event::StepDone { step: Step::Fetch, .. }))
        .expect("fetch step");
    let sts_done = events
        .iter()
        .position(|e| {
            matches!(
                e,
                Event::StepDone {
                    step: Step::Dns(Purpose::StsRecord),
                    ..
                }
            )
        })
        .expect("sts step");
    assert!(sts_done < fetch_done, "{events:?}");
    if let Some(first_sts) = events
        .iter()
        .position(|e| matches!(e, Event::Finding { diagnostic, .. } if diagnostic.rule.subject == Subject::StsRecord))
    {
        assert!(first_sts < fetch_done, "{events:?}");
    }
    // Evidence is in question order, whatever order the answers came in.
    assert_eq!(evidence.dns[0].name, "_mta-sts.example.com");
    assert_eq!(evidence.dns.last().map(|a| a.name.as_str()), Some("mail.example.com"));
}

#[test]
fn an_aliased_mx_host_is_found_by_the_follow_up_question() {
    let resolver = FakeResolver::new(true);
    let slow = SlowPolicy { delay: 0 };
    let (_, evidence) = check(&resolver, Ok(&slow));
    let report = judge(&evidence);
    let alias = report
        .findings()
        .into_iter()
        .find(|(_, d)| d.rule.code == "MXC-CNAME-MX")
        .map(|(_, d)| d.message.clone());
    assert!(
        alias.is_some_and(|m| m.contains("mx1.provider.example")),
        "{:?}",
        report.reasons
    );
    assert!(
        report
            .dns_text
            .contains("mail.example.com. 300 IN CNAME mx1.provider.example."),
        "{}",
        report.dns_text
    );
}

#[test]
fn without_a_policy_source_the_dns_part_still_runs() {
    let resolver = FakeResolver::new(false);
    let (events, evidence) = check(&resolver, Err("no proxy answered at /api/v1/policy (HTTP 404)".into()));
    assert!(events.iter().any(
        |e| matches!(e, Event::StepDone { step: Step::Fetch, failure: Some(why), .. } if why.contains("HTTP 404"))
    ));
    let report = judge(&evidence);
    assert_eq!(report.verdict, Verdict::Incomplete);
    assert!(report.headline().contains("HTTP 404"), "{}", report.headline());
    assert_eq!(report.sts_id.as_deref(), Some("20240501"));
}

#[test]
fn bad_input_is_refused_before_any_query() {
    let resolver = FakeResolver::new(false);
    let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    for (domain, url, needle) in [
        ("localhost", "https://doh.test/dns-query", "single label"),
        ("https://example.com/", "https://doh.test/dns-query", "not a domain"),
        ("192.0.2.1", "https://doh.test/dns-query", "IP address"),
        ("example.com", "http://doh.test/dns-query", "https://"),
    ] {
        let err = rt
            .block_on(mtasts_check::run(
                domain,
                &resolver,
                url,
                Err("none".into()),
                None,
                &mut |_| {},
            ))
            .expect_err(domain);
        assert!(err.contains(needle), "{domain}: {err}");
    }
    assert_eq!(resolver.queries.load(Ordering::SeqCst), 0);
}
