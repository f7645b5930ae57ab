//! One JSON document to [`TlsReport`]s, tolerant of real senders.
//!
//! Required (a document without them is "not a TLS report"): `policies`, and in each
//! entry `policy.policy-type` and `summary`. Everything else RFC 8460 requires is
//! tolerated when missing and noted in [`TlsReport::warnings`]: `organization-name`,
//! `date-range`, `report-id`, `contact-info`, either session count (taken as 0).
//! Optional fields may be absent or `null`. Unknown fields are ignored. Counts may be
//! JSON numbers or strings (`"5"`). Keys match without regard to case, `-` and `_`, so
//! misspellings such as `receiving-mx-host-name` read too; draft-era names
//! (`failure-error-code`, `additional-info-uri`) are read as their RFC names.

use super::{
    DateRange, FailureDetail, LoadErrorKind, PolicyDesc, PolicyResult, PolicyType, ResultType, Summary, TlsReport,
};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;

/// Parse a JSON document holding one report (or several: a JSON array of reports, or
/// reports one after another as in NDJSON). Fails on the first value that is not a report.
pub fn parse_json(source: &str, bytes: &[u8]) -> Result<Vec<TlsReport>, LoadErrorKind> {
    let (values, trailing) = json_values(bytes)?;
    let mut out = Vec::new();
    for (i, value) in values.iter().enumerate() {
        let source = if values.len() > 1 {
            format!("{source} (report {})", i + 1)
        } else {
            source.to_string()
        };
        let mut report = parse_report(&source, value)?;
        if let Some(t) = &trailing {
            report.warnings.push(t.clone());
        }
        out.push(report);
    }
    Ok(out)
}

/// The JSON values in `bytes`, with arrays of objects flattened, plus a warning when text
/// that is not JSON follows them.
pub(crate) fn json_values(bytes: &[u8]) -> Result<(Vec<Value>, Option<String>), LoadErrorKind> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if bytes.trim_ascii().is_empty() {
        return Err(LoadErrorKind::Empty);
    }
    let mut values = Vec::new();
    let mut trailing = None;
    for item in serde_json::Deserializer::from_slice(bytes).into_iter::<Value>() {
        match item {
            Ok(Value::Array(items)) if !items.is_empty() && items.iter().all(Value::is_object) => values.extend(items),
            Ok(v) => values.push(v),
            Err(e) if values.is_empty() => return Err(not_json(&e)),
            Err(e) => {
                trailing = Some(format!("text after the JSON was ignored ({e})"));
                break;
            }
        }
    }
    if values.is_empty() {
        return Err(LoadErrorKind::Empty);
    }
    Ok((values, trailing))
}

fn not_json(e: &serde_json::Error) -> LoadErrorKind {
    LoadErrorKind::NotJson { detail: e.to_string() }
}

/// One report object.
pub fn parse_report(source: &str, value: &Value) -> Result<TlsReport, LoadErrorKind> {
    let Some(obj) = value.as_object() else {
        return Err(LoadErrorKind::NotTlsReport {
            reason: format!("the JSON is {}, not a report object", kind_of(value)),
        });
    };
    let mut warnings = Vec::new();
    let org = get(obj, &["organization-name"]);
    let range = get(obj, &["date-range"]);
    let id = get(obj, &["report-id"]);
    let Some(policies) = get(obj, &["policies"]) else {
        let mut missing: Vec<String> = [("organization-name", org), ("date-range", range), ("report-id", id)]
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| k.to_string())
            .collect();
        missing.push("policies".into());
        return Err(LoadErrorKind::MissingFields { fields: missing });
    };
    let Some(policies) = policies.as_array() else {
        return Err(LoadErrorKind::NotTlsReport {
            reason: format!("`policies` is {}, not a list", kind_of(policies)),
        });
    };

    let organization_name = text(org, "organization-name", &mut warnings).unwrap_or_default();
    if org.is_none() {
        warnings.push("required field `organization-name` is missing".into());
    }
    let report_id = text(id, "report-id", &mut warnings).unwrap_or_default();
    if id.is_none() {
        warnings.push("required field `report-id` is missing; the report cannot be checked for duplicates".into());
    }
    let contact = get(obj, &["contact-info"]);
    let contact_info = text(contact, "contact-info", &mut warnings).filter(|s| !s.is_empty());
    if contact_info.is_none() {
        warnings.push("`contact-info` is missing or empty".into());
    }
    let date_range = date_range(range, &mut warnings);
    if policies.is_empty() {
        warnings.push("`policies` is empty".into());
    }

    let mut out = Vec::with_capacity(policies.len());
    let mut missing = Vec::new();
    for (i, p) in policies.iter().enumerate() {
        let at = format!("policies[{i}]");
        let Some(p) = p.as_object() else {
            return Err(LoadErrorKind::NotTlsReport {
                reason: format!("`{at}` is {}, not an object", kind_of(p)),
            });
        };
        match policy_result(&at, p, &mut warnings, &mut missing) {
            Some(r) => out.push(r),
            None => continue,
        }
    }
    if !missing.is_empty() {
        return Err(LoadErrorKind::MissingFields { fields: missing });
    }
    Ok(TlsReport {
        source: source.to_string(),
        organization_name,
        date_range,
        contact_info,
        report_id,
        policies: out,
        warnings,
    })
}

fn policy_result(
    at: &str,
    p: &Map<String, Value>,
    warnings: &mut Vec<String>,
    missing: &mut Vec<String>,
) -> Option<PolicyResult> {
    let policy = get(p, &["policy"]).and_then(Value::as_object);
    let summary = get(p, &["summary"]).and_then(Value::as_object);
    let ptype = policy.and_then(|o| get(o, &["policy-type"]));
    if policy.is_none() {
        missing.push(format!("{at}.policy"));
    } else if ptype.is_none() {
        missing.push(format!("{at}.policy.policy-type"));
    }
    if summary.is_none() {
        missing.push(format!("{at}.summary"));
    }
    let (policy, summary, ptype) = (policy?, summary?, ptype?);

    let ptype_text = text(Some(ptype), &format!("{at}.policy.policy-type"), warnings).unwrap_or_default();
    let policy_type = PolicyType::parse(&ptype_text);
    if let PolicyType::Other(s) = &policy_type {
        warnings.push(format!(
            "{at}.policy.policy-type `{s}` is not one of sts, tlsa, no-policy-found"
        ));
    }
    let policy_domain = text(
        get(policy, &["policy-domain"]),
        &format!("{at}.policy.policy-domain"),
        warnings,
    )
    .map(|d| d.trim_end_matches('.').to_ascii_lowercase())
    .filter(|d| !d.is_empty());
    let policy = PolicyDesc {
        policy_type,
        policy_string: string_list(get(policy, &["policy-string"]), true),
        policy_domain,
        mx_host: string_list(get(policy, &["mx-host", "mx-hosts", "mx-host-pattern"]), false),
    };

    let mut count = |keys: &[&str], what: &str| match get(summary, keys) {
        Some(v) => count_value(v, &format!("{at}.summary.{what}"), warnings),
        None => {
            warnings.push(format!("{at}.summary.{what} is missing; counted as 0"));
            0
        }
    };
    let summary = Summary {
        total_successful_session_count: count(
            &["total-successful-session-count", "total-success-session-count"],
            "total-successful-session-count",
        ),
        total_failure_session_count: count(
            &["total-failure-session-count", "total-failed-session-count"],
            "total-failure-session-count",
        ),
    };

    let mut failure_details = Vec::new();
    match get(p, &["failure-details", "failure-detail"]) {
        Some(Value::Array(items)) => {
            for (j, d) in items.iter().enumerate() {
                let at = format!("{at}.failure-details[{j}]");
                match d.as_object() {
                    Some(d) => failure_details.push(failure_detail(&at, d, warnings)),
                    None => warnings.push(format!("{at} is {}, not an object; ignored", kind_of(d))),
                }
            }
        }
        Some(Value::Object(d)) => failure_details.push(failure_detail(&format!("{at}.failure-details"), d, warnings)),
        Some(other) => warnings.push(format!(
            "{at}.failure-details is {}, not a list; ignored",
            kind_of(other)
        )),
        None => {}
    }
    Some(PolicyResult {
        policy,
        summary,
        failure_details,
    })
}

fn failure_detail(at: &str, d: &Map<String, Value>, warnings: &mut Vec<String>) -> FailureDetail {
    let mut field = |keys: &[&str]| {
        let name = keys.first().copied().unwrap_or_default();
        text(get(d, keys), &format!("{at}.{name}"), warnings).filter(|s| !s.is_empty())
    };
    let result_type = field(&["result-type"]);
    let sending_mta_ip = field(&["sending-mta-ip"]);
    let receiving_mx_hostname = field(&["receiving-mx-hostname"]);
    let receiving_mx_helo = field(&["receiving-mx-helo"]);
    let receiving_ip = field(&["receiving-ip"]);
    let additional_information = field(&["additional-information", "additional-info-uri", "additional-info"]);
    let failure_reason_code = field(&["failure-reason-code", "failure-error-code"]);
    let result_type = match result_type {
        Some(t) => ResultType::parse(&t),
        None => {
            warnings.push(format!("{at}.result-type is missing"));
            ResultType::Other("(missing)".to_string())
        }
    };
    let failed_session_count = match get(d, &["failed-session-count", "failure-session-count"]) {
        Some(v) => count_value(v, &format!("{at}.failed-session-count"), warnings),
        None => {
            warnings.push(format!("{at}.failed-session-count is missing; counted as 0"));
            0
        }
    };
    FailureDetail {
        result_type,
        sending_mta_ip,
        receiving_mx_hostname,
        receiving_mx_helo,
        receiving_ip,
        failed_session_count,
        additional_information,
        failure_reason_code,
    }
}

fn date_range(v: Option<&Value>, warnings: &mut Vec<String>) -> DateRange {
    let Some(v) = v else {
        warnings.push("required field `date-range` is missing; the report has no day".into());
        return DateRange::default();
    };
    let Some(o) = v.as_object() else {
        warnings.push(format!(
            "`date-range` is {}, not an object; the report has no day",
            kind_of(v)
        ));
        return DateRange::default();
    };
    let mut one = |key: &str| {
        let s = text(get(o, &[key]), &format!("date-range.{key}"), warnings).unwrap_or_default();
        let t = parse_datetime(&s);
        if t.is_none() {
            if s.is_empty() {
                warnings.push(format!("date-range.{key} is missing"));
            } else {
                warnings.push(format!("date-range.{key} `{s}` is not an RFC 3339 date-time"));
            }
        }
        (s, t)
    };
    let (start_datetime, start) = one("start-datetime");
    let (end_datetime, end) = one("end-datetime");
    DateRange {
        start_datetime,
        end_datetime,
        start,
        end,
    }
}

/// The value of the first of `keys` present and not `null`. Keys match exactly first,
/// then without regard to case, `-`, `_` and spaces.
fn get<'a>(obj: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    for key in keys {
        if let Some(v) = obj.get(*key).filter(|v| !v.is_null()) {
            return Some(v);
        }
    }
    for key in keys {
        let want = squash(key);
        if let Some((_, v)) = obj.iter().find(|(k, v)| !v.is_null() && squash(k) == want) {
            return Some(v);
        }
    }
    None
}

fn squash(key: &str) -> String {
    key.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A string field: strings are trimmed, numbers and booleans are written out, anything
/// else is noted and dropped.
fn text(v: Option<&Value>, at: &str, warnings: &mut Vec<String>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => None,
        other => {
            warnings.push(format!("{at} is {}, not a string; ignored", kind_of(other)));
            None
        }
    }
}

/// A list of strings, or one string. `lines`: one string is split into lines (a policy
/// string sent as the whole policy text). Trailing CR/LF and surrounding space are removed
/// and empty entries dropped.
fn string_list(v: Option<&Value>, lines: bool) -> Vec<String> {
    let one = |s: &str| -> Vec<String> {
        let parts: Vec<&str> = if lines { s.lines().collect() } else { vec![s] };
        parts
            .into_iter()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    match v {
        Some(Value::String(s)) => one(s),
        Some(Value::Array(items)) => items
            .iter()
            .flat_map(|item| match item {
                Value::String(s) => vec![s.trim().to_string()],
                Value::Null => vec![],
                other => vec![other.to_string()],
            })
            .filter(|s| !s.is_empty())
            .collect(),
        Some(Value::Number(n)) => vec![n.to_string()],
        _ => Vec::new(),
    }
}

/// A session count: a non-negative integer, as a number or a string. Anything else is
/// noted and counted as 0.
fn count_value(v: &Value, at: &str, warnings: &mut Vec<String>) -> u64 {
    let parsed = match v {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0).map(|f| f as u64)),
        Value::String(s) => {
            let s = s.trim();
            s.parse::<u64>().ok().or_else(|| {
                s.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite() && f.fract() == 0.0 && *f >= 0.0)
                    .map(|f| f as u64)
            })
        }
        _ => None,
    };
    parsed.unwrap_or_else(|| {
        warnings.push(format!("{at} `{v}` is not a count; counted as 0"));
        0
    })
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A moment, in seconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Days since 1970-01-01 (UTC).
    pub fn day_number(self) -> i64 {
        self.0.div_euclid(86_400)
    }
    /// The UTC date, `YYYY-MM-DD`.
    pub fn date(self) -> String {
        day_string(self.day_number())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.rem_euclid(86_400);
        write!(
            f,
            "{}T{:02}:{:02}:{:02}Z",
            self.date(),
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `YYYY-MM-DD` for a day number (days since 1970-01-01).
pub fn day_string(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Read an RFC 3339 date-time, tolerating what senders write: `T`, `t` or a space between
/// date and time, fractional seconds, a missing time (midnight) and a missing zone (UTC).
pub fn parse_datetime(s: &str) -> Option<Timestamp> {
    let s = s.trim().as_bytes();
    let num = |b: &[u8]| -> Option<i64> {
        if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(b).ok()?.parse().ok()
    };
    let (year, month, day) = (num(s.get(0..4)?)?, num(s.get(5..7)?)?, num(s.get(8..10)?)?);
    if s.get(4) != Some(&b'-') || s.get(7) != Some(&b'-') || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut secs = 0i64;
    let mut rest = s.get(10..)?;
    if let Some((&sep, time)) = rest.split_first() {
        if !matches!(sep, b'T' | b't' | b' ') {
            return None;
        }
        let (h, m) = (num(time.get(0..2)?)?, num(time.get(3..5)?)?);
        if time.get(2) != Some(&b':') || h > 24 || m > 59 {
            return None;
        }
        secs = h * 3600 + m * 60;
        rest = time.get(5..)?;
        if rest.first() == Some(&b':') {
            let sec = num(rest.get(1..3)?)?;
            if sec > 60 {
                return None;
            }
            secs += sec;
            rest = rest.get(3..)?;
            if rest.first() == Some(&b'.') || rest.first() == Some(&b',') {
                let digits = rest.iter().skip(1).take_while(|b| b.is_ascii_digit()).count();
                rest = rest.get(1 + digits..)?;
            }
        }
        match rest {
            b"" | b"Z" | b"z" => {}
            [sign @ (b'+' | b'-'), zone @ ..] => {
                let (zh, zm) = match zone {
                    [a, b, b':', c, d] | [a, b, c, d] => (num(&[*a, *b])?, num(&[*c, *d])?),
                    [a, b] => (num(&[*a, *b])?, 0),
                    _ => return None,
                };
                if zh > 23 || zm > 59 {
                    return None;
                }
                let offset = zh * 3600 + zm * 60;
                secs -= if *sign == b'+' { offset } else { -offset };
            }
            _ => return None,
        }
    }
    Some(Timestamp(days_from_civil(year, month, day) * 86_400 + secs))
}

use crate::civil::{civil_from_days, days_from_civil};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes() {
        let t = |s| parse_datetime(s).map(|t| t.to_string());
        assert_eq!(t("2016-04-01T00:00:00Z").as_deref(), Some("2016-04-01T00:00:00Z"));
        assert_eq!(t("2023-01-10T23:59:59").as_deref(), Some("2023-01-10T23:59:59Z"));
        assert_eq!(t("2024-06-01T01:00:00+02:00").as_deref(), Some("2024-05-31T23:00:00Z"));
        assert_eq!(
            t("2024-02-29 12:30:00.123-0130").as_deref(),
            Some("2024-02-29T14:00:00Z")
        );
        assert_eq!(t("2024-02-29").as_deref(), Some("2024-02-29T00:00:00Z"));
        assert_eq!(t("1969-12-31T23:59:59Z").as_deref(), Some("1969-12-31T23:59:59Z"));
        for bad in [
            "",
            "2024",
            "2024-13-01",
            "2024-01-01X",
            "2024-01-01T25:00",
            "2024-01-01T00:00:00+",
            "２０２４-01-01",
        ] {
            assert_eq!(t(bad), None, "{bad}");
        }
    }

    #[test]
    fn days_round_trip() {
        for day in [-800_000, -1, 0, 1, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
    }
}
