//! `mtasts generate`: a policy, its DNS records and hosting files from a few answers.

use clap::{Args, ValueEnum};
use mtasts_core::generate::{self, Field, GenerateError, GenerateInput, Generated, HostSetup, LineEnding};
use mtasts_core::mta_sts::Mode;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// Senders deliver anyway and report failures: start here.
    Testing,
    /// Senders refuse MX hosts that fail the checks.
    Enforce,
    /// Opt out (the first step of removing MTA-STS, RFC 8461 §8.3).
    None,
}

impl From<ModeArg> for Mode {
    fn from(m: ModeArg) -> Mode {
        match m {
            ModeArg::Testing => Mode::Testing,
            ModeArg::Enforce => Mode::Enforce,
            ModeArg::None => Mode::None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GenerateFormat {
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// The mail domain to protect: the part after `@`, e.g. example.com.
    #[arg(long, value_name = "DOMAIN")]
    pub domain: String,
    /// Policy mode.
    #[arg(long, value_enum, default_value_t = ModeArg::Testing)]
    pub mode: ModeArg,
    /// An MX host name or pattern, e.g. mx1.example.com or *.mail.example.net (repeatable,
    /// or comma-separated). Required for testing and enforce.
    #[arg(long = "mx", value_name = "HOST", value_delimiter = ',')]
    pub mx: Vec<String>,
    /// How long senders may cache the policy: seconds, or a number with s, m, h, d or w
    /// (at least 1d for testing, 1w for enforce; at most 31557600).
    #[arg(long, value_name = "DURATION", default_value = "604800", value_parser = parse_duration)]
    pub max_age: u64,
    /// A TLS-RPT destination: mailto:x@example.net, x@example.net or https://… (repeatable,
    /// or comma-separated).
    #[arg(long = "rua", value_name = "URI", value_delimiter = ',')]
    pub rua: Vec<String>,
    /// End policy lines with LF instead of CRLF.
    #[arg(long)]
    pub lf: bool,
    /// Where mta-sts.<domain> should point: an IPv4/IPv6 address (A/AAAA record) or a host
    /// name (CNAME). Without it, the output says what to do instead.
    #[arg(long, value_name = "ADDRESS|HOST")]
    pub policy_host: Option<String>,
    /// TTL of the DNS records, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = generate::DEFAULT_TTL)]
    pub ttl: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GenerateFormat::Text)]
    pub format: GenerateFormat,
    /// Also write the files: the policy as DIR/.well-known/mta-sts.txt and hosting files
    /// under DIR/<platform>/, byte for byte.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
}

/// `604800`, `7d`, `2w`, `36h`, `90m`, `30s`.
fn parse_duration(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (digits, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => s.split_at(i),
        None => (s, ""),
    };
    let factor = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 604_800,
        _ => {
            return Err(format!(
                "`{s}` is not a duration: use seconds, or a number with s, m, h, d or w"
            ));
        }
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .ok_or_else(|| format!("`{s}` is not a duration: use seconds, or a number with s, m, h, d or w"))
}

impl GenerateArgs {
    /// The generator's input, with `issued_at` from the caller's clock.
    pub fn to_input(&self, issued_at: u64) -> GenerateInput {
        GenerateInput {
            domain: self.domain.clone(),
            mode: self.mode.into(),
            mx: self.mx.clone(),
            max_age: self.max_age,
            rua: self.rua.clone(),
            line_ending: if self.lf { LineEnding::Lf } else { LineEnding::Crlf },
            issued_at,
            policy_host: self.policy_host.clone(),
            ttl: self.ttl,
        }
    }
}

/// Why `generate` failed.
#[derive(Debug)]
pub enum Failure {
    /// The answers were refused (exit 2).
    Input(GenerateError),
    /// A file could not be written (exit 1).
    Io(String),
}

fn flag(field: Field) -> &'static str {
    match field {
        Field::Domain => "--domain",
        Field::Mode => "--mode",
        Field::Mx => "--mx",
        Field::MaxAge => "--max-age",
        Field::Rua => "--rua",
        Field::PolicyHost => "--policy-host",
        Field::Ttl => "--ttl",
    }
}

/// The message for a refused input, naming the flag.
pub fn input_error(e: &GenerateError) -> String {
    if e.value.is_empty() {
        format!("mtasts: {}: {}", flag(e.field), e.reason)
    } else {
        format!("mtasts: {} `{}`: {}", flag(e.field), e.value.escape_debug(), e.reason)
    }
}

pub fn run(args: &GenerateArgs) -> ExitCode {
    let issued_at = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let output = match execute(args, issued_at) {
        Ok(output) => output,
        Err(Failure::Input(e)) => {
            eprintln!("{}", input_error(&e));
            return ExitCode::from(2);
        }
        Err(Failure::Io(msg)) => {
            eprintln!("mtasts: {msg}");
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(output.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("mtasts: cannot write output: {e}");
            ExitCode::from(1)
        }
        _ => ExitCode::SUCCESS,
    }
}

/// Generate, write the files when asked, and return what to print.
pub fn execute(args: &GenerateArgs, issued_at: u64) -> Result<String, Failure> {
    let g = generate::generate(&args.to_input(issued_at)).map_err(Failure::Input)?;
    let written = match &args.output_dir {
        Some(dir) => write_files(dir, &g).map_err(Failure::Io)?,
        None => Vec::new(),
    };
    Ok(match args.format {
        GenerateFormat::Text => text(&g, args.output_dir.as_deref(), &written),
        GenerateFormat::Json => json(&g, &written),
    })
}

/// Write the policy and every hosting file under `dir`, byte for byte.
pub fn write_files(dir: &Path, g: &Generated) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::new();
    for f in g.files() {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, f.contents.as_bytes()).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// The JSON document: every field of [`Generated`] in declaration order, and the files written.
#[derive(serde::Serialize)]
struct JsonOutput<'a> {
    #[serde(flatten)]
    generated: &'a Generated,
    written: Vec<String>,
}

fn json(g: &Generated, written: &[PathBuf]) -> String {
    let doc = JsonOutput {
        generated: g,
        written: written.iter().map(|p| p.display().to_string()).collect(),
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn heading(out: &mut String, title: &str) {
    let _ = writeln!(out, "\n== {title} ==\n");
}

/// Contents for a terminal: lines without their terminators, indented.
fn indented(out: &mut String, contents: &str) {
    for line in contents.lines() {
        let _ = writeln!(out, "    {line}");
    }
}

fn text(g: &Generated, dir: Option<&Path>, written: &[PathBuf]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "MTA-STS for {}: mode {}, max_age {} ({}), policy id {} (issued {}).",
        g.domain,
        g.mode.as_str(),
        g.max_age,
        generate::human_duration(g.max_age),
        g.id,
        g.issued
    );

    heading(&mut out, "Policy file");
    let _ = writeln!(out, "Serve at {} with Content-Type text/plain.", g.policy_url);
    let _ = writeln!(
        out,
        "{} bytes, {} line endings, no BOM{}:\n",
        g.policy.len(),
        g.line_ending.name(),
        if dir.is_some() {
            ""
        } else {
            " (use --output-dir for a byte-exact copy)"
        }
    );
    indented(&mut out, &g.policy);

    heading(
        &mut out,
        "DNS records (publish in this order, after the policy is served)",
    );
    if let HostSetup::Instruction(text) = &g.host {
        let _ = writeln!(out, "{}: no record generated. {text}\n", g.policy_host);
    }
    let width = g.records.iter().map(|r| r.name().len()).max().unwrap_or(0);
    for r in &g.records {
        let _ = writeln!(out, "{:<width$}  {:<5}  {}", r.name(), r.rtype.as_str(), r.value);
    }
    let _ = writeln!(out, "\nZone file:\n");
    indented(&mut out, &g.zone);

    heading(&mut out, "Hosting");
    let _ = writeln!(
        out,
        "Files for {}; pick one platform. Each serves the policy above at exactly {}.",
        generate::PLATFORMS.join(", "),
        generate::POLICY_PATH
    );
    match dir {
        Some(dir) => {
            let _ = writeln!(out, "\nWritten under {}:", dir.display());
            for p in written {
                let _ = writeln!(out, "  {}", p.display());
            }
            for f in &g.hosting {
                let _ = writeln!(out, "\n{}/{}: {}", f.platform, f.path, f.note);
            }
        }
        None => {
            for f in &g.hosting {
                let _ = writeln!(out, "\n--- {}/{} ---\n{}\n", f.platform, f.path, f.note);
                indented(&mut out, &f.contents);
            }
        }
    }

    heading(&mut out, "Notes");
    for note in &g.notes {
        let _ = writeln!(out, "- {note}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: GenerateArgs,
    }

    fn parse(argv: &[&str]) -> GenerateArgs {
        Cli::try_parse_from(std::iter::once("generate").chain(argv.iter().copied()))
            .map(|c| c.args)
            .unwrap()
    }

    #[test]
    fn defaults_and_flags() {
        let a = parse(&[
            "--domain",
            "example.com",
            "--mx",
            "mx1.example.com,mx2.example.com",
            "--mx",
            "*.example.net",
        ]);
        assert_eq!(a.mode, ModeArg::Testing);
        assert_eq!(a.max_age, 604_800);
        assert_eq!(a.ttl, 3_600);
        assert_eq!(a.format, GenerateFormat::Text);
        assert_eq!(a.mx, ["mx1.example.com", "mx2.example.com", "*.example.net"]);
        let i = a.to_input(42);
        assert_eq!(
            (i.line_ending, i.issued_at, i.mode),
            (LineEnding::Crlf, 42, Mode::Testing)
        );

        let a = parse(&[
            "--domain=example.com",
            "--mode=enforce",
            "--mx=mx.example.com",
            "--max-age=2w",
            "--rua=a@example.net,https://r.example.net/x",
            "--lf",
            "--policy-host=192.0.2.1",
            "--ttl=300",
            "--format=json",
        ]);
        let i = a.to_input(0);
        assert_eq!(
            (i.mode, i.max_age, i.line_ending, i.ttl),
            (Mode::Enforce, 1_209_600, LineEnding::Lf, 300)
        );
        assert_eq!(i.rua, ["a@example.net", "https://r.example.net/x"]);
        assert_eq!(i.policy_host.as_deref(), Some("192.0.2.1"));
        assert!(
            Cli::try_parse_from(["generate", "--mx", "a.example"]).is_err(),
            "--domain is required"
        );
        assert!(Cli::try_parse_from(["generate", "--domain", "x.example", "--max-age", "1y"]).is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("86400"), Ok(86_400));
        assert_eq!(parse_duration("1d"), Ok(86_400));
        assert_eq!(parse_duration("90m"), Ok(5_400));
        assert!(parse_duration("").is_err());
        assert!(parse_duration("d").is_err());
        assert!(parse_duration("-5").is_err());
        assert!(parse_duration("99999999999999999999w").is_err());
    }

    #[test]
    fn text_output_has_every_section() {
        let a = parse(&[
            "--domain",
            "example.com",
            "--mx",
            "mx.example.com",
            "--rua",
            "tlsrpt@example.net",
        ]);
        let out = execute(&a, 1_700_000_000).unwrap();
        for needle in [
            "== Policy file ==",
            "== DNS records",
            "== Hosting ==",
            "== Notes ==",
            "    version: STSv1",
            "https://mta-sts.example.com/.well-known/mta-sts.txt",
            "_mta-sts.example.com. 3600 IN TXT \"v=STSv1; id=20231114221320",
            "_smtp._tls.example.com  TXT    v=TLSRPTv1; rua=mailto:tlsrpt@example.net",
            "--- nginx/mta-sts.example.com.conf ---",
            "--- cloudflare-workers/src/index.js ---",
            "mta-sts.example.com: no record generated.",
        ] {
            assert!(out.contains(needle), "missing {needle:?} in\n{out}");
        }
    }

    #[test]
    fn json_output() {
        let a = parse(&["--domain", "example.com", "--mx", "mx.example.com", "--format", "json"]);
        let out = execute(&a, 1_700_000_000).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["domain"], "example.com");
        assert_eq!(v["mode"], "testing");
        assert_eq!(v["line_ending"], "crlf");
        assert_eq!(
            v["policy"],
            "version: STSv1\r\nmode: testing\r\nmx: mx.example.com\r\nmax_age: 604800\r\n"
        );
        assert!(v["sts_txt"].as_str().unwrap().starts_with("v=STSv1; id=20231114221320"));
        assert_eq!(v["tlsrpt_txt"], serde_json::Value::Null);
        assert!(v["host"]["instruction"].is_string());
        assert_eq!(v["records"][0]["type"], "TXT");
        assert_eq!(v["records"][0]["owner"], "_mta-sts.example.com.");
        assert_eq!(v["hosting"].as_array().unwrap().len(), 15);
        assert_eq!(v["written"], serde_json::json!([]));
    }

    #[test]
    fn invalid_input_names_the_flag() {
        let a = parse(&["--domain", "example.com", "--mode", "enforce"]);
        match execute(&a, 0) {
            Err(Failure::Input(e)) => {
                let msg = input_error(&e);
                assert!(
                    msg.starts_with("mtasts: --mx: mode `enforce` needs at least one mx pattern"),
                    "{msg}"
                );
            }
            other => panic!("{other:?}"),
        }
        let a = parse(&["--domain", "example.com", "--mx", "mx.example.com", "--max-age", "1h"]);
        match execute(&a, 0) {
            Err(Failure::Input(e)) => assert!(input_error(&e).starts_with("mtasts: --max-age `3600`: "), "{e}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn output_dir_gets_exact_bytes() {
        let dir = std::env::temp_dir().join(format!("mtasts-generate-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let dir_arg = dir.display().to_string();
        let a = parse(&[
            "--domain",
            "example.com",
            "--mx",
            "mx.example.com",
            "--output-dir",
            &dir_arg,
        ]);
        let out = execute(&a, 1_700_000_000).unwrap();
        let g = generate::generate(&a.to_input(1_700_000_000)).unwrap();
        let policy = std::fs::read(dir.join(".well-known/mta-sts.txt")).unwrap();
        assert_eq!(policy, g.policy.as_bytes());
        for f in &g.hosting {
            let got = std::fs::read(dir.join(f.platform).join(&f.path)).unwrap();
            assert_eq!(got, f.contents.as_bytes(), "{}/{}", f.platform, f.path);
        }
        assert!(out.contains("Written under"), "{out}");
        assert!(!out.contains("--- nginx/"), "contents are not repeated when written");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
