//! Invariants shared by the fuzz targets. Each `check_*` panics (so libFuzzer reports a
//! crash and saves the input) when a report breaks a promise of the engine's API.

use mtasts_core::{Kind, Report, Severity, Subject};

/// Lint `src` as `kind` and check the report.
pub fn lint_and_check(kind: Kind, src: &[u8]) -> Report {
    let report = mtasts_core::lint(kind, src);
    check_report(kind, src, &report);
    report
}

/// Every invariant of a report on `src`:
/// - `valid` is exactly "no error finding", leaving out MX-matching findings (those never
///   change what a sender accepts);
/// - `parsed` is only given for a valid input;
/// - every span (and every fix edit span) lies within the input, with start <= end;
/// - line and column are 1-based, and the end position is not before the start.
pub fn check_report(kind: Kind, src: &[u8], report: &Report) {
    assert_eq!(report.kind, kind, "report.kind");
    let errors = report
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error && d.rule.subject != Subject::MxMatch);
    assert_eq!(
        report.valid, !errors,
        "report.valid must be exactly `no error finding (outside mx matching)`: {:#?}",
        report.diagnostics
    );
    if report.parsed.is_some() {
        assert!(report.valid, "parsed is Some but the report is not valid");
    }
    for d in &report.diagnostics {
        let code = d.rule.code;
        assert!(
            d.span.start <= d.span.end && d.span.end <= src.len(),
            "{code}: span {}..{} outside input of {} bytes",
            d.span.start,
            d.span.end,
            src.len()
        );
        assert!(
            d.line >= 1 && d.column >= 1,
            "{code}: line {} column {} not 1-based",
            d.line,
            d.column
        );
        assert!(
            d.end_line >= 1 && d.end_column >= 1,
            "{code}: end line {} column {} not 1-based",
            d.end_line,
            d.end_column
        );
        assert!(
            (d.end_line, d.end_column) >= (d.line, d.column),
            "{code}: end {}:{} before start {}:{}",
            d.end_line,
            d.end_column,
            d.line,
            d.column
        );
        if let Some(fix) = &d.fix {
            for e in &fix.edits {
                assert!(
                    e.span.start <= e.span.end && e.span.end <= src.len(),
                    "{code}: fix edit {}..{} outside input of {} bytes",
                    e.span.start,
                    e.span.end,
                    src.len()
                );
            }
        }
    }
}
