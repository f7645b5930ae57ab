//! The generator: correct policies, records and hosting files from a few answers.
//!
//! [`generate`] checks the answers, then writes a policy, the `_mta-sts` and `_smtp._tls`
//! TXT records, the record for the policy host, hosting files and advice. Everything it
//! writes lints with no error and no warning; anything that would is refused with a
//! [`GenerateError`] naming the field.

mod dns;
mod hosting;
mod id;
mod input;

pub use dns::{DnsRecord, RecordType, TXT_STRING_MAX, quote_txt, split_txt};
pub use hosting::{
    APACHE, CADDY, CLOUDFLARE_WORKERS, GITHUB_PAGES, HostingFile, NETLIFY, NGINX, PLATFORMS, POLICY_PATH, js_string,
    nginx_string,
};
pub use id::{CivilTime, fnv1a32, policy_id};
pub use input::{
    DEFAULT_MAX_AGE, DEFAULT_TTL, Field, GenerateError, GenerateInput, LineEnding, MAX_POLICY_BYTES, MAX_TTL,
    MIN_MAX_AGE_ENFORCE, MIN_MAX_AGE_TESTING,
};

use crate::mta_sts::Mode;
use input::{Checked, HostTarget};
use serde::Serialize;

/// Seconds as a rough human duration: "1 hour", "1 day", "2 weeks", "1 year".
pub fn human_duration(secs: u64) -> String {
    const UNITS: [(u64, &str); 6] = [
        (31_557_600, "year"),
        (604_800, "week"),
        (86_400, "day"),
        (3_600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    if secs == 0 {
        return "0 seconds".to_string();
    }
    for (size, name) in UNITS {
        if secs >= size {
            let n = secs / size;
            let exact = n * size == secs;
            let about = if exact { "" } else { "about " };
            return format!("{about}{n} {name}{}", if n == 1 { "" } else { "s" });
        }
    }
    unreachable!("secs >= 1")
}

/// How `mta-sts.<domain>` gets its address: a record to publish, or what to do instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HostSetup {
    /// An A, AAAA or CNAME record for `mta-sts.<domain>`.
    Record(DnsRecord),
    /// No target was given: what to point the name at.
    Instruction(String),
}

impl HostSetup {
    pub fn record(&self) -> Option<&DnsRecord> {
        match self {
            HostSetup::Record(r) => Some(r),
            HostSetup::Instruction(_) => None,
        }
    }
}

/// Everything the generator produces.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Generated {
    /// The policy domain in A-label form.
    pub domain: String,
    /// `mta-sts.<domain>`.
    pub policy_host: String,
    /// `https://mta-sts.<domain>/.well-known/mta-sts.txt`.
    pub policy_url: String,
    pub mode: Mode,
    pub max_age: u64,
    /// The `mx` patterns as written in the policy: lower case, A-labels, no duplicates.
    pub mx: Vec<String>,
    /// The TLS-RPT destinations as written in the record.
    pub rua: Vec<String>,
    pub line_ending: LineEnding,
    /// The policy file: version, mode, mx lines, max_age, each line terminated, no BOM.
    pub policy: String,
    /// The `_mta-sts` id.
    pub id: String,
    /// When the id says the policy was issued, e.g. `2026-11-20 08:00:00 UTC`.
    pub issued: String,
    /// The `_mta-sts` TXT value: `v=STSv1; id=<id>`.
    pub sts_txt: String,
    /// The `_smtp._tls` TXT value, when TLS-RPT destinations were given.
    pub tlsrpt_txt: Option<String>,
    /// The record for `mta-sts.<domain>`, or an instruction.
    pub host: HostSetup,
    /// Every DNS record, in the order to publish them: policy host, `_smtp._tls`, and
    /// `_mta-sts` last (once the policy is served).
    pub records: Vec<DnsRecord>,
    /// The records as a BIND zone-file fragment.
    pub zone: String,
    /// Advice for this deployment.
    pub notes: Vec<String>,
    /// Hosting files for every platform in [`PLATFORMS`].
    pub hosting: Vec<HostingFile>,
}

/// One file to write: a path relative to an output directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutputFile<'a> {
    pub path: String,
    pub contents: &'a str,
}

impl Generated {
    /// The policy at `.well-known/mta-sts.txt`, then every hosting file at
    /// `<platform>/<path>`.
    pub fn files(&self) -> Vec<OutputFile<'_>> {
        let mut out = vec![OutputFile {
            path: POLICY_PATH[1..].to_string(),
            contents: &self.policy,
        }];
        out.extend(self.hosting.iter().map(|f| OutputFile {
            path: format!("{}/{}", f.platform, f.path),
            contents: &f.contents,
        }));
        out
    }

    /// The hosting files of one platform.
    pub fn hosting_for<'a>(&'a self, platform: &'a str) -> impl Iterator<Item = &'a HostingFile> + 'a {
        self.hosting.iter().filter(move |f| f.platform == platform)
    }

    /// The `_mta-sts` TXT record.
    pub fn sts_record(&self) -> Option<&DnsRecord> {
        self.records.iter().find(|r| r.owner.starts_with("_mta-sts."))
    }

    /// The `_smtp._tls` TXT record.
    pub fn tlsrpt_record(&self) -> Option<&DnsRecord> {
        self.records.iter().find(|r| r.owner.starts_with("_smtp._tls."))
    }
}

/// Build the policy, records, hosting files and notes; refuse any input whose output
/// would not lint clean.
pub fn generate(input: &GenerateInput) -> Result<Generated, GenerateError> {
    let c = input::check(input)?;
    let policy = policy_text(&c);
    if policy.len() > MAX_POLICY_BYTES {
        return Err(GenerateError::new(
            Field::Mx,
            format!("{} patterns", c.mx.len()),
            format!(
                "the policy would be {} bytes; senders may refuse bodies over {MAX_POLICY_BYTES} bytes (RFC 8461 §3.3): use wildcards or fewer patterns",
                policy.len()
            ),
        ));
    }
    let id = policy_id(c.issued_at, &policy);
    let time = CivilTime::from_unix(c.issued_at);
    let sts_txt = format!("v=STSv1; id={id}");
    let tlsrpt_txt = tlsrpt_value(&c.rua)?;
    let policy_host = format!("mta-sts.{}", c.domain);
    let host = host_setup(&c, &policy_host);

    let mut records = Vec::new();
    if let Some(r) = host.record() {
        records.push(r.clone());
    }
    if let Some(value) = &tlsrpt_txt {
        records.push(DnsRecord::new(
            format!("_smtp._tls.{}.", c.domain),
            RecordType::Txt,
            c.ttl,
            value.clone(),
        ));
    }
    records.push(DnsRecord::new(
        format!("_mta-sts.{}.", c.domain),
        RecordType::Txt,
        c.ttl,
        sts_txt.clone(),
    ));
    let mut zone = format!("; MTA-STS for {} (policy id {id}); publish in this order.\n", c.domain);
    for r in &records {
        zone.push_str(&r.zone_line);
        zone.push('\n');
    }

    let date = time.date();
    let site = hosting::Site {
        domain: &c.domain,
        host: &policy_host,
        policy: &policy,
        id: &id,
        line_ending: c.line_ending,
        date: &date,
    };
    let hosting = hosting::all(&site);
    let notes = notes(&c, &policy_host, &policy, tlsrpt_txt.is_some());

    Ok(Generated {
        policy_url: format!("https://{policy_host}{POLICY_PATH}"),
        domain: c.domain,
        policy_host,
        mode: c.mode,
        max_age: c.max_age,
        mx: c.mx.iter().map(ToString::to_string).collect(),
        rua: c.rua,
        line_ending: c.line_ending,
        policy,
        id,
        issued: time.readable(),
        sts_txt,
        tlsrpt_txt,
        host,
        records,
        zone,
        notes,
        hosting,
    })
}

/// `version`, `mode`, each `mx`, `max_age`; every line terminated.
fn policy_text(c: &Checked) -> String {
    let nl = c.line_ending.as_str();
    let mut p = format!("version: STSv1{nl}mode: {}{nl}", c.mode.as_str());
    for mx in &c.mx {
        p.push_str(&format!("mx: {mx}{nl}"));
    }
    p.push_str(&format!("max_age: {}{nl}", c.max_age));
    p
}

/// `v=TLSRPTv1; rua=a,b`. A value over 255 bytes is written `a, b` (the grammar allows
/// WSP around `,`) so the zone file can cut it between destinations.
fn tlsrpt_value(rua: &[String]) -> Result<Option<String>, GenerateError> {
    if rua.is_empty() {
        return Ok(None);
    }
    let compact = format!("v=TLSRPTv1; rua={}", rua.join(","));
    if compact.len() <= TXT_STRING_MAX {
        return Ok(Some(compact));
    }
    let spaced = format!("v=TLSRPTv1; rua={}", rua.join(", "));
    if split_txt(&spaced).1 {
        return Ok(Some(spaced));
    }
    let longest = rua.iter().max_by_key(|u| u.len()).map_or("", String::as_str);
    Err(GenerateError::new(
        Field::Rua,
        longest,
        format!(
            "it is {} bytes long; every destination must fit in one {TXT_STRING_MAX}-byte TXT string, use a shorter address",
            longest.len()
        ),
    ))
}

fn host_setup(c: &Checked, policy_host: &str) -> HostSetup {
    let owner = format!("{policy_host}.");
    match &c.host {
        Some(HostTarget::V4(a)) => HostSetup::Record(DnsRecord::new(owner, RecordType::A, c.ttl, a.to_string())),
        Some(HostTarget::V6(a)) => HostSetup::Record(DnsRecord::new(owner, RecordType::Aaaa, c.ttl, a.to_string())),
        Some(HostTarget::Name(n)) => {
            HostSetup::Record(DnsRecord::new(owner, RecordType::Cname, c.ttl, format!("{n}.")))
        }
        None => HostSetup::Instruction(format!(
            "Point `{policy_host}` at a web server that serves the policy over HTTPS: A and AAAA records for your own server, or a CNAME to a hosting service (GitHub Pages: `<user>.github.io`; Netlify: the site's `.netlify.app` name; a Cloudflare Workers custom domain creates the record itself). Its certificate must be valid for `{policy_host}`."
        )),
    }
}

fn notes(c: &Checked, policy_host: &str, policy: &str, has_tlsrpt: bool) -> Vec<String> {
    let domain = &c.domain;
    let mut n = Vec::new();
    match c.mode {
        Mode::Testing => n.push(format!(
            "Mode `testing`: senders deliver even when TLS fails and report the failure (RFC 8461 §5). Once TLS-RPT reports show no failures for a few weeks, switch to `enforce` with max_age of at least {} and generate again, which gives a new id.",
            human_duration(MIN_MAX_AGE_ENFORCE)
        )),
        Mode::Enforce => n.push(
            "Mode `enforce`: senders refuse to deliver to an MX that does not match a pattern, lacks STARTTLS, or presents a certificate that is expired, untrusted, or not valid for the MX host name (RFC 8461 §4, §5). Check every MX before publishing, and keep renewing its certificate."
                .to_string(),
        ),
        Mode::None => {
            n.push(format!(
                "Mode `none` opts out (RFC 8461 §5). To remove MTA-STS (§8.3): publish this policy with the new id, keep serving it until the longest max_age you ever published has passed since the change, and only then delete the `_mta-sts` record and the policy host. Keep max_age small here ({} now).",
                human_duration(c.max_age)
            ));
            if c.mx.is_empty() {
                n.push(
                    "A `none` policy without `mx` lines is valid, but some senders (chasquid, Stalwart, mailrs) reject it and keep their cached older policy; listing your MX hosts avoids that."
                        .to_string(),
                );
            }
        }
    }
    if c.mode != Mode::None && !has_tlsrpt {
        n.push(format!(
            "MODE-NO-TLSRPT: mode `{}` without a TLS-RPT record gives you no reports, so you will not see delivery failures (RFC 8461 §6, RFC 8460); add a destination (rua), ideally a mailbox outside {domain} or an https endpoint.",
            c.mode.as_str()
        ));
    }
    for uri in &c.rua {
        let Some(addr) = uri.strip_prefix("mailto:") else {
            continue;
        };
        let mail_domain = addr
            .split('?')
            .next()
            .and_then(|a| a.rsplit_once('@'))
            .map(|(_, d)| d.to_ascii_lowercase());
        if let Some(d) = mail_domain.filter(|d| d == domain || d.ends_with(&format!(".{domain}"))) {
            n.push(format!(
                "TLS-RPT reports to `{uri}` go to {d}, the domain this policy protects: if its mail servers break, reports about it may not arrive. A mailbox on another domain or an https destination is more robust."
            ));
        }
    }
    if c.mode != Mode::None || !c.mx.is_empty() {
        n.push(format!(
            "The mx patterns must cover every host the MX records of {domain} point to (`dig +short MX {domain}`); check with `mtasts lint --mx <host> policy.txt`. A pattern matches the MX name, not its address."
        ));
    }
    if c.mx.iter().any(|p| p.wildcard) {
        n.push(
            "A `*.` pattern matches exactly one label: `*.example.net` covers `mx1.example.net`, but neither `example.net` nor `a.mx1.example.net` (RFC 8461 §4.1). Any host there with a publicly trusted certificate counts as a valid MX (§10.4), so prefer exact names when you can."
                .to_string(),
        );
    }
    if c.mx.iter().any(|p| p.wildcard && p.domain == "mx.microsoft") {
        n.push(
            "Microsoft 365 tenants with DANE use MX hosts such as `<tenant>.<x>-v1.mx.microsoft`, two labels below `mx.microsoft`, which `*.mx.microsoft` does not cover: list the exact MX host or `*.<x>-v1.mx.microsoft`."
                .to_string(),
        );
    }
    for w in c.mx.iter().filter(|p| p.wildcard) {
        for l in c.mx.iter().filter(|p| w.covers(p)) {
            n.push(format!(
                "`mx: {l}` is already covered by `mx: {w}`; it is harmless but redundant."
            ));
        }
    }
    n.extend(c.notes.iter().cloned());
    match &c.host {
        Some(HostTarget::V4(a)) => {
            if a.is_private() || a.is_loopback() || a.is_link_local() || a.is_unspecified() || a.is_documentation() {
                n.push(format!("{a} is not a public address: senders on the Internet cannot reach it."));
            }
            n.push(format!("Only an A record is generated; if the policy host has IPv6, add its AAAA record for `{policy_host}` too (some senders are IPv6-only)."));
        }
        Some(HostTarget::V6(a)) => {
            let documentation = a.segments()[0] == 0x2001 && a.segments()[1] == 0x0db8;
            if a.is_loopback() || a.is_unspecified() || a.is_unique_local() || a.is_unicast_link_local() || documentation
            {
                n.push(format!("{a} is not a public address: senders on the Internet cannot reach it."));
            }
            n.push(format!("Only an AAAA record is generated; add an A record for `{policy_host}` too, since many senders have IPv4 only."));
        }
        Some(HostTarget::Name(t)) => n.push(format!(
            "With `{policy_host}` a CNAME to `{t}`, the server there must still present a certificate valid for `{policy_host}` (RFC 8461 §3.3, §8.2); one for `{t}` alone fails."
        )),
        None => {}
    }
    n.push(format!(
        "Serve the policy at exactly https://{policy_host}{POLICY_PATH} (the path is case-sensitive) with status 200, Content-Type text/plain and a certificate valid for `{policy_host}`. Senders follow no redirects (RFC 8461 §3.3), and bot protection or challenges on that host block them."
    ));
    n.push(
        "Publish in order: the policy file first, then the DNS records (TLS-RPT, then `_mta-sts` last). On every later change, update the policy file first and the `_mta-sts` id after it (RFC 8461 §8.1); generating again gives a new id."
            .to_string(),
    );
    n.push(format!(
        "Every mail domain needs its own records and policy host: subdomains and alias domains do not inherit the policy of {domain} (RFC 8461 §3.4)."
    ));
    if c.line_ending == LineEnding::Lf {
        n.push(
            "LF line endings are valid (RFC 8461 §3.2 grammar), but the RFC prose says CRLF and a few strict checkers flag LF; CRLF avoids the argument."
                .to_string(),
        );
    }
    n.push(format!(
        "The policy is {} bytes with {} line endings; upload it unchanged (no BOM, no editor conversion).",
        policy.len(),
        c.line_ending.name()
    ));
    n
}
