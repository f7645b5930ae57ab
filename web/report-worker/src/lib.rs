//! The Reports view's reader: TLS-RPT report files in, a [`ReportSummary`] out.
//!
//! It runs in a Web Worker with its own WebAssembly (`src/main.rs`), so the JSON, gzip and
//! e-mail readers of `mtasts-core` are downloaded only when someone opens the Reports view.
//! The worker also renders the results as HTML ([`render`]) and encodes and decodes the
//! summary in permalinks ([`link`]): the page itself only shows what it is sent, which
//! keeps the page's first download small.
//!
//! The summary is what a link may carry: totals, per-policy rows, per-result-type counts
//! with their explanation, sessions per day and the advice. Never the reports themselves,
//! the sending IPs or the file names.

pub mod chart;
pub mod link;
pub mod render;

use mtasts_core::report::aggregate::Aggregator;
use mtasts_core::report::{AdviceKind, Aggregate, LoadError, LoadErrorKind, load_file, parse, parse_datetime};
use serde::{Deserialize, Serialize};

/// The most days the chart shows, counted back from the latest.
pub const MAX_CHART_DAYS: usize = 366;
/// Reason codes and MX hosts kept per result type.
pub const MAX_DETAILS: usize = 5;
/// Longest reason code kept (senders put whole error messages there).
const MAX_REASON_CHARS: usize = 160;

/// The aggregated reports, as the page shows them and a link carries them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSummary {
    /// Reports counted (duplicates excluded).
    pub reports: u32,
    /// Reports skipped because their `report-id` was already counted.
    pub duplicates_skipped: u32,
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    pub successful: u64,
    pub failed: u64,
    /// Failed sessions no failure detail accounts for.
    pub failed_without_detail: u64,
    pub policies: Vec<PolicyRow>,
    /// Most failed sessions first.
    pub failures: Vec<FailureRow>,
    /// Every day from the first to the last reported (at most [`MAX_CHART_DAYS`]), oldest
    /// first; days without reports have zero sessions.
    pub days: Vec<DayRow>,
    pub advice: Vec<AdviceRow>,
}

/// One policy domain and type.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRow {
    /// Empty when the reports named none.
    pub domain: String,
    /// `sts`, `tlsa`, `no-policy-found`, or the sender's own word.
    pub policy_type: String,
    /// The `mode` of the latest policy string seen (sts only).
    pub mode: Option<String>,
    pub reports: u32,
    pub successful: u64,
    pub failed: u64,
}

/// One result type with what it means and how to fix it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureRow {
    pub result_type: String,
    pub failed: u64,
    pub meaning: String,
    pub fix: String,
    /// The rule that checks for the cause, when there is one.
    pub rule: Option<String>,
    /// The commonest `failure-reason-code`s (at most [`MAX_DETAILS`]).
    pub reasons: Vec<Reason>,
    /// The receiving MX hosts with most failures (at most [`MAX_DETAILS`]).
    pub mx_hosts: Vec<Count>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub reason: String,
    pub failed: u64,
    pub rule: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub key: String,
    pub failed: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayRow {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub successful: u64,
    pub failed: u64,
}

/// What to do, from the reports as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdviceRow {
    pub kind: Advice,
    pub domain: Option<String>,
    pub rule: Option<String>,
    /// A sentence, with `code` in backticks.
    pub message: String,
    /// For [`Advice::AddMxPattern`]: the value of the `mx:` line to add.
    pub pattern: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Advice {
    AddMxPattern,
    EnforceLooksSafe,
    EnforceNotYet,
}

/// A file, or part of one, that gave no report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileError {
    pub file: String,
    /// The whole sentence, starting with the file name.
    pub message: String,
}

/// What the worker sends back for one set of files.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub files: u32,
    pub files_failed: u32,
    pub summary: ReportSummary,
    pub errors: Vec<FileError>,
    /// What the reader tolerated (missing fields defaulted, unknown types), counted.
    pub warnings: u32,
    /// Milliseconds the worker spent reading and adding up.
    pub worker_ms: u32,
}

/// Reads files one at a time, so no file's reports are kept after it is counted.
#[derive(Default)]
pub struct Reader {
    agg: Aggregator,
}

impl Reader {
    pub fn new() -> Reader {
        Reader::default()
    }

    /// Read one file's bytes (JSON, gzip, base64, e-mail or mbox: sniffed).
    pub fn add_file(&mut self, name: &str, bytes: &[u8]) {
        self.agg.add_loaded(&load_file(name, bytes));
    }

    /// A file the browser could not read.
    pub fn add_unreadable(&mut self, name: &str, why: &str) {
        self.agg.add_error(LoadError {
            file: name.to_string(),
            part: None,
            kind: LoadErrorKind::Unreadable {
                detail: why.to_string(),
            },
        });
    }

    pub fn finish(self) -> Outcome {
        outcome(&self.agg.finish())
    }
}

/// Read and add up `files` (name, bytes).
pub fn process(files: &[(String, Vec<u8>)]) -> Outcome {
    let mut reader = Reader::new();
    for (name, bytes) in files {
        reader.add_file(name, bytes);
    }
    reader.finish()
}

/// The page's view of an aggregate.
pub fn outcome(agg: &Aggregate) -> Outcome {
    Outcome {
        files: count(agg.files),
        files_failed: count(agg.files_failed),
        summary: summarize(agg),
        errors: agg
            .errors
            .iter()
            .map(|e| FileError {
                file: e.file.clone(),
                message: e.to_string(),
            })
            .collect(),
        warnings: count(agg.warnings.len()),
        worker_ms: 0,
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The summary a link may carry.
pub fn summarize(agg: &Aggregate) -> ReportSummary {
    ReportSummary {
        reports: count(agg.reports),
        duplicates_skipped: count(agg.duplicates_skipped),
        first_day: agg.first_day.clone(),
        last_day: agg.last_day.clone(),
        successful: agg.total_successful_sessions,
        failed: agg.total_failed_sessions,
        failed_without_detail: agg.failed_sessions_without_detail,
        policies: agg
            .policies
            .iter()
            .map(|p| PolicyRow {
                domain: p.policy_domain.clone().unwrap_or_default(),
                policy_type: p.policy_type.as_str().to_string(),
                mode: p.mode.clone(),
                reports: count(p.reports),
                successful: p.successful_sessions,
                failed: p.failed_sessions,
            })
            .collect(),
        failures: agg
            .result_types
            .iter()
            .map(|r| FailureRow {
                result_type: r.result_type.as_str().to_string(),
                failed: r.failed_sessions,
                meaning: r.explanation.meaning.to_string(),
                fix: r.explanation.fix.to_string(),
                rule: r.explanation.rule.map(str::to_string),
                reasons: r
                    .reason_codes
                    .iter()
                    .take(MAX_DETAILS)
                    .map(|c| Reason {
                        reason: c.reason.chars().take(MAX_REASON_CHARS).collect(),
                        failed: c.failed_sessions,
                        rule: c.rule.map(str::to_string),
                    })
                    .collect(),
                mx_hosts: r
                    .receiving_mx
                    .iter()
                    .take(MAX_DETAILS)
                    .map(|k| Count {
                        key: k.key.clone(),
                        failed: k.failed_sessions,
                    })
                    .collect(),
            })
            .collect(),
        days: all_days(agg),
        advice: agg
            .advice
            .iter()
            .map(|a| AdviceRow {
                kind: match a.kind {
                    AdviceKind::AddMxPattern => Advice::AddMxPattern,
                    AdviceKind::EnforceLooksSafe => Advice::EnforceLooksSafe,
                    AdviceKind::EnforceNotYet => Advice::EnforceNotYet,
                },
                domain: a.policy_domain.clone(),
                rule: a.rule.map(str::to_string),
                message: a.message.clone(),
                pattern: a.suggested_pattern.clone(),
            })
            .collect(),
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` day.
fn day_number(day: &str) -> Option<i64> {
    parse_datetime(&format!("{day}T00:00:00Z")).map(|t| t.day_number())
}

/// The aggregate's days with the gaps filled, the latest [`MAX_CHART_DAYS`] at most.
fn all_days(agg: &Aggregate) -> Vec<DayRow> {
    let known: Vec<(i64, &mtasts_core::report::aggregate::DayCount)> =
        agg.days.iter().filter_map(|d| Some((day_number(&d.day)?, d))).collect();
    let (Some(&(first, _)), Some(&(last, _))) = (known.first(), known.last()) else {
        return Vec::new();
    };
    let first = first.max(last - (MAX_CHART_DAYS as i64 - 1));
    let mut out = Vec::new();
    let mut next = known.iter().peekable();
    for day in first..=last {
        while next.peek().is_some_and(|(d, _)| *d < day) {
            next.next();
        }
        let (successful, failed) = match next.peek() {
            Some((d, c)) if *d == day => (c.successful_sessions, c.failed_sessions),
            _ => (0, 0),
        };
        out.push(DayRow {
            day: parse::day_string(day),
            successful,
            failed,
        });
    }
    out
}

/// `n` small generated reports over 30 days (for the speed check and the demo): two
/// policies, one in testing mode and clean for the last three weeks, one in enforce mode
/// with certificate failures, and an MX host its policy does not cover.
pub fn sample_reports(n: usize) -> Vec<(String, Vec<u8>)> {
    // 2026-01-01.
    const START: i64 = 20_454;
    (0..n)
        .map(|i| {
            let day = START + (i % 30) as i64;
            let date = parse::day_string(day);
            let next = parse::day_string(day + 1);
            let org = ["google.com", "Microsoft Corporation", "mail.ru", "Example Mailer"][i % 4];
            let ok = 50 + (i * 37 % 400);
            let early = i % 30 < 9;
            let cert_fail = if i % 5 == 0 { 2 + i % 7 } else { 0 };
            let mx_fail = if early && i % 3 == 0 { 1 + i % 4 } else { 0 };
            let mut details = Vec::new();
            if cert_fail > 0 {
                details.push(format!(
                    r#"{{"result-type":"certificate-expired","sending-mta-ip":"192.0.2.{}","receiving-mx-hostname":"mx2.example.net","failed-session-count":{cert_fail},"failure-reason-code":"X509_V_ERR_CERT_HAS_EXPIRED"}}"#,
                    i % 250
                ));
            }
            if mx_fail > 0 {
                details.push(format!(
                    r#"{{"result-type":"validation-failure","sending-mta-ip":"198.51.100.{}","receiving-mx-hostname":"mx3.example.com","failed-session-count":{mx_fail},"failure-reason-code":"mx-mismatch"}}"#,
                    i % 250
                ));
            }
            let json = format!(
                r#"{{"organization-name":"{org}","date-range":{{"start-datetime":"{date}T00:00:00Z","end-datetime":"{next}T00:00:00Z"}},"contact-info":"tlsrpt@{org}","report-id":"sample-{i}","policies":[{{"policy":{{"policy-type":"sts","policy-string":["version: STSv1","mode: testing","mx: mx1.example.com","mx: mx2.example.com","max_age: 604800"],"policy-domain":"example.com","mx-host":["mx1.example.com","mx2.example.com"]}},"summary":{{"total-successful-session-count":{ok},"total-failure-session-count":{mx_fail}}},"failure-details":[{}]}},{{"policy":{{"policy-type":"sts","policy-string":["version: STSv1","mode: enforce","mx: *.example.net","max_age: 1209600"],"policy-domain":"example.net","mx-host":["mx1.example.net"]}},"summary":{{"total-successful-session-count":{},"total-failure-session-count":{cert_fail}}}{}}}]}}"#,
                if mx_fail > 0 { details.last().cloned().unwrap_or_default() } else { String::new() },
                ok / 2,
                if cert_fail > 0 {
                    format!(r#","failure-details":[{}]"#, details[0])
                } else {
                    String::new()
                },
            );
            (format!("sample-{i:04}.json"), json.into_bytes())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(name: &str) -> (String, Vec<u8>) {
        let path = format!(
            "{}/../../crates/core/tests/data/tlsrpt/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        (name.to_string(), std::fs::read(path).unwrap_or_default())
    }

    #[test]
    fn reads_files_and_names_the_bad_ones() {
        let out = process(&[
            data("rfc-example.json"),
            data("mx-mismatch.json"),
            data("not-a-report.json"),
            ("junk.bin".into(), vec![0xff, 0x00, 0x13]),
        ]);
        assert_eq!(out.files, 4);
        assert_eq!(out.files_failed, 2);
        assert_eq!(out.summary.reports, 2);
        assert!(out.summary.successful > 0);
        assert_eq!(out.errors.len(), 2, "{:?}", out.errors);
        assert!(out.errors.iter().all(|e| e.message.starts_with(&e.file)));
        assert!(out.errors.iter().any(|e| e.file == "junk.bin"));
        assert!(!out.summary.failures.is_empty());
        for f in &out.summary.failures {
            assert!(!f.meaning.is_empty() && !f.fix.is_empty());
        }
        assert!(
            out.summary.advice.iter().any(|a| a.kind == Advice::AddMxPattern),
            "{:?}",
            out.summary.advice
        );
    }

    #[test]
    fn unreadable_files_are_errors() {
        let mut reader = Reader::new();
        reader.add_unreadable("big.json", "over 64 MiB");
        let out = reader.finish();
        assert_eq!(out.files_failed, 1);
        assert_eq!(out.errors[0].message, "big.json: cannot read: over 64 MiB");
    }

    #[test]
    fn samples_give_advice_and_fill_every_day() {
        let out = process(&sample_reports(120));
        assert_eq!(out.files, 120);
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        assert_eq!(out.summary.reports, 120);
        assert_eq!(out.summary.days.len(), 30);
        assert_eq!(out.summary.first_day.as_deref(), Some("2026-01-01"));
        let kinds: Vec<Advice> = out.summary.advice.iter().map(|a| a.kind).collect();
        assert!(kinds.contains(&Advice::AddMxPattern), "{kinds:?}");
        assert!(kinds.contains(&Advice::EnforceLooksSafe), "{:?}", out.summary.advice);
        let types: Vec<&str> = out.summary.failures.iter().map(|f| f.result_type.as_str()).collect();
        assert!(types.contains(&"certificate-expired"), "{types:?}");
        assert!(types.contains(&"validation-failure"), "{types:?}");
    }

    #[test]
    fn gaps_between_days_are_zero() {
        let files: Vec<(String, Vec<u8>)> = sample_reports(30).into_iter().step_by(10).collect();
        let out = process(&files);
        assert_eq!(out.summary.days.len(), 21, "days 1, 11 and 21 and the gaps");
        assert_eq!(out.summary.days[1].successful, 0);
        assert!(out.summary.days[10].successful > 0);
    }

    #[test]
    fn outcome_round_trips_through_postcard() {
        let out = process(&sample_reports(40));
        let bytes = postcard::to_allocvec(&out).unwrap_or_default();
        let back: Outcome = postcard::from_bytes(&bytes).unwrap_or_default();
        assert_eq!(back, out);
    }
}
