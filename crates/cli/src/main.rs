//! `mtasts`: lint MTA-STS policies and records, match MX hosts, generate configuration.

mod check;
mod generate;
mod lint;
mod mx_match;
mod render;
mod report;
mod rules_cmd;
mod sarif;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "mtasts",
    version,
    about = "Check and generate MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) configuration"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lint policy files and TXT records.
    Lint(lint::LintArgs),
    /// Say which `mx` pattern matches a host (exit 0 on a match, 1 on none, 2 on an invalid pattern).
    MxMatch(mx_match::MxMatchArgs),
    /// List the rules, or show one rule's doc.
    Rules(rules_cmd::RulesArgs),
    /// Generate a policy, its DNS records, zone-file lines and hosting files.
    Generate(generate::GenerateArgs),
    /// Check live domains: DNS over HTTPS, the policy fetched over HTTPS, one verdict each
    /// (exit 0 fine, 1 broken, 3 incomplete, 2 usage error).
    Check(check::CheckArgs),
    /// Read TLS-RPT reports (RFC 8460): totals, failures explained and how to fix them, advice.
    Report(report::ReportArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Lint(args) => lint::run(&args),
        Command::MxMatch(args) => mx_match::run(&args),
        Command::Rules(args) => rules_cmd::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Check(args) => check::run(&args),
    }
}
