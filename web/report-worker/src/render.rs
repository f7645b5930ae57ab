//! The Reports view's results as HTML, made in the worker so the page's own bundle stays
//! small: the summary, per-file errors, advice, the chart of sessions per day (inline SVG,
//! stacked bars with a `<title>` per day), and the policy and failure tables, sortable by
//! their heading buttons (`data-sort="<table> <column>"`, which the page posts back).
//!
//! Every piece of text from a report goes through [`esc`].

use crate::{Advice, AdviceRow, FailureRow, FileError, PolicyRow, ReportSummary};
use std::fmt::Write;

/// `&`, `<`, `>`, `"` and `'` as entities: safe in text and in quoted attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text with `code` in backticks, escaped (unbalanced backticks stay as they are).
pub fn rich(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return esc(s);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", esc(p))
            } else {
                esc(p)
            }
        })
        .collect()
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `part` of `whole` as a percentage with one decimal.
pub fn percent(part: u64, whole: u64) -> String {
    let p = if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    };
    format!("{p:.1}%")
}

fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// The summary sentence. `files` is `None` for a shared snapshot (no files behind it).
pub fn summary_text(s: &ReportSummary, files: Option<u32>) -> String {
    let from = match files {
        Some(f) => format!(" from {}", counted(f.into(), "file", "files")),
        None => String::new(),
    };
    let span = match (&s.first_day, &s.last_day) {
        (Some(a), Some(b)) if a == b => format!(", {a}"),
        (Some(a), Some(b)) => format!(", {a} to {b}"),
        _ => String::new(),
    };
    let total = s.successful.saturating_add(s.failed);
    format!(
        "{}{from}{span}: {} successful and {} failed sessions ({} failed).",
        counted(s.reports.into(), "report", "reports"),
        thousands(s.successful),
        thousands(s.failed),
        percent(s.failed, total)
    )
}

/// What is on screen: the summary and, for files read here (not a shared link), the files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shown {
    pub summary: ReportSummary,
    /// `None` for a shared snapshot.
    pub files: Option<u32>,
    pub files_failed: u32,
    pub errors: Vec<FileError>,
    pub warnings: u32,
}

/// The tables' sort: (column, largest first) each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sorts {
    pub policies: (usize, bool),
    pub failures: (usize, bool),
}

impl Default for Sorts {
    fn default() -> Sorts {
        Sorts {
            policies: (5, true),
            failures: (1, true),
        }
    }
}

impl Sorts {
    /// A click on `data-sort="<table> <column>"`: sort by it, or reverse if it is sorted by
    /// it already (numbers start largest first, text A to Z). Unknown values do nothing.
    pub fn click(&mut self, data_sort: &str) {
        let Some((table, col)) = data_sort.split_once(' ') else {
            return;
        };
        let Ok(col) = col.parse::<usize>() else { return };
        let (sort, columns) = match table {
            "policies" => (&mut self.policies, POLICY_COLUMNS),
            "failures" => (&mut self.failures, FAILURE_COLUMNS),
            _ => return,
        };
        let Some(column) = columns.get(col) else { return };
        *sort = if sort.0 == col {
            (col, !sort.1)
        } else {
            (col, column.numeric)
        };
    }
}

/// A column: its heading, and whether it holds numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub label: &'static str,
    pub numeric: bool,
}

const fn col(label: &'static str, numeric: bool) -> Column {
    Column { label, numeric }
}

pub const POLICY_COLUMNS: &[Column] = &[
    col("Policy domain", false),
    col("Type", false),
    col("Mode", false),
    col("Reports", true),
    col("Successful", true),
    col("Failed", true),
    col("Failed share", true),
];

pub const FAILURE_COLUMNS: &[Column] = &[
    col("Result type", false),
    col("Failed sessions", true),
    col("What it means and how to fix it", false),
];

/// What a cell sorts by.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    Num(u64),
    Text(String),
}

/// One table row: sort keys and cells (HTML), one of each per column.
pub struct Row {
    pub keys: Vec<Key>,
    pub cells: Vec<String>,
}

/// The order of `rows` sorted by `col` (stable: ties keep their order).
pub fn order(rows: &[Row], col: usize, descending: bool) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..rows.len()).collect();
    idx.sort_by(|&a, &b| {
        let (ka, kb) = (rows[a].keys.get(col), rows[b].keys.get(col));
        if descending { kb.cmp(&ka) } else { ka.cmp(&kb) }
    });
    idx
}

fn text_key(s: &str) -> Key {
    Key::Text(s.to_ascii_lowercase())
}

fn rule_link(code: &str) -> String {
    format!("<a href=\"#/rules/{0}\">Rule <code>{0}</code></a>", esc(code))
}

fn policy_row(p: &PolicyRow) -> Row {
    let total = p.successful.saturating_add(p.failed);
    let share = (u128::from(p.failed) * 1_000_000 / u128::from(total.max(1))) as u64;
    let domain = if p.domain.is_empty() { "(none given)" } else { &p.domain };
    let mode = p.mode.as_deref().unwrap_or("–");
    Row {
        keys: vec![
            text_key(domain),
            text_key(&p.policy_type),
            text_key(mode),
            Key::Num(p.reports.into()),
            Key::Num(p.successful),
            Key::Num(p.failed),
            Key::Num(share),
        ],
        cells: vec![
            format!("<code>{}</code>", esc(domain)),
            esc(&p.policy_type),
            esc(mode),
            thousands(p.reports.into()),
            thousands(p.successful),
            thousands(p.failed),
            percent(p.failed, total),
        ],
    }
}

fn failure_row(f: &FailureRow) -> Row {
    let mut cell = format!(
        "<p>{}</p><p><strong>Fix:</strong> {}</p>",
        rich(&f.meaning),
        rich(&f.fix)
    );
    if let Some(code) = &f.rule {
        let _ = write!(cell, "<p>{}</p>", rule_link(code));
    }
    if !f.reasons.is_empty() {
        cell.push_str("<p class=\"detail\">Reason codes: ");
        for r in &f.reasons {
            let _ = write!(cell, "<span><code>{}</code> ({})", esc(&r.reason), thousands(r.failed));
            if let Some(code) = &r.rule {
                let _ = write!(cell, " → {}", rule_link(code));
            }
            cell.push_str("</span> ");
        }
        cell.push_str("</p>");
    }
    if !f.mx_hosts.is_empty() {
        cell.push_str("<p class=\"detail\">MX hosts: ");
        for m in &f.mx_hosts {
            let _ = write!(
                cell,
                "<span><code>{}</code> ({})</span> ",
                esc(&m.key),
                thousands(m.failed)
            );
        }
        cell.push_str("</p>");
    }
    Row {
        keys: vec![text_key(&f.result_type), Key::Num(f.failed), text_key(&f.meaning)],
        cells: vec![
            format!("<code>{}</code>", esc(&f.result_type)),
            thousands(f.failed),
            cell,
        ],
    }
}

fn table(out: &mut String, name: &str, caption: &str, columns: &[Column], rows: &[Row], sort: (usize, bool)) {
    let _ = write!(
        out,
        "<div class=\"table-wrap\"><table class=\"sort-table\" data-testid=\"reports-{name}\">\
         <caption class=\"visually-hidden\">{caption}. Click a column heading to sort.</caption><thead><tr>"
    );
    for (i, c) in columns.iter().enumerate() {
        let (aria, mark) = match (i == sort.0, sort.1) {
            (false, _) => ("none", "↕"),
            (true, true) => ("descending", "▼"),
            (true, false) => ("ascending", "▲"),
        };
        let _ = write!(
            out,
            "<th scope=\"col\" aria-sort=\"{aria}\"{}><button type=\"button\" data-sort=\"{name} {i}\">{}\
             <span class=\"sort-mark\" aria-hidden=\"true\">{mark}</span></button></th>",
            if c.numeric { " class=\"num\"" } else { "" },
            c.label
        );
    }
    out.push_str("</tr></thead><tbody>");
    for r in order(rows, sort.0, sort.1) {
        out.push_str("<tr>");
        for (cell, c) in rows[r].cells.iter().zip(columns) {
            let _ = write!(
                out,
                "<td{} data-label=\"{}\">{cell}</td>",
                if c.numeric { " class=\"num\"" } else { "" },
                c.label
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
}

fn advice_item(out: &mut String, a: &AdviceRow) {
    let (class, label) = match a.kind {
        Advice::AddMxPattern => ("advice-mx", "Add an mx pattern"),
        Advice::EnforceLooksSafe => ("advice-enforce", "Enforce looks safe"),
        Advice::EnforceNotYet => ("advice-wait", "Not ready for enforce"),
    };
    let _ = write!(
        out,
        "<li class=\"advice {class}\"><p><strong>{label}:</strong> {}</p>",
        rich(&a.message)
    );
    if let Some(code) = &a.rule {
        let _ = write!(out, "<p class=\"detail\">{}</p>", rule_link(code));
    }
    out.push_str("</li>");
}

/// The results section.
pub fn render(shown: &Shown, sorts: Sorts) -> String {
    let s = &shown.summary;
    let mut out = String::from("<div class=\"reports-results\">");
    if shown.files.is_none() {
        out.push_str(
            "<div class=\"banner banner-info\" data-testid=\"reports-shared\"><p>A shared snapshot: the aggregated \
             summary someone made from their reports. The reports themselves are not in the link. Open your own \
             files to replace it.</p></div>",
        );
    }
    let mut meta = Vec::new();
    if s.duplicates_skipped > 0 {
        meta.push(format!(
            "{} skipped (same report id)",
            counted(s.duplicates_skipped.into(), "duplicate", "duplicates")
        ));
    }
    if s.failed_without_detail > 0 {
        meta.push(format!(
            "{} failed sessions without failure details",
            thousands(s.failed_without_detail)
        ));
    }
    if shown.warnings > 0 {
        meta.push(format!(
            "{} in the reports tolerated",
            counted(shown.warnings.into(), "oddity", "oddities")
        ));
    }
    let _ = write!(
        out,
        "<div class=\"summary {}\"><p class=\"summary-card\" data-testid=\"reports-summary\">{}</p>",
        if s.failed == 0 { "valid" } else { "invalid" },
        esc(&summary_text(s, shown.files))
    );
    if !meta.is_empty() {
        let _ = write!(out, "<p class=\"summary-meta\">{}</p>", esc(&meta.join(" · ")));
    }
    out.push_str("</div>");
    if !shown.errors.is_empty() {
        let _ = write!(
            out,
            "<section class=\"reports-errors\" data-testid=\"reports-errors\"><h2>Not read, in {}; \
             everything else was counted</h2><ul>",
            counted(shown.files_failed.into(), "file", "files")
        );
        for e in &shown.errors {
            let _ = write!(out, "<li data-file=\"{}\">{}</li>", esc(&e.file), esc(&e.message));
        }
        out.push_str("</ul></section>");
    }
    if !s.advice.is_empty() {
        out.push_str("<section data-testid=\"reports-advice\"><h2>What to do</h2><ul class=\"advice-list\">");
        for a in &s.advice {
            advice_item(&mut out, a);
        }
        out.push_str("</ul></section>");
    }
    crate::chart::render(&mut out, &s.days);
    if !s.policies.is_empty() {
        out.push_str("<h2>Policies</h2>");
        let rows: Vec<Row> = s.policies.iter().map(policy_row).collect();
        table(
            &mut out,
            "policies",
            "Sessions per policy domain",
            POLICY_COLUMNS,
            &rows,
            sorts.policies,
        );
    }
    out.push_str("<h2>Failures</h2>");
    if s.failures.is_empty() {
        out.push_str("<p class=\"all-clear\">No failure details in these reports.</p>");
    } else {
        let rows: Vec<Row> = s.failures.iter().map(failure_row).collect();
        table(
            &mut out,
            "failures",
            "Failed sessions per result type",
            FAILURE_COLUMNS,
            &rows,
            sorts.failures,
        );
    }
    out.push_str("</div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{process, sample_reports};

    #[test]
    fn escapes_and_code() {
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(rich("add `mx: <b>`"), "add <code>mx: &lt;b&gt;</code>");
        assert_eq!(rich("odd ` tick"), "odd ` tick");
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(0, 0), "0.0%");
    }

    #[test]
    fn summary_sentence() {
        let s = ReportSummary {
            reports: 3,
            first_day: Some("2026-01-01".into()),
            last_day: Some("2026-01-05".into()),
            successful: 1_990,
            failed: 10,
            ..ReportSummary::default()
        };
        assert_eq!(
            summary_text(&s, Some(1)),
            "3 reports from 1 file, 2026-01-01 to 2026-01-05: 1,990 successful and 10 failed sessions (0.5% failed)."
        );
        assert!(summary_text(&s, None).starts_with("3 reports, 2026"));
    }

    fn row(name: &str, n: u64) -> Row {
        Row {
            keys: vec![Key::Text(name.into()), Key::Num(n)],
            cells: Vec::new(),
        }
    }

    #[test]
    fn sorts_both_ways_and_keeps_ties_in_order() {
        let rows = [row("b", 2), row("a", 9), row("c", 2)];
        assert_eq!(order(&rows, 0, false), [1, 0, 2]);
        assert_eq!(order(&rows, 0, true), [2, 0, 1]);
        assert_eq!(order(&rows, 1, true), [1, 0, 2]);
        assert_eq!(order(&rows, 1, false), [0, 2, 1]);
        assert_eq!(order(&rows, 7, false), [0, 1, 2], "no such column: as given");
    }

    #[test]
    fn clicks_sort_and_reverse() {
        let mut s = Sorts::default();
        s.click("policies 0");
        assert_eq!(s.policies, (0, false), "text starts A to Z");
        s.click("policies 0");
        assert_eq!(s.policies, (0, true));
        s.click("failures 1");
        assert_eq!(s.failures, (1, false), "sorted by it already: reversed");
        for junk in ["", "policies", "policies x", "policies 99", "nope 1"] {
            let before = s;
            s.click(junk);
            assert_eq!(s, before, "{junk}");
        }
    }

    #[test]
    fn renders_every_part_and_escapes_report_text() {
        let mut out = process(&sample_reports(60));
        out.summary.policies[0].domain = "<script>x</script>".into();
        let shown = Shown {
            summary: out.summary.clone(),
            files: Some(61),
            files_failed: 1,
            errors: vec![FileError {
                file: "bad\".json".into(),
                message: "bad\".json: not JSON".into(),
            }],
            warnings: 0,
        };
        let html = render(&shown, Sorts::default());
        for id in [
            "reports-summary",
            "reports-errors",
            "reports-advice",
            "reports-chart",
            "reports-policies",
            "reports-failures",
        ] {
            assert!(html.contains(&format!("data-testid=\"{id}\"")), "{id}");
        }
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("data-file=\"bad&quot;.json\""));
        assert!(html.contains("href=\"#/rules/MXC-MX-NOT-COVERED\""));
        assert!(html.contains("aria-sort=\"descending\""));
        assert!(!html.contains("reports-shared"));
        let shared = render(&Shown { files: None, ..shown }, Sorts::default());
        assert!(shared.contains("reports-shared"));
        assert!(!shared.contains("reports-errors") || shared.contains("data-file"));
    }
}
