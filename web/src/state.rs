//! The page's state: one reducer for every view, so a permalink is a pure function of it
//! and every transition can be tested without a browser.

use crate::editor_text::{self, Mark, TextEdit};
use crate::permalink::{self, CheckLink, GenerateLink, LintLink, PermalinkError};
use crate::route::{Route, View};
use crate::rule_docs::{RuleDocs, RuleDocsState};
pub use mtasts_check_worker::model::StepStatus;
use mtasts_check_worker::model::{self, CheckView, FindingView, RESOLVERS, STEP_LABELS, StepView};
use mtasts_core::generate::{self, GenerateError, GenerateInput, Generated, LineEnding};
use mtasts_core::mta_sts::Mode;
use mtasts_core::{Kind, MxHost, Report, Severity};
use std::rc::Rc;
use yew::Reducible;

/// Inputs over this size lint after a longer pause (and on demand), and the editor drops
/// its inline marks, so a pasted megabyte never makes typing lag.
pub const LARGE_INPUT: usize = 256 * 1024;
/// Inputs with more lines than this are large too: line numbers and marks for each line
/// would cost more than the text itself.
pub const LARGE_LINES: usize = 5_000;
/// Pause after the last keystroke before linting.
pub const LINT_DELAY_MS: u32 = 150;
/// The same for inputs over [`LARGE_INPUT`].
pub const LARGE_LINT_DELAY_MS: u32 = 1_000;

/// `max_age` choices offered in the form, in seconds; labelled with
/// [`generate::human_duration`].
pub const MAX_AGE_PRESETS: [u64; 6] = [86_400, 604_800, 1_209_600, 2_419_200, 15_778_800, 31_557_600];

/// Everything on the page.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub view: View,
    /// The rule shown in the Rules view (canonical code), or `None` for the index.
    pub rule: Option<String>,
    /// A rule code the address asked for that does not exist.
    pub unknown_rule: Option<String>,
    /// The rule docs, fetched when the Rules view first opens and kept for the session.
    pub rule_docs: RuleDocsState,
    pub lint: LintState,
    pub generate: GenerateState,
    pub reports: ReportsState,
    pub check: CheckState,
    /// Why the address could not be opened; the view below it is empty.
    pub permalink_error: Option<String>,
    /// The full link shown after "Copy link", until the view changes.
    pub shown_link: Option<String>,
    /// Bumps on every address change, so the address is rewritten as a full permalink
    /// even when the state stayed (a click on the current view's tab gives `#/lint`).
    navigations: u64,
}

/// The Lint view: the input and how to read it, and the latest report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LintState {
    /// The text exactly as pasted (CRs kept: see `editor_text`).
    pub text: Rc<String>,
    /// Kind chosen by the user; `None` detects it.
    pub kind: Option<Kind>,
    /// MX hosts to hold a policy against (`None`: not checked).
    pub mx: Option<String>,
    /// The policy mode assumed when linting a zone.
    pub zone_mode: Option<Mode>,
    /// Index into the report's diagnostics.
    pub selected: Option<usize>,
    /// Bumps on every change of the input or of how to read it.
    pub version: u64,
    /// Bumps when the text changed other than by typing: the editor reloads its textarea.
    pub loaded: u64,
    /// Where the editor puts the caret after reloading (UTF-16 offset in the textarea).
    pub caret: Option<usize>,
    /// Bumps when the selected diagnostic should be scrolled into view.
    pub reveal: u64,
    /// Where the diagnostics are in the current text (moved along while typing).
    pub marks: Rc<Vec<Mark>>,
    /// The latest report; it may lag `version` by one debounce.
    pub result: Option<Rc<LintResult>>,
}

/// One lint run.
#[derive(Debug)]
pub struct LintResult {
    /// The [`LintState::version`] it was made from.
    pub version: u64,
    pub kind: Kind,
    /// True when the kind was detected rather than chosen.
    pub detected: bool,
    pub report: Report,
}

impl PartialEq for LintResult {
    fn eq(&self, other: &LintResult) -> bool {
        self.version == other.version && self.kind == other.kind
    }
}

/// The Reports view. The report reader (a Web Worker with its own WebAssembly) reads the
/// files, renders the results and encodes the permalink; the page keeps what it answered.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportsState {
    /// The results as the reader rendered them (text from reports is escaped there).
    pub html: Option<Rc<str>>,
    /// The permalink payload of the summary shown (`None`: nothing worth a link).
    pub payload: Option<String>,
    /// A link's payload the reader has yet to show.
    pub pending_link: Option<String>,
    /// The summary came from a link: a shared snapshot, not the user's files.
    pub shared: bool,
    /// Files being read.
    pub reading: Option<u32>,
    /// Files read last time and how long it took, from handing them over to the results.
    pub read: Option<(u32, u32)>,
    /// Why the reader failed (it could not start or stopped).
    pub failure: Option<String>,
    /// The sort button last clicked (`data-sort`), focused again after the redraw.
    pub sorted: Option<String>,
    /// Bumps on every new answer.
    pub version: u64,
}

/// The Generate form and what it produced.
#[derive(Clone, Debug, PartialEq)]
pub struct GenerateState {
    pub form: GenerateForm,
    pub outcome: Rc<GenerateOutcome>,
}

/// The form's values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenerateForm {
    pub domain: String,
    pub mode: Mode,
    /// One entry per form row; blank rows are ignored.
    pub mx: Vec<String>,
    pub max_age: u64,
    pub rua: Vec<String>,
    pub lf: bool,
    /// Where `mta-sts.<domain>` points (blank: instructions instead of a record).
    pub policy_host: String,
    /// Unix seconds when the current policy text first appeared: the id's time.
    pub issued_at: u64,
}

impl Default for GenerateForm {
    fn default() -> Self {
        GenerateForm::from_link(GenerateLink::default())
    }
}

/// The generator's answer, and how its output lints.
#[derive(Debug, PartialEq)]
pub struct GenerateOutcome {
    pub result: Result<Generated, GenerateError>,
    /// Errors and warnings the linter finds in the generated policy and records, as
    /// "what: CODE message" (the generator promises none).
    pub problems: Vec<String>,
}

/// A change to the Generate form.
#[derive(Clone, Debug, PartialEq)]
pub enum FormEdit {
    Domain(String),
    Mode(Mode),
    Mx(usize, String),
    AddMx,
    RemoveMx(usize),
    MaxAge(u64),
    Rua(usize, String),
    AddRua,
    RemoveRua(usize),
    Lf(bool),
    PolicyHost(String),
}

/// Everything that can happen.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The address changed (page load, link clicked, back/forward). `now` is Unix seconds.
    Navigate {
        fragment: String,
        now: u64,
    },
    /// The textarea's value after typing (line endings normalized by the browser).
    LintTyped(String),
    /// Text pasted over the textarea selection `start..end` (UTF-16), line endings kept.
    LintPasted {
        start: usize,
        end: usize,
        text: String,
    },
    /// A whole new text (a file opened).
    LintLoad(String),
    LintKind(Option<Kind>),
    LintMx(Option<String>),
    LintZoneMode(Option<Mode>),
    /// Lint now if the report is older than `version` (the debounce timer, "Lint now").
    LintRun {
        version: u64,
    },
    LintSelect(Option<usize>),
    /// Apply the fix of diagnostic `index`, which has rule `code`.
    LintApplyFix {
        index: usize,
        code: String,
    },
    LintFixAll,
    /// Replace the Lint view's input and show it (rule examples, "Open in linter").
    OpenInLinter {
        text: String,
        kind: Option<Kind>,
        mx: Option<String>,
        zone_mode: Option<Mode>,
    },
    /// A form change; `now` is Unix seconds, the id's time if the policy text changes.
    Generate(FormEdit, u64),
    /// The report reader took `n` files.
    ReportsReading(u32),
    /// The report reader answered: the results and their permalink payload;
    /// `elapsed_ms` since the files were handed over (when it read files).
    ReportsShown {
        html: Rc<str>,
        payload: Option<String>,
        elapsed_ms: u32,
    },
    /// The report reader failed.
    ReportsFailed(String),
    /// The link's summary could not be read.
    ReportsLinkFailed(String),
    /// A table heading was clicked (its `data-sort`).
    ReportsSort(String),
    /// The rule docs are being fetched.
    RuleDocsLoading,
    /// The rule docs arrived.
    RuleDocsLoaded(Rc<RuleDocs>),
    /// The rule docs could not be fetched (why, for the user).
    RuleDocsFailed(String),
    /// "Try again" after a failure: fetch the docs anew.
    RuleDocsRetry,
    /// The Check view's domain field.
    CheckDomain(String),
    /// A resolver of `RESOLVERS` by index, or `None`: the custom URL.
    CheckPreset(Option<usize>),
    CheckCustomResolver(String),
    /// "Include the result" in the permalink.
    CheckIncludeResult(bool),
    /// "Check" (or Enter, or "Re-run live"): check the form's domain live.
    CheckStart,
    /// A step of live check `run` finished (`step`: an index of `STEP_LABELS`).
    CheckStepDone {
        run: u64,
        step: usize,
        failure: Option<String>,
        elapsed_ms: u64,
    },
    /// Live check `run` settled a finding.
    CheckFinding {
        run: u64,
        finding: FindingView,
    },
    /// Check `run` (live, or a link's snapshot) was judged: the result, or why there is
    /// none (the check could not run, the snapshot could not be read).
    CheckFinished {
        run: u64,
        result: Result<Rc<CheckView>, String>,
    },
    /// The check worker could not start or stopped: why.
    CheckWorkerFailed(String),
    /// Show the link "Copy link" made.
    ShowLink(String),
    DismissPermalinkError,
}

impl Action {
    /// What the check worker answered, as the page's action.
    pub fn of_check_answer(answer: model::Answer) -> Action {
        match answer {
            model::Answer::StepDone {
                run,
                step,
                failure,
                elapsed_ms,
            } => Action::CheckStepDone {
                run,
                step,
                failure,
                elapsed_ms,
            },
            model::Answer::Finding { run, finding } => Action::CheckFinding { run, finding },
            model::Answer::Finished { run, result } => Action::CheckFinished {
                run,
                result: result.map(|view| Rc::new(*view)),
            },
        }
    }
}

impl Default for State {
    fn default() -> Self {
        State {
            view: View::Lint,
            rule: None,
            unknown_rule: None,
            rule_docs: RuleDocsState::default(),
            lint: LintState::default(),
            generate: GenerateState::new(GenerateForm::default(), 0),
            reports: ReportsState::default(),
            check: CheckState::default(),
            permalink_error: None,
            shown_link: None,
            navigations: 0,
        }
    }
}

impl State {
    /// The state a fresh page shows for `fragment`.
    pub fn from_fragment(fragment: &str, now: u64) -> State {
        let mut state = State::default();
        state.navigate(fragment, now);
        state
    }

    /// The fragment that reopens the current view exactly.
    pub fn fragment(&self) -> Result<String, PermalinkError> {
        let arg = match self.view {
            View::Lint if self.lint.to_link() == LintLink::default() => None,
            View::Lint => Some(permalink::encode(&self.lint.to_link())?),
            View::Generate => Some(permalink::encode(&self.generate.form.to_link())?),
            View::Rules => self.rule.clone().or_else(|| self.unknown_rule.clone()),
            View::Reports => self
                .reports
                .payload
                .clone()
                .or_else(|| self.reports.pending_link.clone()),
            View::Check => self.check.to_link().map(|link| permalink::encode(&link)).transpose()?,
        };
        Ok(Route::new(self.view, arg).to_fragment())
    }

    /// What the link depends on: when it changes, the address is rewritten.
    pub fn link_key(&self) -> LinkKey {
        LinkKey {
            view: self.view,
            lint_version: self.lint.version,
            selected: self.lint.selected,
            form: self.generate.form.clone(),
            rule: self.rule.clone(),
            reports: self.reports.version,
            check: (
                self.check.checked.clone(),
                self.check.include_result,
                self.check.result.is_some(),
            ),
            navigations: self.navigations,
        }
    }

    fn navigate(&mut self, fragment: &str, now: u64) {
        self.navigations += 1;
        let route = Route::parse(fragment);
        self.view = route.view;
        self.permalink_error = route
            .unknown
            .then(|| "There is no page at this address; here is the linter.".to_string());
        match (route.view, route.arg) {
            (View::Lint, Some(payload)) => match permalink::decode::<LintLink>(&payload) {
                Ok(link) if link == self.lint.to_link() => {}
                Ok(link) => self.lint.restore(link),
                Err(e) => {
                    self.permalink_error = Some(e.to_string());
                    self.lint.restore(LintLink::default());
                }
            },
            (View::Generate, Some(payload)) => match permalink::decode::<GenerateLink>(&payload) {
                Ok(link) => {
                    let form = GenerateForm::from_link(link);
                    if form != self.generate.form {
                        self.generate = GenerateState::new(form, now);
                    }
                }
                Err(e) => {
                    self.permalink_error = Some(e.to_string());
                    self.generate = GenerateState::new(GenerateForm::default(), now);
                }
            },
            (View::Reports, Some(payload)) => {
                let r = &self.reports;
                if r.payload.as_ref() != Some(&payload) && r.pending_link.as_ref() != Some(&payload) {
                    self.reports = ReportsState {
                        pending_link: Some(payload),
                        shared: true,
                        version: r.version + 1,
                        ..ReportsState::default()
                    };
                }
            }
            (View::Check, Some(payload)) => match permalink::decode::<CheckLink>(&payload) {
                // Back and Forward to the check shown: keep it, run nothing.
                Ok(link) if Some(&link) == self.check.to_link().as_ref() => {}
                Ok(link) => self.check.restore(link),
                Err(e) => self.permalink_error = Some(e.to_string()),
            },
            (View::Rules, code) => {
                let found = code.as_deref().and_then(mtasts_core::rules::by_code);
                self.rule = found.map(|r| r.code.to_string());
                self.unknown_rule = code.filter(|_| found.is_none());
            }
            _ => {}
        }
    }
}

/// See [`State::link_key`].
#[derive(Clone, Debug, PartialEq)]
pub struct LinkKey {
    view: View,
    lint_version: u64,
    selected: Option<usize>,
    form: GenerateForm,
    rule: Option<String>,
    reports: u64,
    /// What was checked, whether the link holds the result, whether there is one.
    check: (Option<CheckTarget>, bool, bool),
    navigations: u64,
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        if next.link_key() != self.link_key() {
            next.shown_link = None;
        }
        Rc::new(next)
    }
}

impl State {
    /// The transition itself, on a mutable copy.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Navigate { fragment, now } => self.navigate(&fragment, now),
            Action::LintTyped(value) => {
                let (text, edit) = editor_text::merge_typed(&self.lint.text, &value);
                self.lint.typed(text, edit);
            }
            Action::LintPasted { start, end, text } => {
                let (text, edit, caret) = editor_text::paste(&self.lint.text, start, end, &text);
                self.lint.typed(text, edit);
                self.lint.loaded += 1;
                self.lint.caret = Some(caret);
            }
            Action::LintLoad(text) => self.lint.load(text),
            Action::LintKind(kind) => {
                self.lint.kind = kind;
                self.lint.changed_reading();
            }
            Action::LintMx(mx) => {
                self.lint.mx = mx;
                self.lint.changed_reading();
            }
            Action::LintZoneMode(mode) => {
                self.lint.zone_mode = mode;
                self.lint.changed_reading();
            }
            Action::LintRun { version } => {
                if version == self.lint.version && !self.lint.is_current() {
                    self.lint.run();
                }
            }
            Action::LintSelect(selected) => {
                self.lint.selected = selected;
                self.lint.reveal += 1;
            }
            Action::LintApplyFix { index, code } => self.lint.apply_fix(index, &code),
            Action::LintFixAll => self.lint.fix_all(),
            Action::OpenInLinter {
                text,
                kind,
                mx,
                zone_mode,
            } => {
                self.view = View::Lint;
                self.permalink_error = None;
                self.lint.kind = kind;
                self.lint.mx = mx;
                self.lint.zone_mode = zone_mode;
                self.lint.load(text);
            }
            Action::Generate(edit, now) => self.generate.edit(edit, now),
            Action::ReportsReading(n) => {
                self.reports.reading = Some(n);
                self.reports.failure = None;
            }
            Action::ReportsShown {
                html,
                payload,
                elapsed_ms,
            } => {
                let r = &mut self.reports;
                if let Some(files) = r.reading.take() {
                    r.shared = false;
                    r.read = Some((files, elapsed_ms));
                    r.sorted = None;
                }
                r.html = Some(html);
                r.payload = payload;
                r.pending_link = None;
                r.failure = None;
                r.version += 1;
            }
            Action::ReportsFailed(why) => {
                self.reports.reading = None;
                self.reports.failure = Some(why);
            }
            Action::ReportsLinkFailed(why) => {
                self.permalink_error = Some(why);
                self.reports = ReportsState {
                    version: self.reports.version + 1,
                    ..ReportsState::default()
                };
            }
            Action::ReportsSort(key) => self.reports.sorted = Some(key),
            Action::RuleDocsLoading => {
                if !matches!(self.rule_docs, RuleDocsState::Loaded(_)) {
                    self.rule_docs = RuleDocsState::Loading;
                }
            }
            Action::RuleDocsLoaded(docs) => self.rule_docs = RuleDocsState::Loaded(docs),
            Action::RuleDocsFailed(why) => self.rule_docs = RuleDocsState::Failed(why),
            Action::RuleDocsRetry => {
                if matches!(self.rule_docs, RuleDocsState::Failed(_)) {
                    self.rule_docs = RuleDocsState::NotLoaded;
                }
            }
            Action::CheckDomain(domain) => self.check.domain = domain,
            Action::CheckPreset(preset) => {
                self.check.preset = preset.filter(|&i| i < RESOLVERS.len());
            }
            Action::CheckCustomResolver(url) => self.check.custom_resolver = url,
            Action::CheckIncludeResult(on) => self.check.include_result = on,
            Action::CheckStart => self.check.start(),
            Action::CheckStepDone {
                run,
                step,
                failure,
                elapsed_ms,
            } => {
                if run == self.check.run
                    && let Some(progress) = self.check.steps.iter_mut().find(|p| p.step == step)
                {
                    progress.status = failure.map_or(StepStatus::Done, StepStatus::Failed);
                    progress.elapsed_ms = Some(elapsed_ms);
                }
            }
            Action::CheckFinding { run, finding } => {
                if run == self.check.run && self.check.result.is_none() && !self.check.streamed.contains(&finding) {
                    self.check.streamed.push(finding);
                }
            }
            Action::CheckFinished { run, result } => {
                let c = &mut self.check;
                if run != c.run {
                    // An older run's answer.
                } else if c.snapshot.is_some() {
                    match result {
                        Ok(view) => c.show_snapshot(view),
                        Err(e) => {
                            c.snapshot = None;
                            self.permalink_error = Some(format!(
                                "This link's check result could not be read ({e}); check the domain live instead."
                            ));
                        }
                    }
                } else if c.running {
                    c.running = false;
                    match result {
                        Ok(view) => {
                            // A step whose event never came shows what the evidence says.
                            for (progress, seen) in c.steps.iter_mut().zip(&view.steps) {
                                if progress.status == StepStatus::Pending {
                                    progress.status = seen.status.clone();
                                    progress.elapsed_ms = seen.elapsed_ms;
                                }
                            }
                            c.result = Some(view);
                        }
                        Err(why) => c.problem = Some(capitalized(&why)),
                    }
                }
            }
            Action::CheckWorkerFailed(why) => {
                let c = &mut self.check;
                if c.running || c.snapshot.is_some() {
                    c.running = false;
                    c.snapshot = None;
                    c.problem = Some(format!("The live check could not run: {why}"));
                }
            }
            Action::ShowLink(link) => self.shown_link = Some(link),
            Action::DismissPermalinkError => self.permalink_error = None,
        }
    }
}

impl LintState {
    pub fn to_link(&self) -> LintLink {
        LintLink {
            text: self.text.to_string(),
            kind: self.kind.map(|k| k.as_str().to_string()),
            mx: self.mx.clone(),
            zone_mode: self.zone_mode.map(|m| m.as_str().to_string()),
            selected: self.selected,
        }
    }

    fn restore(&mut self, link: LintLink) {
        self.kind = link.kind.as_deref().and_then(Kind::parse);
        self.mx = link.mx;
        self.zone_mode = link.zone_mode.as_deref().and_then(|m| Mode::parse(m.as_bytes()));
        self.load(link.text);
        self.selected = link
            .selected
            .filter(|&i| self.result.as_ref().is_some_and(|r| i < r.report.diagnostics.len()));
        self.reveal += 1;
    }

    /// True when the report is from the current input (or there is nothing to lint).
    pub fn is_current(&self) -> bool {
        match &self.result {
            Some(r) => r.version == self.version,
            None => self.text.is_empty(),
        }
    }

    /// True when the text will not fit in a permalink (JSON escapes counted roughly).
    pub fn too_large_for_link(&self) -> bool {
        let escapes = self
            .text
            .bytes()
            .filter(|&b| b < 0x20 || b == b'"' || b == b'\\')
            .count();
        self.text.len() + 5 * escapes + 64 > permalink::MAX_DECOMPRESSED
    }

    /// Over [`LARGE_INPUT`] bytes or [`LARGE_LINES`] lines.
    pub fn is_large(&self) -> bool {
        self.text.len() > LARGE_INPUT || self.text.bytes().filter(|&b| b == b'\n').count() > LARGE_LINES
    }

    /// The debounce before linting this input.
    pub fn delay_ms(&self) -> u32 {
        if self.is_large() {
            LARGE_LINT_DELAY_MS
        } else {
            LINT_DELAY_MS
        }
    }

    /// The MX hosts as the linter takes them: split on commas and whitespace.
    pub fn mx_hosts(&self) -> Option<Vec<MxHost>> {
        self.mx.as_ref().map(|list| {
            list.split(|c: char| c == ',' || c.is_whitespace())
                .filter(|h| !h.is_empty())
                .map(MxHost::new)
                .collect()
        })
    }

    /// The typist changed the text: keep the marks near their text until the next run.
    fn typed(&mut self, text: String, edit: TextEdit) {
        if text == *self.text {
            return;
        }
        self.text = Rc::new(text);
        self.marks = Rc::new(
            self.marks
                .iter()
                .map(|m| Mark {
                    span: edit.shift(m.span),
                    ..*m
                })
                .collect(),
        );
        self.selected = None;
        self.version += 1;
        if self.text.is_empty() {
            self.run();
        }
    }

    /// A new text from outside the editor: reload the textarea and lint at once.
    fn load(&mut self, text: String) {
        self.text = Rc::new(text);
        self.selected = None;
        self.caret = None;
        self.version += 1;
        self.loaded += 1;
        self.run();
    }

    fn changed_reading(&mut self) {
        self.version += 1;
        self.selected = None;
    }

    /// Lint the current input.
    pub fn run(&mut self) {
        if self.text.is_empty() {
            self.result = None;
            self.marks = Rc::default();
            return;
        }
        let src = self.text.as_bytes();
        let (kind, detected) = match self.kind {
            Some(kind) => (kind, false),
            None => (mtasts_core::detect_kind(src), true),
        };
        let report = match kind {
            Kind::Policy => mtasts_core::lint_policy(src, self.mx_hosts().as_deref()),
            Kind::Zone => mtasts_core::lint_zone(src, self.zone_mode),
            other => mtasts_core::lint(other, src),
        };
        self.marks = Rc::new(
            report
                .diagnostics
                .iter()
                .enumerate()
                .map(|(index, d)| Mark {
                    span: d.span,
                    severity: d.severity,
                    index,
                })
                .collect(),
        );
        if self.selected.is_some_and(|i| i >= report.diagnostics.len()) {
            self.selected = None;
        }
        self.result = Some(Rc::new(LintResult {
            version: self.version,
            kind,
            detected,
            report,
        }));
    }

    fn apply_fix(&mut self, index: usize, code: &str) {
        if !self.is_current() {
            // The list was a keystroke behind: judge the text the user now sees.
            self.run();
        }
        let Some(result) = self.result.clone() else {
            return;
        };
        let Some(diagnostic) = result
            .report
            .diagnostics
            .get(index)
            .filter(|d| d.code() == code && d.fix.is_some())
        else {
            return;
        };
        let (fixed, applied) = mtasts_core::apply_fixes(self.text.as_bytes(), std::slice::from_ref(diagnostic));
        if applied > 0 {
            self.load(into_text(fixed));
        }
    }

    fn fix_all(&mut self) {
        if !self.is_current() {
            self.run();
        }
        let Some(kind) = self.result.as_ref().map(|r| r.kind) else {
            return;
        };
        let hosts = self.mx_hosts();
        let fixed = mtasts_core::fix_all(kind, self.text.as_bytes(), hosts.as_deref());
        if fixed != self.text.as_bytes() {
            self.load(into_text(fixed));
        }
    }

    /// How many diagnostics have a fix (for "Fix all").
    pub fn fixable(&self) -> usize {
        self.result
            .as_ref()
            .map_or(0, |r| r.report.diagnostics.iter().filter(|d| d.fix.is_some()).count())
    }
}

/// Bytes from the engine back to editor text. Fixes only remove or insert whole ASCII
/// pieces, so this is lossless in practice; junk input already came in as text.
fn into_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl GenerateForm {
    pub fn from_link(link: GenerateLink) -> GenerateForm {
        GenerateForm {
            domain: link.domain,
            mode: Mode::parse(link.mode.as_bytes()).unwrap_or(Mode::Testing),
            mx: non_empty_rows(link.mx),
            max_age: link.max_age,
            rua: non_empty_rows(link.rua),
            lf: link.lf,
            policy_host: link.policy_host,
            issued_at: link.issued_at,
        }
    }

    pub fn to_link(&self) -> GenerateLink {
        GenerateLink {
            domain: self.domain.clone(),
            mode: self.mode.as_str().to_string(),
            mx: self.mx.clone(),
            max_age: self.max_age,
            rua: self.rua.clone(),
            lf: self.lf,
            policy_host: self.policy_host.clone(),
            issued_at: self.issued_at,
        }
    }

    /// The generator's input; blank rows are left out.
    pub fn input(&self) -> GenerateInput {
        let filled =
            |rows: &[String]| -> Vec<String> { rows.iter().filter(|r| !r.trim().is_empty()).cloned().collect() };
        let mut input = GenerateInput::new(self.domain.clone(), self.mode, filled(&self.mx));
        input.max_age = self.max_age;
        input.rua = filled(&self.rua);
        input.line_ending = if self.lf { LineEnding::Lf } else { LineEnding::Crlf };
        input.issued_at = self.issued_at;
        let host = self.policy_host.trim();
        input.policy_host = (!host.is_empty()).then(|| host.to_string());
        input
    }
}

/// A form list always shows at least one row.
fn non_empty_rows(rows: Vec<String>) -> Vec<String> {
    if rows.is_empty() { vec![String::new()] } else { rows }
}

impl GenerateState {
    /// Generate from `form`. When the form has no time yet (a fresh page, a hand-made
    /// link) the id takes `now`.
    pub fn new(mut form: GenerateForm, now: u64) -> GenerateState {
        if form.issued_at == 0 {
            form.issued_at = now;
        }
        let outcome = Rc::new(GenerateOutcome::of(&form));
        GenerateState { form, outcome }
    }

    fn edit(&mut self, edit: FormEdit, now: u64) {
        let form = &mut self.form;
        match edit {
            FormEdit::Domain(d) => form.domain = d,
            FormEdit::Mode(m) => form.mode = m,
            FormEdit::Mx(i, v) => set_row(&mut form.mx, i, v),
            FormEdit::AddMx => form.mx.push(String::new()),
            FormEdit::RemoveMx(i) => remove_row(&mut form.mx, i),
            FormEdit::MaxAge(a) => form.max_age = a,
            FormEdit::Rua(i, v) => set_row(&mut form.rua, i, v),
            FormEdit::AddRua => form.rua.push(String::new()),
            FormEdit::RemoveRua(i) => remove_row(&mut form.rua, i),
            FormEdit::Lf(lf) => form.lf = lf,
            FormEdit::PolicyHost(h) => form.policy_host = h,
        }
        let before = self.outcome.result.as_ref().ok().map(|g| g.policy.clone());
        let mut outcome = GenerateOutcome::of(&self.form);
        let after = outcome.result.as_ref().ok().map(|g| g.policy.clone());
        // A new policy text gets a new id: take the time now (RFC 8461 §3.1 only asks
        // that the id change, and the id encodes this time).
        if after.is_some() && after != before && self.form.issued_at != now {
            self.form.issued_at = now;
            outcome = GenerateOutcome::of(&self.form);
        }
        self.outcome = Rc::new(outcome);
    }
}

fn set_row(rows: &mut [String], i: usize, value: String) {
    if let Some(row) = rows.get_mut(i) {
        *row = value;
    }
}

fn remove_row(rows: &mut Vec<String>, i: usize) {
    if i < rows.len() {
        rows.remove(i);
    }
    if rows.is_empty() {
        rows.push(String::new());
    }
}

impl GenerateOutcome {
    fn of(form: &GenerateForm) -> GenerateOutcome {
        let result = generate::generate(&form.input());
        let problems = match &result {
            Ok(g) => output_problems(g),
            Err(_) => Vec::new(),
        };
        GenerateOutcome { result, problems }
    }
}

/// Lint what the generator wrote, as the page promises it is clean.
fn output_problems(g: &Generated) -> Vec<String> {
    let mut reports = vec![
        ("policy", mtasts_core::lint_policy(g.policy.as_bytes(), None)),
        ("_mta-sts record", mtasts_core::lint(Kind::Sts, g.sts_txt.as_bytes())),
    ];
    if let Some(tlsrpt) = &g.tlsrpt_txt {
        reports.push(("_smtp._tls record", mtasts_core::lint(Kind::Tlsrpt, tlsrpt.as_bytes())));
    }
    reports
        .iter()
        .flat_map(|(what, report)| {
            report
                .diagnostics
                .iter()
                .filter(|d| d.severity >= Severity::Warning)
                .map(move |d| format!("{what}: {} {}", d.code(), d.message))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The Check view

/// The resolver a fresh Check view uses (Cloudflare, the first of `RESOLVERS`).
pub fn default_resolver() -> &'static str {
    RESOLVERS.first().map_or("", |&(_, url)| url)
}

/// The Check view: what to check, how far the check got, and what it found. The check
/// itself runs in the check worker; this holds what it answered.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckState {
    /// The domain field.
    pub domain: String,
    /// The chosen entry of `RESOLVERS`, or `None` for the custom URL.
    pub preset: Option<usize>,
    /// The custom resolver field.
    pub custom_resolver: String,
    /// "Include the result" in the permalink.
    pub include_result: bool,
    /// Why the check could not start (not a domain name, not a usable resolver URL).
    pub problem: Option<String>,
    /// The domain and resolver of the check shown (what the permalink names).
    pub checked: Option<CheckTarget>,
    /// Bumps when a live check starts or a snapshot is sent to be judged; answers of older
    /// runs are dropped.
    pub run: u64,
    /// A live check is under way.
    pub running: bool,
    /// A link's evidence snapshot (JSON) the worker is judging for run `run`.
    pub snapshot: Option<String>,
    /// One entry per `STEP_LABELS`, in that order.
    pub steps: Vec<StepProgress>,
    /// Findings as they streamed in (replaced by the full list once the check is judged).
    pub streamed: Vec<FindingView>,
    /// The judged check.
    pub result: Option<Rc<CheckView>>,
    /// The result came from a link's snapshot, not from a check run here.
    pub shared: bool,
}

/// What a check looked at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckTarget {
    pub domain: String,
    pub resolver: String,
}

/// A step's progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepProgress {
    /// An index of `STEP_LABELS`.
    pub step: usize,
    pub status: StepStatus,
    /// Milliseconds from the start of the check to the step's end.
    pub elapsed_ms: Option<u64>,
}

impl StepProgress {
    pub fn label(&self) -> &'static str {
        STEP_LABELS.get(self.step).copied().unwrap_or_default()
    }
}

impl Default for CheckState {
    fn default() -> Self {
        CheckState {
            domain: String::new(),
            preset: Some(0),
            custom_resolver: String::new(),
            include_result: false,
            problem: None,
            checked: None,
            run: 0,
            running: false,
            snapshot: None,
            steps: pending_steps(),
            streamed: Vec::new(),
            result: None,
            shared: false,
        }
    }
}

fn pending_steps() -> Vec<StepProgress> {
    (0..STEP_LABELS.len())
        .map(|step| StepProgress {
            step,
            status: StepStatus::Pending,
            elapsed_ms: None,
        })
        .collect()
}

fn steps_of(views: &[StepView]) -> Vec<StepProgress> {
    views
        .iter()
        .enumerate()
        .map(|(step, v)| StepProgress {
            step,
            status: v.status.clone(),
            elapsed_ms: v.elapsed_ms,
        })
        .collect()
}

impl CheckState {
    /// The resolver URL the form names.
    pub fn resolver(&self) -> String {
        match self.preset.and_then(|i| RESOLVERS.get(i)) {
            Some(&(_, url)) => url.to_string(),
            None => self.custom_resolver.trim().to_string(),
        }
    }

    /// Choose the resolver by URL: a preset when it is one, else the custom field.
    fn set_resolver(&mut self, url: &str) {
        let url = if url.trim().is_empty() {
            default_resolver()
        } else {
            url.trim()
        };
        self.preset = RESOLVERS.iter().position(|&(_, u)| u == url);
        if self.preset.is_none() {
            self.custom_resolver = url.to_string();
        }
    }

    /// Start a live check of the form's domain at its resolver, or say why it cannot.
    fn start(&mut self) {
        let resolver = self.resolver();
        let valid = model::domain_name(&self.domain)
            .and_then(|_| model::check_resolver(&resolver).map_err(|e| capitalized(&e)));
        if let Err(why) = valid {
            self.problem = Some(capitalized(&why));
            return;
        }
        self.problem = None;
        self.checked = Some(CheckTarget {
            domain: self.domain.trim().to_string(),
            resolver,
        });
        self.run += 1;
        self.running = true;
        self.snapshot = None;
        self.steps = pending_steps();
        self.streamed.clear();
        self.result = None;
        self.shared = false;
    }

    /// What the worker should do for run `run`: check live, judge a snapshot, or nothing.
    pub fn request(&self, api: String) -> Option<model::Request> {
        match (&self.snapshot, &self.checked) {
            (Some(json), _) => Some(model::Request::Snapshot {
                run: self.run,
                evidence_json: json.clone(),
            }),
            (None, Some(target)) if self.running => Some(model::Request::Check {
                run: self.run,
                domain: target.domain.clone(),
                resolver: target.resolver.clone(),
                api,
            }),
            _ => None,
        }
    }

    fn to_link(&self) -> Option<CheckLink> {
        let target = self.checked.as_ref()?;
        let evidence = match &self.snapshot {
            // Still being judged: the link is the one it came from.
            Some(json) => Some(json.clone()),
            None => self
                .result
                .as_ref()
                .filter(|_| self.include_result)
                .map(|r| r.evidence_json.clone()),
        };
        Some(CheckLink {
            domain: target.domain.clone(),
            resolver: if target.resolver == default_resolver() {
                String::new()
            } else {
                target.resolver.clone()
            },
            evidence,
        })
    }

    /// Open a link: have its snapshot judged, or check its domain live.
    fn restore(&mut self, link: CheckLink) {
        self.domain = link.domain;
        self.set_resolver(&link.resolver);
        match link.evidence {
            Some(json) => {
                self.problem = None;
                self.checked = Some(CheckTarget {
                    domain: self.domain.trim().to_string(),
                    resolver: self.resolver(),
                });
                self.run += 1;
                self.running = false;
                self.snapshot = Some(json);
                self.include_result = true;
                self.steps = pending_steps();
                self.streamed.clear();
                self.result = None;
                self.shared = true;
            }
            None => self.start(),
        }
    }

    fn show_snapshot(&mut self, view: Rc<CheckView>) {
        self.snapshot = None;
        self.steps = steps_of(&view.steps);
        self.result = Some(view);
    }

    /// The findings to list: all of them once judged, else those streamed so far.
    pub fn findings(&self) -> Vec<FindingView> {
        match &self.result {
            Some(result) => result.findings.clone(),
            None => self.streamed.clone(),
        }
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const POLICY: &str = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmax_age: 604800\r\n";
    const NOW: u64 = 1_767_225_600;

    fn reduce(state: State, action: Action) -> State {
        Rc::try_unwrap(Rc::new(state).reduce(action)).unwrap_or_else(|rc| (*rc).clone())
    }

    fn typed(text: &str) -> State {
        let state = reduce(State::default(), Action::LintTyped(text.into()));
        let version = state.lint.version;
        reduce(state, Action::LintRun { version })
    }

    #[test]
    fn typing_then_the_timer_lints() {
        let state = reduce(State::default(), Action::LintTyped("v=STSv1; id=20260101".into()));
        assert!(!state.lint.is_current(), "typing only marks the report stale");
        let stale = state.lint.version;
        let state = reduce(state, Action::LintTyped("v=STSv1; id=20260102".into()));
        // A timer from an older keystroke does nothing.
        let state = reduce(state, Action::LintRun { version: stale });
        assert!(!state.lint.is_current());
        let version = state.lint.version;
        let state = reduce(state, Action::LintRun { version });
        let result = state.lint.result.as_ref().unwrap();
        assert_eq!(result.kind, Kind::Sts);
        assert!(result.detected);
        assert_eq!(result.report.summary(), "Valid _mta-sts record: policy id 20260102");
    }

    #[test]
    fn kind_override_and_mx_hosts() {
        let state = reduce(
            State::default(),
            Action::OpenInLinter {
                text: POLICY.into(),
                kind: None,
                mx: Some("mx1.example.com, mx2.example.com".into()),
                zone_mode: None,
            },
        );
        let report = &state.lint.result.as_ref().unwrap().report;
        assert!(report.valid);
        assert!(report.has("MXC-MX-NOT-COVERED"), "{:?}", report.diagnostics);
        let state = reduce(state, Action::LintKind(Some(Kind::Sts)));
        let version = state.lint.version;
        let state = reduce(state, Action::LintRun { version });
        let result = state.lint.result.as_ref().unwrap();
        assert_eq!(result.kind, Kind::Sts);
        assert!(!result.report.valid);
    }

    #[test]
    fn fixes_apply_and_relint() {
        let state = typed("\u{feff}version: STSv1\r\nMode: enforce\r\nmx: mx1.example.com.\r\nmax_age: 604800\r\n");
        let report = &state.lint.result.as_ref().unwrap().report;
        let (index, bom) = report
            .diagnostics
            .iter()
            .enumerate()
            .find(|(_, d)| d.code() == "POLICY-BOM")
            .unwrap();
        assert!(bom.fix.is_some());
        let loaded = state.lint.loaded;
        let state = reduce(
            state,
            Action::LintApplyFix {
                index,
                code: "POLICY-BOM".into(),
            },
        );
        assert!(!state.lint.text.starts_with('\u{feff}'));
        assert_eq!(state.lint.loaded, loaded + 1, "the editor reloads");
        assert!(state.lint.is_current());
        let state = reduce(state, Action::LintFixAll);
        assert_eq!(*state.lint.text, POLICY);
        assert!(state.lint.result.as_ref().unwrap().report.valid);
        // A stale index or code is ignored.
        let before = state.lint.text.clone();
        let state = reduce(
            state,
            Action::LintApplyFix {
                index: 99,
                code: "POLICY-BOM".into(),
            },
        );
        assert_eq!(state.lint.text, before);
    }

    #[test]
    fn typing_keeps_crlf_and_moves_marks() {
        let state = typed("version: STSv1\r\nmode: enforce\r\n");
        let marks_before = state.lint.marks.clone();
        assert!(!marks_before.is_empty());
        let state = reduce(state, Action::LintTyped("x\nversion: STSv1\nmode: enforce\n".into()));
        assert_eq!(*state.lint.text, "x\r\nversion: STSv1\r\nmode: enforce\r\n");
        assert_eq!(state.lint.marks[0].span.start, marks_before[0].span.start + 3);
    }

    #[test]
    fn lint_permalink_restores_the_exact_view() {
        let mut state = typed("\u{feff}v=STSv1; id=abc");
        state.lint.kind = Some(Kind::Sts);
        state.lint.run();
        state = reduce(state, Action::LintSelect(Some(0)));
        let fragment = state.fragment().unwrap();
        assert!(fragment.starts_with("#/lint/"));
        let fresh = State::from_fragment(&fragment, NOW);
        assert_eq!(fresh.view, View::Lint);
        assert_eq!(fresh.lint.text, state.lint.text);
        assert_eq!(fresh.lint.kind, Some(Kind::Sts));
        assert_eq!(fresh.lint.selected, Some(0));
        assert!(fresh.lint.is_current());
        assert_eq!(fresh.permalink_error, None);
        assert_eq!(fresh.fragment().unwrap(), fragment);
    }

    #[test]
    fn damaged_permalink_shows_a_message_and_an_empty_view() {
        let mut state = typed(POLICY);
        let fragment = state.fragment().unwrap();
        state.apply(Action::Navigate {
            fragment: fragment[..fragment.len() - 5].to_string(),
            now: NOW,
        });
        assert!(state.permalink_error.is_some());
        assert!(state.lint.text.is_empty());
        assert!(state.lint.result.is_none());
        state.apply(Action::DismissPermalinkError);
        assert_eq!(state.permalink_error, None);
        for junk in ["#/lint/%%%", "#/generate/AAAA", "#/lint/"] {
            let s = State::from_fragment(junk, NOW);
            assert_eq!(s.view, Route::parse(junk).view);
            if junk != "#/lint/" {
                assert!(s.permalink_error.is_some(), "{junk}");
            }
        }
        assert!(State::from_fragment("#/elsewhere", NOW).permalink_error.is_some());
    }

    #[test]
    fn generate_form_produces_clean_output_and_new_ids() {
        let mut state = State::default();
        assert!(state.generate.outcome.result.is_err(), "no domain yet");
        state.apply(Action::Generate(FormEdit::Domain("example.com".into()), NOW));
        state.apply(Action::Generate(FormEdit::Mx(0, "mx1.example.com".into()), NOW));
        state.apply(Action::Generate(FormEdit::Rua(0, "tls@example.net".into()), NOW));
        let first = state.generate.outcome.result.clone().unwrap();
        assert_eq!(state.generate.form.issued_at, NOW);
        assert!(
            state.generate.outcome.problems.is_empty(),
            "{:?}",
            state.generate.outcome.problems
        );
        assert!(first.policy.contains("mx: mx1.example.com\r\n"));
        // The domain is not in the policy: same policy, same id.
        state.apply(Action::Generate(FormEdit::Domain("example.org".into()), NOW + 60));
        assert_eq!(state.generate.outcome.result.as_ref().unwrap().id, first.id);
        // A new policy text takes the time of the change.
        state.apply(Action::Generate(FormEdit::AddMx, NOW + 120));
        state.apply(Action::Generate(FormEdit::Mx(1, "mx2.example.com".into()), NOW + 120));
        assert_eq!(state.generate.form.issued_at, NOW + 120);
        let second = state.generate.outcome.result.clone().unwrap();
        assert_ne!(second.id, first.id);
        state.apply(Action::Generate(FormEdit::RemoveMx(0), NOW + 180));
        assert_eq!(state.generate.form.mx, vec!["mx2.example.com".to_string()]);
        state.apply(Action::Generate(FormEdit::RemoveMx(0), NOW + 180));
        assert_eq!(state.generate.form.mx, vec![String::new()], "one row stays");
        assert!(state.generate.outcome.result.is_err());
    }

    #[test]
    fn generate_permalink_keeps_the_id() {
        let mut state = State::default();
        state.apply(Action::Generate(FormEdit::Domain("example.com".into()), NOW));
        state.apply(Action::Generate(FormEdit::Mx(0, "*.mail.example.net".into()), NOW));
        state.apply(Action::Generate(FormEdit::Lf(true), NOW + 5));
        state.view = View::Generate;
        let fragment = state.fragment().unwrap();
        let fresh = State::from_fragment(&fragment, NOW + 999);
        assert_eq!(fresh.view, View::Generate);
        assert_eq!(fresh.generate.form, state.generate.form);
        assert_eq!(
            fresh.generate.outcome.result.as_ref().unwrap().id,
            state.generate.outcome.result.as_ref().unwrap().id
        );
    }

    #[test]
    fn rules_route_finds_codes_case_insensitively() {
        let state = State::from_fragment("#/rules/policy-bom", NOW);
        assert_eq!(state.view, View::Rules);
        assert_eq!(state.rule.as_deref(), Some("POLICY-BOM"));
        assert_eq!(state.fragment().unwrap(), "#/rules/POLICY-BOM");
        let missing = State::from_fragment("#/rules/NOPE", NOW);
        assert_eq!(missing.rule, None);
        assert_eq!(missing.unknown_rule.as_deref(), Some("NOPE"));
    }

    #[test]
    fn shown_link_clears_when_the_view_changes() {
        let state = reduce(State::default(), Action::ShowLink("x".into()));
        assert_eq!(state.shown_link.as_deref(), Some("x"));
        let state = reduce(state, Action::LintTyped("a".into()));
        assert_eq!(state.shown_link, None);
    }

    #[test]
    fn reports_keep_what_the_reader_answered() {
        let mut state = State::from_fragment("#/reports", NOW);
        assert_eq!(state.fragment().unwrap(), "#/reports", "nothing read yet");
        state.apply(Action::ReportsReading(60));
        assert_eq!(state.reports.reading, Some(60));
        state.apply(Action::ReportsShown {
            html: "<p>60 reports</p>".into(),
            payload: Some("abc".into()),
            elapsed_ms: 12,
        });
        assert!(!state.reports.shared);
        assert_eq!(state.reports.reading, None);
        assert_eq!(state.reports.read, Some((60, 12)));
        assert_eq!(state.fragment().unwrap(), "#/reports/abc");
        // A sort redraws; the numbers stay.
        state.apply(Action::ReportsSort("policies 0".into()));
        state.apply(Action::ReportsShown {
            html: "<p>sorted</p>".into(),
            payload: Some("abc".into()),
            elapsed_ms: 0,
        });
        assert_eq!(state.reports.read, Some((60, 12)));
        assert_eq!(state.reports.sorted.as_deref(), Some("policies 0"));
        // The same link again (Back, Forward) keeps the view; another asks the reader.
        state.apply(Action::Navigate {
            fragment: "#/reports/abc".into(),
            now: NOW,
        });
        assert!(!state.reports.shared);
        let opened = State::from_fragment("#/reports/xyz", NOW);
        assert!(opened.reports.shared);
        assert_eq!(opened.reports.pending_link.as_deref(), Some("xyz"));
        assert_eq!(opened.fragment().unwrap(), "#/reports/xyz");
        let mut damaged = opened.clone();
        damaged.apply(Action::ReportsLinkFailed("This link is damaged.".into()));
        assert!(damaged.permalink_error.is_some());
        assert_eq!(damaged.reports.pending_link, None);
        assert_eq!(damaged.fragment().unwrap(), "#/reports");
        state.apply(Action::ReportsFailed("no worker".into()));
        assert_eq!(state.reports.failure.as_deref(), Some("no worker"));
    }

    #[test]
    fn rule_docs_load_once_and_retry_after_a_failure() {
        let mut state = State::from_fragment("#/rules/POLICY-BOM", NOW);
        assert!(state.rule_docs.wants_load());
        state.apply(Action::RuleDocsLoading);
        assert_eq!(state.rule_docs, RuleDocsState::Loading);
        // Retry is for failures only: a fetch under way is not started twice.
        state.apply(Action::RuleDocsRetry);
        assert_eq!(state.rule_docs, RuleDocsState::Loading);
        state.apply(Action::RuleDocsFailed("offline".into()));
        assert_eq!(state.rule_docs, RuleDocsState::Failed("offline".into()));
        state.apply(Action::RuleDocsRetry);
        assert!(state.rule_docs.wants_load());
        let docs =
            Rc::new(RuleDocs::from_entries([("POLICY-BOM".to_string(), "# POLICY-BOM: x".to_string())]).unwrap());
        state.apply(Action::RuleDocsLoading);
        state.apply(Action::RuleDocsLoaded(docs.clone()));
        assert_eq!(state.rule_docs, RuleDocsState::Loaded(docs.clone()));
        // Kept for the session: other views and a late "loading" leave them.
        state.apply(Action::Navigate {
            fragment: "#/lint".into(),
            now: NOW,
        });
        state.apply(Action::RuleDocsLoading);
        state.apply(Action::RuleDocsRetry);
        assert_eq!(state.rule_docs, RuleDocsState::Loaded(docs));
        // The docs are not part of the permalink.
        assert_eq!(state.fragment().unwrap(), "#/lint");
    }

    use mtasts_core::check::{self, CheckEvidence};

    /// What a check of example.com saw with no proxy: the `_mta-sts` record only.
    fn check_evidence() -> CheckEvidence {
        let evidence = mtasts_check_worker::fixtures::evidence_without_proxy();
        assert_eq!(evidence.resolver.as_deref(), Some(default_resolver()));
        assert_eq!(evidence.checked_at, Some(NOW));
        evidence
    }

    /// The evidence judged by the check worker's engine, as the worker answers it.
    fn check_view() -> Rc<CheckView> {
        let json = serde_json::to_string(&check_evidence()).unwrap();
        Rc::new(mtasts_check_worker::engine::judge_snapshot(&json).unwrap())
    }

    /// Index of the step labelled `label`.
    fn step(label: &str) -> usize {
        STEP_LABELS.iter().position(|&l| l == label).unwrap()
    }

    fn started(domain: &str) -> State {
        let mut state = State::from_fragment("#/check", NOW);
        state.apply(Action::CheckDomain(domain.into()));
        state.apply(Action::CheckStart);
        state
    }

    #[test]
    fn check_refuses_what_it_cannot_check() {
        let state = started("https://example.com/");
        assert_eq!(state.check.run, 0, "no check starts");
        assert!(state.check.problem.as_deref().unwrap().contains("not a domain name"));
        let mut state = started("");
        assert!(state.check.problem.is_some());
        state.apply(Action::CheckDomain("example.com".into()));
        state.apply(Action::CheckPreset(None));
        state.apply(Action::CheckCustomResolver("http://dns.example/dns-query".into()));
        state.apply(Action::CheckStart);
        assert_eq!(state.check.run, 0);
        let problem = state.check.problem.clone().unwrap();
        assert!(
            problem.starts_with("The resolver `http://dns.example/dns-query` must use https://"),
            "{problem}"
        );
        state.apply(Action::CheckCustomResolver("http://127.0.0.1:8053/dns-query".into()));
        state.apply(Action::CheckStart);
        assert_eq!(state.check.run, 1);
        assert_eq!(state.check.problem, None);
        assert_eq!(
            state.check.checked.as_ref().unwrap().resolver,
            "http://127.0.0.1:8053/dns-query"
        );
    }

    #[test]
    fn check_events_fill_in_steps_findings_and_verdict() {
        let mut state = started("example.com");
        assert_eq!(state.check.run, 1);
        assert!(state.check.running);
        assert_eq!(state.check.checked.as_ref().unwrap().resolver, default_resolver());
        assert_eq!(state.check.steps.len(), STEP_LABELS.len());
        assert!(state.check.steps.iter().all(|p| p.status == StepStatus::Pending));
        state.apply(Action::CheckStepDone {
            run: 1,
            step: step("Policy fetch"),
            failure: Some("no proxy".into()),
            elapsed_ms: 0,
        });
        state.apply(Action::CheckStepDone {
            run: 1,
            step: step(check::Purpose::StsRecord.label()),
            failure: None,
            elapsed_ms: 31,
        });
        let fetch = state.check.steps.iter().find(|p| p.label() == "Policy fetch").unwrap();
        assert_eq!(fetch.status, StepStatus::Failed("no proxy".into()));
        let sts = &state.check.steps[0];
        assert_eq!((sts.status.clone(), sts.elapsed_ms), (StepStatus::Done, Some(31)));
        // A finding streams in once, however often it is reported.
        let view = check_view();
        let finding = view.findings.first().cloned().expect("a finding");
        for _ in 0..2 {
            state.apply(Action::CheckFinding {
                run: 1,
                finding: finding.clone(),
            });
        }
        assert_eq!(state.check.findings(), vec![finding.clone()]);
        // Events of an older run change nothing.
        state.apply(Action::CheckStart);
        assert_eq!(state.check.run, 2);
        assert!(state.check.findings().is_empty(), "a new run starts empty");
        state.apply(Action::CheckFinding { run: 1, finding });
        state.apply(Action::CheckFinished {
            run: 1,
            result: Err("old".into()),
        });
        assert!(state.check.findings().is_empty());
        assert!(state.check.running);
        assert_eq!(state.check.problem, None);
        state.apply(Action::CheckStepDone {
            run: 2,
            step: 0,
            failure: None,
            elapsed_ms: 40,
        });
        // The end: every step shows what the evidence says, and the verdict is judged.
        state.apply(Action::CheckFinished {
            run: 2,
            result: Ok(view.clone()),
        });
        assert!(!state.check.running);
        assert!(state.check.steps.iter().all(|p| p.status != StepStatus::Pending));
        // The step whose event came keeps it; the others show what the evidence says.
        assert_eq!(state.check.steps[0].elapsed_ms, Some(40));
        assert_eq!(state.check.steps[1..], steps_of(&view.steps)[1..]);
        let result = state.check.result.clone().unwrap();
        assert_eq!(result.verdict, check::Verdict::Incomplete);
        assert_eq!(state.check.findings(), result.findings);
        // A run that could not start says why.
        state.apply(Action::CheckStart);
        state.apply(Action::CheckFinished {
            run: 3,
            result: Err("the resolver is down".into()),
        });
        assert_eq!(state.check.problem.as_deref(), Some("The resolver is down"));
        assert!(!state.check.running);
    }

    #[test]
    fn check_permalink_reruns_live_or_shows_the_snapshot() {
        let mut state = started("example.com");
        state.apply(Action::CheckFinished {
            run: 1,
            result: Ok(check_view()),
        });
        // Without the result: the link names the domain and resolver, and checks live.
        let live = state.fragment().unwrap();
        assert!(live.starts_with("#/check/"), "{live}");
        let opened = State::from_fragment(&live, NOW);
        assert_eq!(opened.view, View::Check);
        assert_eq!(opened.check.domain, "example.com");
        assert_eq!(opened.check.preset, Some(0));
        assert_eq!((opened.check.run, opened.check.running), (1, true));
        assert!(opened.check.result.is_none());
        assert_eq!(opened.fragment().unwrap(), live);
        // With the result: the snapshot goes to the worker to be judged, nothing runs live.
        state.apply(Action::CheckIncludeResult(true));
        let snapshot = state.fragment().unwrap();
        assert_ne!(snapshot, live);
        let mut shared = State::from_fragment(&snapshot, NOW + 3600);
        assert_eq!(shared.permalink_error, None);
        assert_eq!((shared.check.run, shared.check.running), (1, false));
        assert!(shared.check.shared);
        let evidence_json = state.check.result.as_ref().unwrap().evidence_json.clone();
        assert_eq!(
            shared.check.request("/api".into()),
            Some(model::Request::Snapshot {
                run: 1,
                evidence_json: evidence_json.clone()
            })
        );
        // While it is judged, the link is the one it came from.
        assert_eq!(shared.fragment().unwrap(), snapshot);
        // The judged snapshot: the same verdict, reasons and steps.
        let judged = Rc::new(mtasts_check_worker::engine::judge_snapshot(&evidence_json).unwrap());
        shared.apply(Action::CheckFinished {
            run: 1,
            result: Ok(judged),
        });
        assert_eq!(shared.check.snapshot, None);
        assert_eq!(shared.check.request("/api".into()), None, "nothing more to ask");
        let (a, b) = (
            state.check.result.as_ref().unwrap(),
            shared.check.result.as_ref().unwrap(),
        );
        assert_eq!(a.verdict, b.verdict);
        assert_eq!(a.reasons, b.reasons);
        assert_eq!(shared.check.steps, state.check.steps);
        assert_eq!(shared.fragment().unwrap(), snapshot);
        // "Re-run live" checks the same domain at the same resolver.
        let mut rerun = shared.clone();
        rerun.apply(Action::CheckStart);
        assert_eq!(
            (rerun.check.run, rerun.check.running, rerun.check.shared),
            (2, true, false)
        );
        assert!(matches!(
            rerun.check.request("/api".into()),
            Some(model::Request::Check { run: 2, .. })
        ));
        // A custom resolver travels in the link.
        let mut custom = State::from_fragment("#/check", NOW);
        custom.apply(Action::CheckDomain("example.org".into()));
        custom.apply(Action::CheckPreset(None));
        custom.apply(Action::CheckCustomResolver("https://doh.example/q".into()));
        custom.apply(Action::CheckStart);
        let reopened = State::from_fragment(&custom.fragment().unwrap(), NOW);
        assert_eq!(reopened.check.preset, None);
        assert_eq!(reopened.check.resolver(), "https://doh.example/q");
        // Nothing checked yet: the link names the view only.
        assert_eq!(State::from_fragment("#/check", NOW).fragment().unwrap(), "#/check");
    }

    #[test]
    fn a_damaged_check_link_says_so() {
        let bad = permalink::encode(&CheckLink {
            domain: "example.com".into(),
            resolver: String::new(),
            evidence: Some("{not json".into()),
        })
        .unwrap();
        let mut state = State::from_fragment(&format!("#/check/{bad}"), NOW);
        // The worker judges the snapshot and says why it cannot be read.
        let why = mtasts_check_worker::engine::judge_snapshot("{not json").unwrap_err();
        state.apply(Action::CheckFinished {
            run: 1,
            result: Err(why),
        });
        assert!(state.permalink_error.as_deref().unwrap().contains("could not be read"));
        assert!(!state.check.running, "nothing runs");
        assert!(state.check.result.is_none());
        assert_eq!(state.check.domain, "example.com");
        assert!(State::from_fragment("#/check/AAAA", NOW).permalink_error.is_some());
    }

    #[test]
    fn an_old_lint_link_still_opens() {
        let state = State::from_fragment(&format!("#/lint/{}", permalink::tests::OLD_LINT_LINK), NOW);
        assert_eq!(state.permalink_error, None);
        assert_eq!(state.view, View::Lint);
        assert!(state.lint.text.starts_with("version: STSv1\r\nmode: enforce"));
        assert_eq!(state.lint.mx.as_deref(), Some("mx1.example.com, mx2.example.com"));
        assert!(state.lint.is_current());
    }

    #[test]
    fn junk_gives_diagnostics() {
        let junk: String = (0..20_000u32)
            .map(|i| char::from_u32((i * 7919) % 0x2000).unwrap_or('\u{fffd}'))
            .collect();
        let state = typed(&junk);
        let result = state.lint.result.as_ref().unwrap();
        assert!(!result.report.valid);
        assert!(!result.report.diagnostics.is_empty());
    }
}
