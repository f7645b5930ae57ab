//! `mtasts check DOMAIN...`: the live check — DNS over HTTPS, the policy fetched over
//! HTTPS by this process (under the proxy's safety rules), one verdict per domain.
//!
//! Exit status: 0 when no domain is broken and every check completed, 1 when a domain
//! is broken, 3 when none is broken but some check could not complete (a lookup or the
//! fetch failed), 2 on a usage or I/O error.

use clap::{Args, ValueEnum};
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use mtasts_check::dns::{RESOLVERS, check_resolver};
use mtasts_check::fetch::FetchSettings;
use mtasts_check::native::{DirectFetch, DohLookup, ReqwestHttp};
use mtasts_check::run::PolicySource;
use mtasts_check::smtp::probe_mx;
use mtasts_core::Severity;
use mtasts_core::check::{CheckEvidence, CheckReport, Source, Verdict, judge};
use mtasts_core::fetch::Snapshot;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// The verdict and why; for one domain also every finding with the DNS answer or
    /// policy line it is about.
    Text,
    /// One JSON object per domain, one per line: verdict, reasons, findings, evidence.
    Json,
    /// One row per domain: `domain,verdict,errors,warnings,sts_id,mode,reason`.
    Csv,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Domains to check.
    #[arg(value_name = "DOMAIN")]
    pub domains: Vec<String>,
    /// Read domains from FILE too, one per line (`#` starts a comment); `-` reads stdin.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// DNS-over-HTTPS resolver: a URL, or `cloudflare` (the default), `google`, `quad9`.
    #[arg(long, default_value = "cloudflare")]
    pub resolver: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// How many domains to check at once.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: u16,
    /// Show every finding for each domain, also when checking several.
    #[arg(long)]
    pub detail: bool,
    /// Give up on one HTTP request (DoH or the policy fetch) after SECS seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub timeout: u64,
    /// Remember what each domain served in FILE (JSON; created if missing, updated after
    /// the run) and compare with it next time: a policy changed without a new id
    /// (CACHE-ID-NOT-CHANGED), an id bumped before the new policy was served
    /// (CACHE-UPDATE-ORDER), MTA-STS removed while senders still cache it
    /// (CACHE-REMOVAL-WITHOUT-NONE).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Also trust the CA certificates in this PEM file (for a test bed's CA).
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Test bed only: fetch policies from this port instead of 443.
    #[arg(long, hide = true, default_value_t = 443)]
    pub https_port: u16,
    /// Do not connect to the MX hosts on port 25 (by default each MX host of a domain
    /// with MTA-STS is probed: STARTTLS offered, certificate valid for its name).
    #[arg(long)]
    pub no_probe_mx: bool,
    /// Test bed only: probe MX hosts on this port instead of 25.
    #[arg(long, hide = true, default_value_t = 25)]
    pub smtp_port: u16,
    /// Test bed only: allow policy hosts on loopback addresses.
    #[arg(long, hide = true)]
    pub allow_loopback: bool,
}

pub fn run(args: &CheckArgs) -> ExitCode {
    match prepare(args) {
        Ok((domains, setup)) => {
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(rt) => rt,
                Err(e) => {
                    eprintln!("mtasts check: cannot start the async runtime: {e}");
                    return ExitCode::from(2);
                }
            };
            runtime.block_on(check_all(args, &domains, &setup))
        }
        Err(e) => {
            eprintln!("mtasts check: {e}");
            ExitCode::from(2)
        }
    }
}

struct Setup {
    http: ReqwestHttp,
    resolver: String,
    fetch: DirectFetch<DohLookup>,
    /// What the `--state` file remembers, by domain (A-label form).
    previous: BTreeMap<String, Snapshot>,
}

/// The `--state` file.
#[derive(Debug, Default, Serialize, Deserialize)]
struct StateFile {
    /// What each domain served at its last check.
    domains: BTreeMap<String, Snapshot>,
}

fn read_state(path: &Path) -> Result<StateFile, String> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            format!(
                "--state {} is not a state file written by mtasts check: {e}",
                path.display()
            )
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(StateFile::default()),
        Err(e) => Err(format!("cannot read --state {}: {e}", path.display())),
    }
}

/// Write the state file whole, then move it into place, so a crash never leaves half a file.
fn write_state(path: &Path, state: &StateFile) -> Result<(), String> {
    let json = serde_json::to_vec_pretty(state).map_err(|e| e.to_string())?;
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, json)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| format!("cannot write --state {}: {e}", path.display()))
}

fn prepare(args: &CheckArgs) -> Result<(Vec<String>, Setup), String> {
    let mut domains = args.domains.clone();
    for file in &args.files {
        domains.extend(read_domains(file)?);
    }
    if domains.is_empty() {
        return Err("give at least one domain (or -f FILE)".into());
    }
    let resolver = match RESOLVERS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(&args.resolver))
    {
        Some((_, url)) => url.to_string(),
        None => {
            check_resolver(&args.resolver)?;
            args.resolver.clone()
        }
    };
    let extra_roots_pem = match &args.ca_file {
        Some(path) => std::fs::read(path).map_err(|e| format!("cannot read --ca-file {}: {e}", path.display()))?,
        None => Vec::new(),
    };
    if args.allow_loopback {
        eprintln!(
            "mtasts check: WARNING: --allow-loopback lets policy hosts resolve to loopback addresses (test bed only)"
        );
    }
    let timeout = Duration::from_secs(args.timeout.max(1));
    let http = ReqwestHttp::new(timeout, &extra_roots_pem)?;
    let settings = FetchSettings {
        allow_loopback: args.allow_loopback,
        https_port: args.https_port,
        extra_roots_pem,
        connect_timeout: timeout.min(Duration::from_secs(10)),
        total_timeout: timeout,
    };
    settings.check()?;
    let fetch = DirectFetch {
        lookup: DohLookup {
            http: http.clone(),
            resolver: resolver.clone(),
        },
        settings,
    };
    let previous = match &args.state {
        Some(path) => read_state(path)?.domains,
        None => BTreeMap::new(),
    };
    Ok((
        domains,
        Setup {
            http,
            resolver,
            fetch,
            previous,
        },
    ))
}

fn read_domains(file: &PathBuf) -> Result<Vec<String>, String> {
    let mut text = String::new();
    let name = file.display();
    if file.as_os_str() == "-" {
        io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
    } else {
        let f = std::fs::File::open(file).map_err(|e| format!("cannot read {name}: {e}"))?;
        for line in io::BufReader::new(f).lines() {
            text.push_str(&line.map_err(|e| format!("cannot read {name}: {e}"))?);
            text.push('\n');
        }
    }
    Ok(text
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// One domain's result: the evidence and its judgment, or why it was not checked.
type Outcome = (String, Result<(CheckEvidence, CheckReport), String>);

/// Probe each MX host of a domain that publishes MTA-STS (at most
/// [`mtasts_core::check::MX_FOLLOW_UPS`], all at once) and judge again.
async fn probe_mx_hosts(evidence: &mut CheckEvidence, report: &mut CheckReport, setup: &Setup, args: &ProbeArgs) {
    if report.sts_id.is_none() {
        return;
    }
    if args.disabled {
        evidence.mx_probe_unavailable = Some("probing was turned off (--no-probe-mx)".into());
        *report = judge(evidence);
        return;
    }
    let mut hosts: Vec<String> = Vec::new();
    for host in report.mx.iter().flatten() {
        if let Some(name) = mtasts_core::mx::normalize_host(host)
            && !hosts.contains(&name)
            && hosts.len() < mtasts_core::check::MX_FOLLOW_UPS
        {
            hosts.push(name);
        }
    }
    if hosts.is_empty() {
        return;
    }
    let probes = hosts
        .iter()
        .map(|h| probe_mx(h, &setup.fetch.lookup, &setup.fetch.settings, args.smtp_port));
    evidence.mx_probes = futures_util::future::join_all(probes).await;
    *report = judge(evidence);
}

/// How MX hosts are probed.
struct ProbeArgs {
    disabled: bool,
    smtp_port: u16,
}

async fn check_one(domain: String, setup: &Setup, probe: &ProbeArgs) -> Outcome {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs());
    let policy: &dyn PolicySource = &setup.fetch;
    let result = mtasts_check::run(&domain, &setup.http, &setup.resolver, Ok(policy), now, &mut |_| {})
        .await
        .map(|mut evidence| {
            let key = mtasts_core::mx::normalize_host(&domain).unwrap_or_default();
            if let (Some(fetch), Some(previous)) = (&mut evidence.fetch, setup.previous.get(&key)) {
                fetch.previous = Some(previous.clone());
            }
            let report = judge(&evidence);
            (evidence, report)
        });
    let result = match result {
        Ok((mut evidence, mut report)) => {
            probe_mx_hosts(&mut evidence, &mut report, setup, probe).await;
            Ok((evidence, report))
        }
        Err(e) => Err(e),
    };
    (domain, result)
}

async fn check_all(args: &CheckArgs, domains: &[String], setup: &Setup) -> ExitCode {
    let many = domains.len() > 1;
    let bar = if many && io::stderr().is_terminal() {
        let bar = ProgressBar::new(domains.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} domains, {per_sec}, {eta} left  {msg}") {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let probe = ProbeArgs {
        disabled: args.no_probe_mx,
        smtp_port: args.smtp_port,
    };
    let mut out = io::stdout().lock();
    if args.format == CheckFormat::Csv && writeln!(out, "domain,verdict,errors,warnings,sts_id,mode,reason").is_err() {
        return ExitCode::from(2);
    }
    // Results print in input order; `buffered` runs up to `concurrency` checks at once.
    let mut results = futures_util::stream::iter(domains.iter().cloned())
        .map(|d| check_one(d, setup, &probe))
        .buffered(usize::from(args.concurrency));
    let mut worst = ExitCode::SUCCESS;
    let (mut broken, mut incomplete) = (false, false);
    let mut state = StateFile {
        domains: setup.previous.clone(),
    };
    while let Some((domain, result)) = results.next().await {
        bar.inc(1);
        bar.set_message(domain.clone());
        if let Ok((evidence, report)) = &result
            && let Some(fetch) = &evidence.fetch
        {
            let mut seen = fetch.clone();
            seen.txt_id = report.sts_id.clone();
            state.domains.insert(report.domain.clone(), seen.snapshot());
        }
        match &result {
            Ok((_, r)) if r.verdict == Verdict::Broken => broken = true,
            Ok((_, r)) if r.verdict == Verdict::Incomplete => incomplete = true,
            Err(_) => incomplete = true,
            Ok(_) => {}
        }
        let written = bar.suspend(|| match args.format {
            CheckFormat::Text => write_text(&mut out, &domain, &result, !many || args.detail),
            CheckFormat::Json => write_json(&mut out, &domain, &result),
            CheckFormat::Csv => write_csv(&mut out, &domain, &result),
        });
        if let Err(e) = written {
            bar.finish_and_clear();
            eprintln!("mtasts check: cannot write the output: {e}");
            return ExitCode::from(2);
        }
    }
    bar.finish_and_clear();
    if let Some(path) = &args.state
        && let Err(e) = write_state(path, &state)
    {
        eprintln!("mtasts check: {e}");
        return ExitCode::from(2);
    }
    if broken {
        worst = ExitCode::from(1);
    } else if incomplete {
        worst = ExitCode::from(3);
    }
    worst
}

fn write_text(
    out: &mut impl Write,
    domain: &str,
    result: &Result<(CheckEvidence, CheckReport), String>,
    detail: bool,
) -> io::Result<()> {
    let (evidence, r) = match result {
        Ok(x) => x,
        Err(e) => return writeln!(out, "{domain}: not checked: {e}"),
    };
    writeln!(
        out,
        "{}: {}: {}",
        r.domain,
        r.verdict.as_str().to_uppercase(),
        r.headline()
    )?;
    if !detail {
        for reason in r.reasons.iter().skip(1) {
            writeln!(out, "  - {reason}")?;
        }
        return Ok(());
    }
    for reason in r.reasons.iter().skip(1) {
        writeln!(out, "  - {reason}")?;
    }
    let dnssec = if r.dnssec {
        "every answer DNSSEC-validated (AD bit set)"
    } else {
        "not DNSSEC-validated (AD bit not set on every answer)"
    };
    writeln!(out, "DNS via {}: {dnssec}", evidence.resolver.as_deref().unwrap_or("?"))?;
    let dns: Vec<_> = r.findings().into_iter().filter(|(s, _)| *s == Source::Dns).collect();
    if !dns.is_empty() {
        writeln!(out, "\nDNS answers:")?;
        crate::render::text(out, "dns", r.dns_text.as_bytes(), &r.dns)?;
    }
    if let Some(fetch) = &r.fetch {
        writeln!(out, "\nPolicy fetch ({}):", fetch.url)?;
        for d in &fetch.diagnostics {
            writeln!(out, "{}[{}]: {}", severity_word(d.severity), d.rule.code, d.message)?;
        }
        if let (Some(policy), Some(body)) = (&fetch.policy, evidence.fetch.as_ref().and_then(|f| f.body_bytes())) {
            writeln!(out, "\nPolicy file:")?;
            crate::render::text(out, "mta-sts.txt", &body, policy)?;
        }
    } else if let Some(why) = &evidence.fetch_unavailable {
        writeln!(out, "\nPolicy fetch: not done: {why}")?;
    }
    if !r.mx_probes.is_empty() {
        writeln!(out, "\nMX hosts (SMTP, STARTTLS and certificate):")?;
        for p in &r.mx_probes {
            writeln!(out, "{}: {}", p.mx_host, p.summary())?;
            for d in &p.diagnostics {
                writeln!(out, "  {}[{}]: {}", severity_word(d.severity), d.rule.code, d.message)?;
            }
        }
    }
    writeln!(out, "\n{}: {}", r.domain, summary_counts(r))?;
    Ok(())
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn summary_counts(r: &CheckReport) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{} ({}, {}, {})",
        r.verdict.as_str(),
        plural(r.count(Severity::Error), "error"),
        plural(r.count(Severity::Warning), "warning"),
        plural(r.count(Severity::Info), "note")
    )
}

fn finding_json(source: Source, d: &mtasts_core::Diagnostic) -> serde_json::Value {
    serde_json::json!({
        "code": d.rule.code,
        "severity": d.severity,
        "message": d.message,
        "rfc": d.rule.rfc,
        "source": source,
        "line": d.line,
        "column": d.column,
    })
}

fn write_json(
    out: &mut impl Write,
    domain: &str,
    result: &Result<(CheckEvidence, CheckReport), String>,
) -> io::Result<()> {
    let value = match result {
        Err(e) => serde_json::json!({ "domain": domain, "verdict": null, "error": e }),
        Ok((evidence, r)) => serde_json::json!({
            "domain": r.domain,
            "verdict": r.verdict,
            "reasons": r.reasons,
            "sts_id": r.sts_id,
            "mode": r.mode,
            "mx": r.mx,
            "dnssec": r.dnssec,
            "findings": r.findings().into_iter().map(|(s, d)| finding_json(s, d)).collect::<Vec<_>>(),
            "dns_text": r.dns_text,
            "evidence": evidence,
        }),
    };
    serde_json::to_writer(&mut *out, &value).map_err(io::Error::other)?;
    writeln!(out)
}

fn write_csv(
    out: &mut impl Write,
    domain: &str,
    result: &Result<(CheckEvidence, CheckReport), String>,
) -> io::Result<()> {
    use crate::report::csv_field;
    match result {
        Err(e) => writeln!(out, "{},not checked,,,,,{}", csv_field(domain), csv_field(e)),
        Ok((_, r)) => writeln!(
            out,
            "{},{},{},{},{},{},{}",
            csv_field(&r.domain),
            r.verdict.as_str(),
            r.count(Severity::Error),
            r.count(Severity::Warning),
            csv_field(r.sts_id.as_deref().unwrap_or_default()),
            r.mode.map_or("", |m| m.as_str()),
            csv_field(r.headline())
        ),
    }
}
