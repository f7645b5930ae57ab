//! `mtasts mx-match`: which `mx` pattern, if any, covers a host (RFC 8461 §4.1).

use clap::Args;
use mtasts_core::mx::{self, MxPattern, PatternError};
use std::process::ExitCode;

#[derive(Args)]
pub struct MxMatchArgs {
    /// An `mx` pattern from the policy, e.g. `mail.example.com` or `*.example.net` (repeatable).
    #[arg(long = "pattern", short = 'p', value_name = "PATTERN", required = true)]
    patterns: Vec<String>,
    /// The MX host name, as DNS gives it (a trailing dot and upper case are fine).
    host: String,
}

fn why(e: &PatternError) -> String {
    match e {
        PatternError::Empty => "it is empty".into(),
        PatternError::TrailingDot => "patterns are written without a trailing dot".into(),
        PatternError::Wildcard { .. } => "`*` may only be the whole first label (`*.example.com`)".into(),
        PatternError::ULabel { a_label: Some(a) } => format!("use the A-label form `{a}`"),
        PatternError::ULabel { a_label: None } => "it has non-ASCII characters; use the A-label (Punycode) form".into(),
        PatternError::Length { .. } => "a label is over 63 octets or the name over 253".into(),
        PatternError::Syntax { why, .. } => (*why).into(),
    }
}

pub fn run(args: &MxMatchArgs) -> ExitCode {
    let mut patterns: Vec<(String, MxPattern)> = Vec::new();
    let mut bad = false;
    for p in &args.patterns {
        match mx::pattern::parse(p.as_bytes()) {
            Ok(parsed) => patterns.push((p.clone(), parsed)),
            Err(e) => {
                eprintln!("mtasts: invalid pattern `{p}`: {}", why(&e));
                bad = true;
            }
        }
    }
    if bad {
        return ExitCode::from(2);
    }
    let Some(host) = mx::normalize_host(&args.host) else {
        println!("`{}` is not a host name, so no pattern matches", args.host);
        return ExitCode::from(1);
    };
    if let Some((text, _)) = patterns.iter().find(|(_, p)| mx::matches(p, &host)) {
        println!("`{}` matches `{text}`", args.host);
        return ExitCode::SUCCESS;
    }
    println!("`{}` matches no pattern", args.host);
    for (text, p) in patterns.iter().filter(|(_, p)| p.wildcard) {
        let suffix = p.domain.to_ascii_lowercase();
        if host == suffix {
            println!("  `{text}` needs exactly one label before `{suffix}`; add `mx: {host}`");
        } else if host.ends_with(&format!(".{suffix}")) {
            println!("  `{text}` covers one label only; `{host}` is deeper");
        }
    }
    ExitCode::from(1)
}
