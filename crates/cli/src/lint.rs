//! `mtasts lint`: one report per input, as text, JSON lines or SARIF.

use crate::{render, sarif};
use clap::{Args, ValueEnum};
use mtasts_core::{Kind, MxHost, Report, Severity};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Auto,
    Policy,
    Sts,
    Tlsrpt,
    /// A zone file or `dig` output with the domain's records.
    Zone,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

#[derive(Args)]
pub struct LintArgs {
    /// What the inputs are. For sts and tlsrpt, each non-empty line is one TXT record of
    /// the answer: zone-file format when it starts with `"`, else the raw value.
    #[arg(long, value_enum, default_value_t = KindArg::Auto)]
    kind: KindArg,
    /// Output format: text for people, json (one object per input per line), sarif for code scanning.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// MX host of the domain, to check against the policy's `mx` patterns (repeatable; `.` is a null MX).
    #[arg(long = "mx", value_name = "HOST")]
    mx: Vec<String>,
    /// For zone files: the policy's mode, when you know it (MODE-NO-TLSRPT then says what a
    /// missing TLS-RPT record means in that mode).
    #[arg(long, value_enum, value_name = "MODE")]
    mode: Option<ModeArg>,
    /// Apply every certain fix: rewrite the files in place (stdin: print the result).
    #[arg(long)]
    fix: bool,
    /// Files to lint; `-` or nothing reads standard input.
    files: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ModeArg {
    Enforce,
    Testing,
    None,
}

impl ModeArg {
    fn mode(self) -> mtasts_core::mta_sts::Mode {
        match self {
            ModeArg::Enforce => mtasts_core::mta_sts::Mode::Enforce,
            ModeArg::Testing => mtasts_core::mta_sts::Mode::Testing,
            ModeArg::None => mtasts_core::mta_sts::Mode::None,
        }
    }
}

/// One input, read.
pub struct Input {
    pub name: String,
    pub path: Option<PathBuf>,
    pub bytes: Vec<u8>,
}

fn read_inputs(files: &[PathBuf]) -> (Vec<Input>, Vec<String>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    let stdin_only = files.is_empty();
    for path in files.iter().map(Some).chain(stdin_only.then_some(None)) {
        let is_stdin = path.is_none_or(|p| p.as_os_str() == "-");
        if is_stdin {
            let mut bytes = Vec::new();
            match std::io::stdin().lock().read_to_end(&mut bytes) {
                Ok(_) => inputs.push(Input {
                    name: "-".into(),
                    path: None,
                    bytes,
                }),
                Err(e) => errors.push(format!("mtasts: cannot read standard input: {e}")),
            }
        } else if let Some(p) = path {
            match std::fs::read(p) {
                Ok(bytes) => inputs.push(Input {
                    name: p.display().to_string(),
                    path: Some(p.clone()),
                    bytes,
                }),
                Err(e) => errors.push(format!("mtasts: cannot read {}: {e}", p.display())),
            }
        }
    }
    (inputs, errors)
}

pub fn run(args: &LintArgs) -> ExitCode {
    let (inputs, io_errors) = read_inputs(&args.files);
    for e in &io_errors {
        eprintln!("{e}");
    }
    let mx_hosts: Option<Vec<MxHost>> = (!args.mx.is_empty()).then(|| args.mx.iter().map(|h| MxHost::new(h)).collect());
    let mut all_valid = true;
    let mut results: Vec<(Input, Report)> = Vec::new();
    for input in inputs {
        let kind = match args.kind {
            KindArg::Auto => mtasts_core::detect_kind(&input.bytes),
            KindArg::Policy => Kind::Policy,
            KindArg::Sts => Kind::Sts,
            KindArg::Tlsrpt => Kind::Tlsrpt,
            KindArg::Zone => Kind::Zone,
        };
        if args.fix {
            let fixed = mtasts_core::fix_all(kind, &input.bytes, mx_hosts.as_deref());
            match &input.path {
                Some(p) if fixed != input.bytes => {
                    if let Err(e) = std::fs::write(p, &fixed) {
                        eprintln!("mtasts: cannot write {}: {e}", p.display());
                        return ExitCode::from(2);
                    }
                    eprintln!("mtasts: fixed {}", p.display());
                }
                Some(_) => {}
                None => {
                    let _ = std::io::stdout().write_all(&fixed);
                }
            }
            let report = lint_one(kind, &fixed, mx_hosts.as_deref(), args.mode);
            all_valid &= passes(&report);
            results.push((Input { bytes: fixed, ..input }, report));
            continue;
        }
        let report = lint_one(kind, &input.bytes, mx_hosts.as_deref(), args.mode);
        all_valid &= passes(&report);
        results.push((input, report));
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match args.format {
        _ if args.fix && results.iter().any(|(i, _)| i.path.is_none()) => Ok(()),
        Format::Text => results
            .iter()
            .try_for_each(|(i, r)| render::text(&mut out, &i.name, &i.bytes, r)),
        Format::Json => results
            .iter()
            .try_for_each(|(i, r)| writeln!(out, "{}", to_json(&i.name, r))),
        Format::Sarif => writeln!(out, "{}", sarif::document(&results)),
    };
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("mtasts: cannot write output: {e}");
        return ExitCode::from(2);
    }
    if !io_errors.is_empty() {
        ExitCode::from(2)
    } else if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Valid, and (with `--mx`) no MX host left out in a way that fails delivery.
fn passes(report: &Report) -> bool {
    report.valid && report.count(Severity::Error) == 0
}

fn lint_one(kind: Kind, bytes: &[u8], mx: Option<&[MxHost]>, mode: Option<ModeArg>) -> Report {
    match kind {
        Kind::Policy => mtasts_core::lint_policy(bytes, mx),
        Kind::Zone => mtasts_core::lint_zone(bytes, mode.map(ModeArg::mode)),
        other => mtasts_core::lint(other, bytes),
    }
}

/// The JSON object of one input.
pub fn to_json(name: &str, r: &Report) -> Value {
    let diagnostics: Vec<Value> = r
        .diagnostics
        .iter()
        .map(|d| {
            json!({
                "code": d.rule.code,
                "severity": d.severity,
                "message": d.message,
                "line": d.line,
                "column": d.column,
                "end_line": d.end_line,
                "end_column": d.end_column,
                "start": d.span.start,
                "end": d.span.end,
                "rfc": d.rule.rfc,
                "fix": d.fix.as_ref().map(|f| json!({
                    "title": f.title,
                    "edits": f.edits.iter().map(|e| json!({"start": e.span.start, "end": e.span.end, "replacement": e.replacement})).collect::<Vec<_>>(),
                })),
            })
        })
        .collect();
    json!({
        "file": name,
        "kind": r.kind.as_str(),
        "valid": r.valid,
        "parsed": r.parsed,
        "diagnostics": diagnostics,
        "errors": r.count(Severity::Error),
        "warnings": r.count(Severity::Warning),
        "suppressed": r.suppressed,
    })
}
