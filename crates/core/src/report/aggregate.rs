//! Any number of reports to one [`Aggregate`].
//!
//! Sessions are attributed to the UTC day of a report's `date-range` start. A report whose
//! `report-id` was already seen is skipped (the first one read counts) and counted in
//! [`Aggregate::duplicates_skipped`]. Per result type, MX, sending IP and reason code the
//! counts are the `failed-session-count`s of the failure details; senders' details do not
//! always add up to the summary's total, so the totals come from the summaries, and
//! [`Aggregate::failed_sessions_without_detail`] holds what no detail accounts for.

use super::explain::{
    Advice, AdviceKind, DayStatus, Explanation, MxSuggestion, enforce_readiness, explain, explain_reason,
    suggest_mx_pattern,
};
use super::parse::day_string;
use super::{LoadError, Loaded, PolicyType, ResultType, TlsReport};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// The most days one report's date range marks as covered (for enforce readiness).
const MAX_RANGE_DAYS: i64 = 31;

/// The sum of many reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Aggregate {
    /// Files given.
    pub files: usize,
    /// Files with at least one error.
    pub files_failed: usize,
    /// Reports counted (duplicates excluded).
    pub reports: usize,
    /// Reports skipped because their `report-id` was already counted.
    pub duplicates_skipped: usize,
    /// The ids of the skipped duplicates, each once.
    pub duplicate_report_ids: Vec<String>,
    /// Entries of `policies` in the reports counted (several may share a domain and type).
    pub total_policies: usize,
    /// The first and last UTC day with a report, `YYYY-MM-DD`.
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    pub total_successful_sessions: u64,
    pub total_failed_sessions: u64,
    /// Failed sessions of summaries that no failure detail accounts for.
    pub failed_sessions_without_detail: u64,
    /// Per policy domain and policy type.
    pub policies: Vec<PolicyAggregate>,
    /// Per result type, most failed sessions first, with what it means and how to fix it.
    pub result_types: Vec<ResultTypeCount>,
    /// Failed sessions per receiving MX host (`(not reported)` when a detail names none).
    pub by_receiving_mx: Vec<KeyCount>,
    /// Failed sessions per sending MTA IP (`(not reported)` when a detail names none).
    pub by_sending_ip: Vec<KeyCount>,
    /// Sessions per reporting organization.
    pub by_organization: Vec<OrgCount>,
    /// Sessions per UTC day, oldest first.
    pub days: Vec<DayCount>,
    /// One row per (day, policy domain, policy type, result type): `success` rows hold the
    /// successful sessions, one row per result type the failed sessions of its details, and
    /// `unspecified-failure` rows the failures no detail accounts for. Day `unknown` when a
    /// report has no readable start date.
    pub rows: Vec<Row>,
    /// Patterns to add, and whether `testing` policies can move to `enforce`.
    pub advice: Vec<Advice>,
    /// What the reader tolerated in the reports counted.
    pub warnings: Vec<ReportWarning>,
    /// Files, or parts of files, that gave no report.
    pub errors: Vec<LoadError>,
}

/// One policy domain and policy type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicyAggregate {
    pub policy_domain: Option<String>,
    pub policy_type: PolicyType,
    pub reports: usize,
    pub successful_sessions: u64,
    pub failed_sessions: u64,
    /// The `mode` of the latest policy string seen (sts only).
    pub mode: Option<String>,
    /// The `mx` patterns of the latest policy string seen.
    pub mx_patterns: Vec<String>,
    pub organizations: Vec<String>,
    /// Failed sessions per result type.
    pub result_types: Vec<KeyCount>,
    pub days: Vec<DayCount>,
    /// MX hosts the policy does not cover, with the pattern to add.
    pub mx_suggestions: Vec<MxSuggestion>,
}

/// Failed sessions of one result type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResultTypeCount {
    pub result_type: ResultType,
    pub failed_sessions: u64,
    pub explanation: Explanation,
    /// Per `failure-reason-code`, with the rule it points to.
    pub reason_codes: Vec<ReasonCount>,
    /// Per receiving MX host.
    pub receiving_mx: Vec<KeyCount>,
    /// Per policy domain.
    pub policy_domains: Vec<KeyCount>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReasonCount {
    pub reason: String,
    pub failed_sessions: u64,
    pub rule: Option<&'static str>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyCount {
    pub key: String,
    pub failed_sessions: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrgCount {
    pub organization: String,
    pub reports: usize,
    pub successful_sessions: u64,
    pub failed_sessions: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DayCount {
    pub day: String,
    pub successful_sessions: u64,
    pub failed_sessions: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    pub day: String,
    pub policy_domain: String,
    pub policy_type: String,
    pub result_type: String,
    pub sessions: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportWarning {
    pub source: String,
    pub report_id: String,
    pub message: String,
}

/// Add up the reports of loaded files (their errors are kept per file).
pub fn aggregate(loaded: &[Loaded]) -> Aggregate {
    let mut agg = Aggregator::new();
    for l in loaded {
        agg.add_loaded(l);
    }
    agg.finish()
}

/// Adds reports one at a time.
#[derive(Debug, Default)]
pub struct Aggregator {
    files: usize,
    files_failed: usize,
    seen_ids: HashSet<String>,
    reports: usize,
    duplicates: usize,
    duplicate_ids: BTreeSet<String>,
    policy_entries: usize,
    ok: u64,
    failed: u64,
    without_detail: u64,
    policies: BTreeMap<(String, PolicyType), PolicyAcc>,
    result_types: BTreeMap<ResultType, ResultAcc>,
    by_mx: BTreeMap<String, u64>,
    by_ip: BTreeMap<String, u64>,
    by_org: BTreeMap<String, (usize, u64, u64)>,
    days: BTreeMap<i64, (u64, u64)>,
    rows: BTreeMap<(String, String, String, String), u64>,
    warnings: Vec<ReportWarning>,
    errors: Vec<LoadError>,
}

#[derive(Debug, Default)]
struct PolicyAcc {
    reports: usize,
    ok: u64,
    failed: u64,
    /// The start and policy string of the latest report with a policy string.
    latest: Option<(i64, Vec<String>)>,
    orgs: BTreeSet<String>,
    result_types: BTreeMap<String, u64>,
    days: BTreeMap<i64, (u64, u64)>,
    /// Days covered by a report's date range: (sessions, failed sessions).
    covered: BTreeMap<i64, (u64, u64)>,
    /// MX hosts the senders named that the policy they saw does not cover, with failed
    /// sessions.
    uncovered: BTreeMap<String, u64>,
}

#[derive(Debug, Default)]
struct ResultAcc {
    failed: u64,
    reasons: BTreeMap<String, u64>,
    mx: BTreeMap<String, u64>,
    domains: BTreeMap<String, u64>,
}

const NOT_REPORTED: &str = "(not reported)";

fn add(map: &mut BTreeMap<String, u64>, key: &str, n: u64) {
    let slot = map.entry(key.to_string()).or_default();
    *slot = slot.saturating_add(n);
}

fn host_key(host: &str) -> String {
    let h = host.trim();
    h.strip_suffix('.').unwrap_or(h).to_ascii_lowercase()
}

impl Aggregator {
    pub fn new() -> Aggregator {
        Aggregator::default()
    }

    /// Add a file: its reports and its errors.
    pub fn add_loaded(&mut self, loaded: &Loaded) {
        self.files += 1;
        if !loaded.errors.is_empty() {
            self.files_failed += 1;
        }
        for r in &loaded.reports {
            self.add_report(r);
        }
        self.errors.extend(loaded.errors.iter().cloned());
    }

    /// Add an error of a file given only as an error (say, one that could not be read).
    pub fn add_error(&mut self, error: LoadError) {
        self.files += 1;
        self.files_failed += 1;
        self.errors.push(error);
    }

    /// Add one report. Returns false when it was skipped as a duplicate.
    pub fn add_report(&mut self, r: &TlsReport) -> bool {
        let id = r.report_id.trim();
        if !id.is_empty() && !self.seen_ids.insert(id.to_string()) {
            self.duplicates += 1;
            self.duplicate_ids.insert(id.to_string());
            return false;
        }
        self.reports += 1;
        self.policy_entries += r.policies.len();
        for w in &r.warnings {
            self.warnings.push(ReportWarning {
                source: r.source.clone(),
                report_id: r.report_id.clone(),
                message: w.clone(),
            });
        }
        let start = r.date_range.start;
        let day = start.map(|t| t.day_number());
        let day_label = day.map(day_string).unwrap_or_else(|| "unknown".to_string());
        // Days the range covers: the start day through the day of its last second.
        let covered: Vec<i64> = match (start, r.date_range.end) {
            (Some(s), Some(e)) if e.0 > s.0 => {
                let last = (e.0 - 1).div_euclid(86_400);
                let first = s.day_number();
                (first..=last.min(first + MAX_RANGE_DAYS - 1)).collect()
            }
            (Some(s), _) => vec![s.day_number()],
            _ => vec![],
        };
        let org = r.organization_name.trim();
        let org = if org.is_empty() { "(unknown organization)" } else { org };
        let (ok, failed) = (r.total_successful_sessions(), r.total_failed_sessions());
        let o = self.by_org.entry(org.to_string()).or_default();
        o.0 += 1;
        o.1 = o.1.saturating_add(ok);
        o.2 = o.2.saturating_add(failed);
        if let Some(day) = day {
            let d = self.days.entry(day).or_default();
            d.0 = d.0.saturating_add(ok);
            d.1 = d.1.saturating_add(failed);
        }
        self.ok = self.ok.saturating_add(ok);
        self.failed = self.failed.saturating_add(failed);

        let mut counted = HashSet::new();
        for p in &r.policies {
            let domain = p.policy.policy_domain.clone().unwrap_or_default();
            let ptype = p.policy.policy_type.clone();
            let key = (domain.clone(), ptype.clone());
            let (p_ok, p_failed) = (
                p.summary.total_successful_session_count,
                p.summary.total_failure_session_count,
            );
            let no_detail = p.failed_without_detail();
            self.without_detail = self.without_detail.saturating_add(no_detail);
            let row = |rt: &str| {
                (
                    day_label.clone(),
                    domain.clone(),
                    ptype.as_str().to_string(),
                    rt.to_string(),
                )
            };
            add_row(&mut self.rows, row("success"), p_ok);
            if no_detail > 0 {
                add_row(&mut self.rows, row("unspecified-failure"), no_detail);
            }

            let acc = self.policies.entry(key.clone()).or_default();
            if counted.insert(key) {
                acc.reports += 1;
            }
            acc.ok = acc.ok.saturating_add(p_ok);
            acc.failed = acc.failed.saturating_add(p_failed);
            acc.orgs.insert(org.to_string());
            if let Some(day) = day {
                let d = acc.days.entry(day).or_default();
                d.0 = d.0.saturating_add(p_ok);
                d.1 = d.1.saturating_add(p_failed);
            }
            for &c in &covered {
                let d = acc.covered.entry(c).or_default();
                d.0 = d.0.saturating_add(p_ok.saturating_add(p_failed));
                d.1 = d.1.saturating_add(p_failed);
            }
            if !p.policy.policy_string.is_empty() {
                let when = start.map(|t| t.0).unwrap_or(i64::MIN);
                if acc.latest.as_ref().is_none_or(|(t, _)| when >= *t) {
                    acc.latest = Some((when, p.policy.policy_string.clone()));
                }
            }
            // The patterns of the policy this sender saw, to hold the MX hosts it names against.
            let seen = p.policy.policy_type == PolicyType::Sts
                && !p.policy.policy_string.is_empty()
                && p.policy.mode() != Some("none");
            let patterns = if seen { p.policy.mx_patterns() } else { Vec::new() };
            let hosts = p.policy.mx_host.iter().map(|h| (h.as_str(), 0u64)).chain(
                p.failure_details
                    .iter()
                    .filter_map(|d| Some((d.receiving_mx_hostname.as_deref()?, d.failed_session_count))),
            );
            for (host, n) in hosts {
                if seen && suggest_mx_pattern(&patterns, host).is_some() {
                    add(&mut acc.uncovered, &host_key(host), n);
                }
            }

            for d in &p.failure_details {
                let n = d.failed_session_count;
                let rt = d.result_type.as_str();
                add_row(&mut self.rows, row(rt), n);
                add(&mut acc.result_types, d.result_type.as_str(), n);
                let mx = d
                    .receiving_mx_hostname
                    .as_deref()
                    .map(host_key)
                    .unwrap_or_else(|| NOT_REPORTED.to_string());
                add(&mut self.by_mx, &mx, n);
                add(&mut self.by_ip, d.sending_mta_ip.as_deref().unwrap_or(NOT_REPORTED), n);
                let ra = self.result_types.entry(d.result_type.clone()).or_default();
                ra.failed = ra.failed.saturating_add(n);
                add(&mut ra.mx, &mx, n);
                add(
                    &mut ra.domains,
                    if domain.is_empty() { NOT_REPORTED } else { &domain },
                    n,
                );
                if let Some(reason) = &d.failure_reason_code {
                    add(&mut ra.reasons, reason, n);
                }
            }
        }
        true
    }

    pub fn finish(self) -> Aggregate {
        let mut advice = Vec::new();
        let policies: Vec<PolicyAggregate> = self
            .policies
            .into_iter()
            .map(|((domain, ptype), acc)| {
                let domain = if domain.is_empty() { None } else { Some(domain) };
                let desc = acc.latest.as_ref().map(|(_, s)| super::PolicyDesc {
                    policy_type: ptype.clone(),
                    policy_string: s.clone(),
                    policy_domain: domain.clone(),
                    mx_host: Vec::new(),
                });
                let mode = desc.as_ref().and_then(|d| d.mode()).map(str::to_string);
                let patterns = desc.as_ref().map(|d| d.mx_patterns()).unwrap_or_default();
                let mut mx_suggestions = Vec::new();
                // Hosts the policy a sender saw did not cover, unless the latest policy does.
                if desc.is_some() && mode.as_deref() != Some("none") {
                    let mut seen = HashSet::new();
                    let mut hosts: Vec<(&String, &u64)> = acc.uncovered.iter().collect();
                    hosts.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
                    for (host, failed) in hosts {
                        let Some(s) = suggest_mx_pattern(&patterns, host) else {
                            continue;
                        };
                        if !seen.insert(s.pattern.clone()) {
                            continue;
                        }
                        let name = domain.as_deref().unwrap_or("(no policy domain)");
                        let sessions = if *failed > 0 {
                            format!(" ({failed} failed session(s))")
                        } else {
                            String::new()
                        };
                        advice.push(Advice {
                            policy_domain: domain.clone(),
                            kind: AdviceKind::AddMxPattern,
                            rule: Some(s.rule),
                            message: format!(
                                "{name}: MX host `{}`{sessions} is not covered by the policy: {}; add `mx: {}`",
                                s.host, s.why, s.pattern
                            ),
                            suggested_pattern: Some(s.pattern.clone()),
                        });
                        mx_suggestions.push(s);
                    }
                }
                if ptype == PolicyType::Sts {
                    let days: Vec<DayStatus> = acc
                        .covered
                        .iter()
                        .map(|(&day, &(sessions, failed))| DayStatus { day, sessions, failed })
                        .collect();
                    advice.extend(enforce_readiness(domain.as_deref(), mode.as_deref(), &days));
                }
                PolicyAggregate {
                    policy_domain: domain,
                    policy_type: ptype,
                    reports: acc.reports,
                    successful_sessions: acc.ok,
                    failed_sessions: acc.failed,
                    mode,
                    mx_patterns: patterns.iter().map(|p| p.to_string()).collect(),
                    organizations: acc.orgs.into_iter().collect(),
                    result_types: sorted(acc.result_types),
                    days: day_counts(&acc.days),
                    mx_suggestions,
                }
            })
            .collect();

        let mut result_types: Vec<ResultTypeCount> = self
            .result_types
            .into_iter()
            .map(|(rt, acc)| {
                let mut reason_codes: Vec<ReasonCount> = acc
                    .reasons
                    .into_iter()
                    .map(|(reason, n)| ReasonCount {
                        rule: explain_reason(&rt, &reason),
                        reason,
                        failed_sessions: n,
                    })
                    .collect();
                reason_codes.sort_by(|a, b| b.failed_sessions.cmp(&a.failed_sessions).then(a.reason.cmp(&b.reason)));
                ResultTypeCount {
                    explanation: explain(&rt),
                    result_type: rt,
                    failed_sessions: acc.failed,
                    reason_codes,
                    receiving_mx: sorted(acc.mx),
                    policy_domains: sorted(acc.domains),
                }
            })
            .collect();
        result_types.sort_by(|a, b| {
            b.failed_sessions
                .cmp(&a.failed_sessions)
                .then(a.result_type.cmp(&b.result_type))
        });

        let mut by_organization: Vec<OrgCount> = self
            .by_org
            .into_iter()
            .map(|(organization, (reports, ok, failed))| OrgCount {
                organization,
                reports,
                successful_sessions: ok,
                failed_sessions: failed,
            })
            .collect();
        by_organization.sort_by(|a, b| {
            b.failed_sessions
                .cmp(&a.failed_sessions)
                .then(b.reports.cmp(&a.reports))
                .then(a.organization.cmp(&b.organization))
        });

        Aggregate {
            files: self.files,
            files_failed: self.files_failed,
            reports: self.reports,
            duplicates_skipped: self.duplicates,
            duplicate_report_ids: self.duplicate_ids.into_iter().collect(),
            total_policies: self.policy_entries,
            first_day: self.days.keys().next().map(|&d| day_string(d)),
            last_day: self.days.keys().next_back().map(|&d| day_string(d)),
            total_successful_sessions: self.ok,
            total_failed_sessions: self.failed,
            failed_sessions_without_detail: self.without_detail,
            policies,
            result_types,
            by_receiving_mx: sorted(self.by_mx),
            by_sending_ip: sorted(self.by_ip),
            by_organization,
            days: day_counts(&self.days),
            rows: self
                .rows
                .into_iter()
                .map(|((day, policy_domain, policy_type, result_type), sessions)| Row {
                    day,
                    policy_domain,
                    policy_type,
                    result_type,
                    sessions,
                })
                .collect(),
            advice,
            warnings: self.warnings,
            errors: self.errors,
        }
    }
}

fn add_row(rows: &mut BTreeMap<(String, String, String, String), u64>, key: (String, String, String, String), n: u64) {
    let slot = rows.entry(key).or_default();
    *slot = slot.saturating_add(n);
}

fn sorted(map: BTreeMap<String, u64>) -> Vec<KeyCount> {
    let mut v: Vec<KeyCount> = map
        .into_iter()
        .map(|(key, failed_sessions)| KeyCount { key, failed_sessions })
        .collect();
    v.sort_by(|a, b| b.failed_sessions.cmp(&a.failed_sessions).then(a.key.cmp(&b.key)));
    v
}

fn day_counts(days: &BTreeMap<i64, (u64, u64)>) -> Vec<DayCount> {
    days.iter()
        .map(|(&d, &(ok, failed))| DayCount {
            day: day_string(d),
            successful_sessions: ok,
            failed_sessions: failed,
        })
        .collect()
}
