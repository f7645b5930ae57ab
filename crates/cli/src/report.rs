//! `mtasts report`: read SMTP TLS reports (RFC 8460) and say what they show.
//!
//! Exit status: 0 when every file gave reports, 1 when some file (or a part of it) could
//! not be read (the rest is still shown), 2 on a usage error.

use clap::{Args, ValueEnum};
use mtasts_core::report::aggregate::Aggregator;
use mtasts_core::report::{Aggregate, LoadError, LoadErrorKind, load_file};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// A summary for people: policies, failures with explanations and fixes, advice, days.
    Text,
    /// The whole aggregate as one JSON object, with per-file errors.
    Json,
    /// One row per (day, policy domain, policy type, result type):
    /// `day,policy_domain,policy_type,result_type,sessions`. Result type `success` rows
    /// hold successful sessions; `unspecified-failure` rows failures no detail explains.
    Csv,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Report files: .json, .json.gz / .gz, .b64, .eml or .mbox (the format is sniffed from
    /// the content). A directory reads the report files in it; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

/// Extensions read when a directory is given.
const REPORT_EXTENSIONS: &[&str] = &["json", "gz", "gzip", "b64", "eml", "mbox", "mbx", "msg"];

pub fn run(args: &ReportArgs) -> ExitCode {
    if args.files.is_empty() {
        eprintln!("mtasts report: give at least one report file");
        return ExitCode::from(2);
    }
    let mut agg = Aggregator::new();
    for (name, bytes) in read_inputs(&args.files) {
        match bytes {
            Ok(bytes) => agg.add_loaded(&load_file(&name, &bytes)),
            Err(detail) => agg.add_error(LoadError {
                file: name,
                part: None,
                kind: LoadErrorKind::Unreadable { detail },
            }),
        }
    }
    let agg = agg.finish();
    let mut out = io::stdout().lock();
    let written = match args.format {
        ReportFormat::Text => write_text(&mut out, &agg),
        ReportFormat::Json => serde_json::to_writer_pretty(&mut out, &agg)
            .map_err(io::Error::other)
            .and_then(|()| writeln!(out)),
        ReportFormat::Csv => write_csv(&mut out, &agg),
    };
    if let Err(e) = written.and_then(|()| out.flush())
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        eprintln!("mtasts report: cannot write the output: {e}");
        return ExitCode::from(1);
    }
    if args.format != ReportFormat::Text {
        for e in &agg.errors {
            eprintln!("mtasts report: {e}");
        }
    }
    if agg.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Every input as (name, bytes or why it could not be read); directories are expanded
/// to the report files in them, sorted by name.
fn read_inputs(files: &[PathBuf]) -> Vec<(String, Result<Vec<u8>, String>)> {
    let mut out = Vec::new();
    for path in files {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            let read = io::stdin().lock().read_to_end(&mut bytes);
            out.push(("-".to_string(), read.map(|_| bytes).map_err(|e| e.to_string())));
        } else if path.is_dir() {
            match report_files(path) {
                Ok(found) if found.is_empty() => out.push((
                    path.display().to_string(),
                    Err(format!(
                        "the directory holds no report files ({})",
                        REPORT_EXTENSIONS.join(", ")
                    )),
                )),
                Ok(found) => out.extend(found.into_iter().map(|p| read_one(&p))),
                Err(e) => out.push((path.display().to_string(), Err(e.to_string()))),
            }
        } else {
            out.push(read_one(path));
        }
    }
    out
}

fn read_one(path: &Path) -> (String, Result<Vec<u8>, String>) {
    (
        path.display().to_string(),
        std::fs::read(path).map_err(|e| e.to_string()),
    )
}

fn report_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if path.is_file() && REPORT_EXTENSIONS.contains(&ext.as_str()) {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// How many entries the text output lists per breakdown.
const TOP: usize = 10;
/// How many warnings the text output lists.
const MAX_WARNINGS: usize = 20;

fn write_text(w: &mut impl Write, agg: &Aggregate) -> io::Result<()> {
    let range = match (&agg.first_day, &agg.last_day) {
        (Some(a), Some(b)) if a == b => format!(", {a}"),
        (Some(a), Some(b)) => format!(", {a} to {b}"),
        _ => String::new(),
    };
    let dups = if agg.duplicates_skipped > 0 {
        format!("; {} duplicate(s) skipped (same report-id)", agg.duplicates_skipped)
    } else {
        String::new()
    };
    writeln!(
        w,
        "TLS reports: {} report(s) ({} polic{}) from {} file(s){range}{dups}",
        agg.reports,
        agg.total_policies,
        if agg.total_policies == 1 { "y" } else { "ies" },
        agg.files
    )?;
    let total = agg.total_successful_sessions.saturating_add(agg.total_failed_sessions);
    let share = if total > 0 {
        format!(
            " ({:.2}% failed)",
            agg.total_failed_sessions as f64 * 100.0 / total as f64
        )
    } else {
        String::new()
    };
    writeln!(
        w,
        "Sessions: {} successful, {} failed{share}",
        agg.total_successful_sessions, agg.total_failed_sessions
    )?;
    if agg.failed_sessions_without_detail > 0 {
        writeln!(
            w,
            "  ({} failed session(s) come without failure details)",
            agg.failed_sessions_without_detail
        )?;
    }

    if !agg.policies.is_empty() {
        writeln!(w, "\nPolicies:")?;
        let rows: Vec<[String; 6]> = agg
            .policies
            .iter()
            .map(|p| {
                [
                    p.policy_domain.clone().unwrap_or_else(|| "(none)".to_string()),
                    p.policy_type.to_string(),
                    p.mode.clone().unwrap_or_else(|| "-".to_string()),
                    p.reports.to_string(),
                    p.successful_sessions.to_string(),
                    p.failed_sessions.to_string(),
                ]
            })
            .collect();
        let head = ["DOMAIN", "TYPE", "MODE", "REPORTS", "SUCCESSFUL", "FAILED"].map(String::from);
        let mut widths = head.clone().map(|h| h.chars().count());
        for r in &rows {
            for (wd, cell) in widths.iter_mut().zip(r) {
                *wd = (*wd).max(cell.chars().count());
            }
        }
        for r in std::iter::once(&head).chain(&rows) {
            let mut line = String::from(" ");
            for (i, (cell, wd)) in r.iter().zip(widths).enumerate() {
                let pad = wd.saturating_sub(cell.chars().count());
                if i >= 3 {
                    line.push_str(&format!(" {}{cell}", " ".repeat(pad + 1)));
                } else {
                    line.push_str(&format!(" {cell}{}", " ".repeat(pad + 1)));
                }
            }
            writeln!(w, "{}", line.trim_end())?;
        }
    }

    if !agg.result_types.is_empty() {
        writeln!(w, "\nFailures by result type:")?;
        for t in &agg.result_types {
            let rule = t.explanation.rule.map(|r| format!(" [{r}]")).unwrap_or_default();
            writeln!(w, "  {}: {} failed session(s){rule}", t.result_type, t.failed_sessions)?;
            writeln!(w, "    meaning: {}", t.explanation.meaning)?;
            writeln!(w, "    fix:     {}", t.explanation.fix)?;
            let mx: Vec<String> = t
                .receiving_mx
                .iter()
                .take(5)
                .map(|k| format!("{} ({})", k.key, k.failed_sessions))
                .collect();
            writeln!(w, "    MX:      {}", mx.join(", "))?;
            for r in t.reason_codes.iter().take(5) {
                let rule = r.rule.map(|r| format!(" [{r}]")).unwrap_or_default();
                writeln!(w, "    reason:  {} ({}){rule}", one_line(&r.reason), r.failed_sessions)?;
            }
        }
        list(
            w,
            "Failures by receiving MX",
            agg.by_receiving_mx.iter().map(|k| (k.key.as_str(), k.failed_sessions)),
        )?;
        list(
            w,
            "Failures by sending MTA IP",
            agg.by_sending_ip.iter().map(|k| (k.key.as_str(), k.failed_sessions)),
        )?;
    }

    if !agg.by_organization.is_empty() {
        writeln!(w, "\nReporting organizations:")?;
        for o in agg.by_organization.iter().take(TOP) {
            writeln!(
                w,
                "  {}: {} report(s), {} successful, {} failed",
                one_line(&o.organization),
                o.reports,
                o.successful_sessions,
                o.failed_sessions
            )?;
        }
        more(w, agg.by_organization.len())?;
    }

    if !agg.advice.is_empty() {
        writeln!(w, "\nAdvice:")?;
        for a in &agg.advice {
            let rule = a.rule.map(|r| format!(" [{r}]")).unwrap_or_default();
            writeln!(w, "  - {}{rule}", a.message)?;
        }
    }

    if !agg.days.is_empty() {
        writeln!(w, "\nPer day (UTC day of the report's start):")?;
        for d in &agg.days {
            writeln!(
                w,
                "  {}  successful {:>8}  failed {:>8}",
                d.day, d.successful_sessions, d.failed_sessions
            )?;
        }
    }

    if !agg.warnings.is_empty() {
        writeln!(w, "\nWarnings ({}; tolerated, counts still used):", agg.warnings.len())?;
        for x in agg.warnings.iter().take(MAX_WARNINGS) {
            writeln!(w, "  {}: {}", x.source, one_line(&x.message))?;
        }
        if agg.warnings.len() > MAX_WARNINGS {
            writeln!(
                w,
                "  … and {} more (--format json lists them all)",
                agg.warnings.len() - MAX_WARNINGS
            )?;
        }
    }

    if !agg.errors.is_empty() {
        writeln!(
            w,
            "\nErrors ({} in {} file(s); not counted):",
            agg.errors.len(),
            agg.files_failed
        )?;
        for e in &agg.errors {
            writeln!(w, "  {}", one_line(&e.to_string()))?;
        }
    }
    Ok(())
}

fn list<'a>(w: &mut impl Write, title: &str, items: impl ExactSizeIterator<Item = (&'a str, u64)>) -> io::Result<()> {
    let n = items.len();
    writeln!(w, "\n{title}:")?;
    for (key, count) in items.take(TOP) {
        writeln!(w, "  {} ({count})", one_line(key))?;
    }
    more(w, n)
}

fn more(w: &mut impl Write, n: usize) -> io::Result<()> {
    if n > TOP {
        writeln!(w, "  … and {} more", n - TOP)?;
    }
    Ok(())
}

/// Text from a report on one line, without control characters.
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

fn write_csv(w: &mut impl Write, agg: &Aggregate) -> io::Result<()> {
    writeln!(w, "day,policy_domain,policy_type,result_type,sessions")?;
    for r in &agg.rows {
        writeln!(
            w,
            "{},{},{},{},{}",
            csv_field(&r.day),
            csv_field(&r.policy_domain),
            csv_field(&r.policy_type),
            csv_field(&r.result_type),
            r.sessions
        )?;
    }
    Ok(())
}

/// RFC 4180 quoting; text that a spreadsheet would take for a formula gets a leading `'`.
pub(crate) fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mtasts_core::report::aggregate;

    const RFC: &str = include_str!("../../core/tests/data/tlsrpt/rfc-example.json");

    fn agg() -> Aggregate {
        aggregate(&[load_file("rfc.json", RFC.as_bytes()), load_file("bad.json", b"{nope")])
    }

    #[test]
    fn text_output() {
        let mut out = Vec::new();
        write_text(&mut out, &agg()).unwrap();
        let text = String::from_utf8(out).unwrap();
        for want in [
            "TLS reports: 1 report(s) (1 policy) from 2 file(s), 2016-04-01",
            "Sessions: 5326 successful, 303 failed (5.38% failed)",
            "company-y.example  sts   testing         1        5326     303",
            "starttls-not-supported: 200 failed session(s) [MXC-STARTTLS]\n",
            "    fix:     Enable STARTTLS",
            "mx2.mail.company-y.example (200)",
            "reason:  X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED (3)",
            "Company-X: 1 report(s), 5326 successful, 303 failed",
            "stay in testing mode for now",
            "2016-04-01  successful     5326  failed      303",
            "Errors (1 in 1 file(s); not counted):\n  bad.json: not JSON:",
        ] {
            assert!(text.contains(want), "missing {want:?} in\n{text}");
        }
    }

    #[test]
    fn csv_output() {
        let mut out = Vec::new();
        write_csv(&mut out, &agg()).unwrap();
        let csv = String::from_utf8(out).unwrap();
        assert_eq!(
            csv,
            "day,policy_domain,policy_type,result_type,sessions\n\
             2016-04-01,company-y.example,sts,certificate-expired,100\n\
             2016-04-01,company-y.example,sts,starttls-not-supported,200\n\
             2016-04-01,company-y.example,sts,success,5326\n\
             2016-04-01,company-y.example,sts,validation-failure,3\n"
        );
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
    }

    #[test]
    fn json_output_has_the_totals_and_errors() {
        let v = serde_json::to_value(agg()).unwrap();
        assert_eq!(v["total_successful_sessions"], 5326);
        assert_eq!(v["total_failed_sessions"], 303);
        assert_eq!(v["errors"][0]["file"], "bad.json");
        assert_eq!(v["errors"][0]["kind"], "not-json");
    }
}
