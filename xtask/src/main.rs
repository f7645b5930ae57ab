//! Project automation: `cargo xtask <command>` (the alias lives in `.cargo/config.toml`).
//!
//! Plain std on purpose: this crate builds before anything else and must stay cheap.
//!
//! Commands:
//! - `setup`       make sure the tools the checks need are present (idempotent).
//! - `test`        the full check CI runs: setup, fmt, clippy, tests, wasm build, a short
//!   fuzz run of every target, and a compile check of the benchmarks.
//! - `fuzz [SECS]` fuzz every target for SECS seconds each.
//! - `bench`       run the criterion benchmarks and the memory benchmark.

use std::env;
use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const DEFAULT_FUZZ_SECS: u64 = 15;
const FUZZ_SECS_ENV: &str = "MTASTS_FUZZ_SECS";
/// libFuzzer's per-input time limit: any single input slower than this is reported as a
/// hang (inputs are a few KiB, so anything near it is a real performance bug).
const FUZZ_INPUT_TIMEOUT_SECS: u64 = 25;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup        ensure rustfmt, clippy, the wasm32-unknown-unknown target, a nightly
               toolchain and cargo-fuzz are installed (installs only what is missing)
  test [--keep-going]
               setup, then fmt check, clippy -D warnings, cargo test, wasm32 build of
               mtasts-core, a short fuzz run of every fuzz target, and a compile check
               of the benchmarks; stops at the first failing step unless --keep-going
               (-k), which runs every step and lists the failures at the end
  fuzz [SECS]  fuzz every target for SECS seconds each (default: $MTASTS_FUZZ_SECS or 15);
               a crash in one target does not stop the others
  bench [ARGS] run the criterion benchmarks (ARGS go to criterion) and the memory benchmark

environment:
  MTASTS_FUZZ_SECS  seconds per fuzz target for `test` and `fuzz` (default 15)
";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let root = repo_root();
    if let Err(e) = env::set_current_dir(&root) {
        eprintln!("xtask: cannot enter {}: {e}", root.display());
        return ExitCode::FAILURE;
    }
    let cmd = args.first().map(String::as_str).unwrap_or("help");
    let rest = args.get(1..).unwrap_or_default();
    let result = match cmd {
        "setup" => setup().map(|_| ()),
        "test" => test(rest),
        "fuzz" => fuzz_cmd(rest),
        "bench" => bench(rest),
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => {
            eprint!("xtask: unknown command `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: this crate lives in `<root>/xtask`.
fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

#[derive(Debug)]
struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

type Result<T> = std::result::Result<T, Error>;

fn err<T>(msg: impl Into<String>) -> Result<T> {
    Err(Error(msg.into()))
}

// ---------------------------------------------------------------------------------------
// Running commands

fn cargo() -> Command {
    // Always the rustup proxy on PATH (not $CARGO), so that `+nightly` works.
    Command::new("cargo")
}

fn show(cmd: &Command) -> String {
    let mut s = String::new();
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            s.push_str(&format!("{}={} ", k.to_string_lossy(), v.to_string_lossy()));
        }
    }
    s.push_str(&cmd.get_program().to_string_lossy());
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Run a command with inherited stdio; an error when it cannot start or exits non-zero.
fn run(mut cmd: Command) -> Result<()> {
    let line = show(&cmd);
    println!("$ {line}");
    match cmd.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => err(format!("`{line}` failed ({status})")),
        Err(e) => err(format!("`{line}` could not start: {e}")),
    }
}

/// Run a command quietly; whether it succeeded, and its stdout.
fn probe<I, S>(program: &str, args: I) -> Option<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

// ---------------------------------------------------------------------------------------
// setup

/// How to invoke cargo-fuzz: with the nightly toolchain, or (when no nightly can be had)
/// with the stable one and `RUSTC_BOOTSTRAP=1`, which unlocks the `-Z` flags it needs.
#[derive(Clone, Copy, Debug)]
enum FuzzToolchain {
    Nightly,
    StableBootstrap,
}

impl FuzzToolchain {
    fn cargo_fuzz(self) -> Command {
        let mut cmd = cargo();
        match self {
            FuzzToolchain::Nightly => {
                cmd.arg("+nightly");
            }
            FuzzToolchain::StableBootstrap => {
                cmd.env("RUSTC_BOOTSTRAP", "1");
            }
        }
        cmd.arg("fuzz");
        cmd
    }
}

fn tool_line(name: &str, state: &str) {
    println!("xtask setup: {name:<28} {state}");
}

/// Make sure every tool the checks need is installed; install only what is missing.
fn setup() -> Result<FuzzToolchain> {
    if probe("rustup", ["--version"]).is_none() {
        return err("rustup not found on PATH: the toolchain must be managed by rustup");
    }

    // rustfmt and clippy: components of the active toolchain.
    for (component, check) in [("rustfmt", "fmt"), ("clippy", "clippy")] {
        if probe("cargo", [check, "--version"]).is_some() {
            tool_line(component, "present");
        } else {
            tool_line(component, "installing (rustup component add)");
            let mut cmd = Command::new("rustup");
            cmd.args(["component", "add", component]);
            run(cmd)?;
        }
    }

    // wasm32 standard library for the active toolchain.
    let installed = probe("rustup", ["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        tool_line(WASM_TARGET, "present");
    } else {
        tool_line(WASM_TARGET, "installing (rustup target add)");
        let mut cmd = Command::new("rustup");
        cmd.args(["target", "add", WASM_TARGET]);
        run(cmd)?;
    }

    // A nightly toolchain for cargo-fuzz (sanitizers need -Z flags).
    let fuzz_toolchain = if has_nightly() {
        tool_line("nightly toolchain", "present");
        FuzzToolchain::Nightly
    } else {
        tool_line(
            "nightly toolchain",
            "installing (rustup toolchain install nightly --profile minimal)",
        );
        let mut cmd = Command::new("rustup");
        cmd.args(["toolchain", "install", "nightly", "--profile", "minimal"]);
        match run(cmd) {
            Ok(()) if has_nightly() => FuzzToolchain::Nightly,
            outcome => {
                if let Err(e) = outcome {
                    println!("xtask setup: {e}");
                }
                tool_line(
                    "nightly toolchain",
                    "unavailable: fuzzing with stable + RUSTC_BOOTSTRAP=1 instead",
                );
                FuzzToolchain::StableBootstrap
            }
        }
    };

    // cargo-fuzz from crates.io.
    if let Some(v) = probe("cargo", ["fuzz", "--version"]) {
        tool_line("cargo-fuzz", &format!("present ({})", v.trim()));
    } else {
        tool_line("cargo-fuzz", "installing (cargo install cargo-fuzz --locked)");
        let mut cmd = cargo();
        cmd.args(["install", "cargo-fuzz", "--locked"]);
        run(cmd)?;
        if probe("cargo", ["fuzz", "--version"]).is_none() {
            return err("cargo-fuzz was installed but `cargo fuzz --version` still fails");
        }
    }
    Ok(fuzz_toolchain)
}

fn has_nightly() -> bool {
    probe("rustup", ["toolchain", "list"])
        .unwrap_or_default()
        .lines()
        .any(|l| l.starts_with("nightly"))
}

// ---------------------------------------------------------------------------------------
// Steps with a summary

struct Steps {
    done: Vec<(String, Duration, bool)>,
    started: Instant,
    keep_going: bool,
}

impl Steps {
    fn new(keep_going: bool) -> Steps {
        Steps {
            done: Vec::new(),
            started: Instant::now(),
            keep_going,
        }
    }

    fn passed(&self) -> usize {
        self.done.iter().filter(|(_, _, ok)| *ok).count()
    }

    fn failed(&self) -> Vec<&str> {
        self.done
            .iter()
            .filter(|(_, _, ok)| !*ok)
            .map(|(name, _, _)| name.as_str())
            .collect()
    }

    /// Run one step. On failure print which step failed and why; then either stop (the
    /// default: print the summary and return the error) or, with `--keep-going`, go on
    /// and return `Ok(None)`.
    fn step<T>(&mut self, name: &str, f: impl FnOnce() -> Result<T>) -> Result<Option<T>> {
        println!("\n==> xtask step {}: {name}", self.done.len() + 1);
        let t = Instant::now();
        let outcome = f();
        let took = t.elapsed();
        self.done.push((name.to_string(), took, outcome.is_ok()));
        match outcome {
            Ok(v) => {
                println!("==> {name}: ok ({})", secs(took));
                Ok(Some(v))
            }
            Err(e) => {
                eprintln!("\nxtask: step `{name}` FAILED after {}: {e}", secs(took));
                if self.keep_going {
                    return Ok(None);
                }
                self.summary();
                err(format!("stopped at the first failing step, `{name}`"))
            }
        }
    }

    /// Print the timings and the closing `xtask: N passed, M failed` line.
    fn summary(&self) {
        println!("\nxtask timings:");
        for (name, took, ok) in &self.done {
            let mark = if *ok { "" } else { "  FAILED" };
            println!("  {:>8}  {name}{mark}", secs(*took));
        }
        println!("  {:>8}  total", secs(self.started.elapsed()));
        println!("xtask: {} passed, {} failed", self.passed(), self.failed().len());
    }

    /// The end of a run: the summary, and an error naming the failed steps, if any.
    fn finish(self) -> Result<()> {
        self.summary();
        let failed = self.failed();
        if failed.is_empty() {
            Ok(())
        } else {
            err(format!("failed steps: {}", failed.join(", ")))
        }
    }
}

fn secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

// ---------------------------------------------------------------------------------------
// test

fn test(args: &[String]) -> Result<()> {
    let keep_going = match args {
        [] => false,
        [flag] if flag == "--keep-going" || flag == "-k" => true,
        _ => return err(format!("usage: cargo xtask test [--keep-going]\n\n{USAGE}")),
    };
    let fuzz_secs = fuzz_secs_from_env()?;
    let mut steps = Steps::new(keep_going);

    let Some(toolchain) = steps.step("setup", setup)? else {
        return steps.finish();
    };
    steps.step("fmt", || run_cargo(&["fmt", "--all", "--", "--check"]))?;
    steps.step("clippy", || {
        run_cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])
    })?;
    steps.step("test", || run_cargo(&["test", "--workspace"]))?;
    steps.step("wasm32 build", || {
        run_cargo(&["build", "-p", "mtasts-core", "--target", WASM_TARGET, "--release"])
    })?;
    if let Some(targets) = steps.step("fuzz build", || fuzz_build(toolchain))? {
        for target in &targets {
            steps.step(&format!("fuzz {target} ({fuzz_secs}s)"), || {
                fuzz_run(toolchain, target, fuzz_secs)
            })?;
        }
    }
    steps.step("bench build", || run_cargo(&["bench", "--no-run", "-p", "mtasts-core"]))?;
    steps.finish()
}

fn run_cargo(args: &[&str]) -> Result<()> {
    let mut cmd = cargo();
    cmd.args(args);
    run(cmd)
}

// ---------------------------------------------------------------------------------------
// fuzz

fn fuzz_secs_from_env() -> Result<u64> {
    match env::var(FUZZ_SECS_ENV) {
        Ok(v) if !v.trim().is_empty() => parse_secs(&v, FUZZ_SECS_ENV),
        _ => Ok(DEFAULT_FUZZ_SECS),
    }
}

fn parse_secs(v: &str, what: &str) -> Result<u64> {
    match v.trim().parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => err(format!("{what}: expected a whole number of seconds > 0, got `{v}`")),
    }
}

fn fuzz_dir() -> PathBuf {
    repo_root().join("fuzz")
}

/// The fuzz targets: one file per target in `fuzz/fuzz_targets/`.
fn fuzz_targets() -> Result<Vec<String>> {
    let dir = fuzz_dir().join("fuzz_targets");
    let entries = std::fs::read_dir(&dir).map_err(|e| Error(format!("cannot read {}: {e}", dir.display())))?;
    let mut targets: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension() == Some(OsStr::new("rs")))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    targets.sort();
    if targets.is_empty() {
        return err(format!("no fuzz targets in {}", dir.display()));
    }
    Ok(targets)
}

fn fuzz_build(toolchain: FuzzToolchain) -> Result<Vec<String>> {
    let targets = fuzz_targets()?;
    let mut cmd = toolchain.cargo_fuzz();
    cmd.args(["build", "--fuzz-dir"]).arg(fuzz_dir());
    run(cmd)?;
    Ok(targets)
}

/// Fuzz one target. New inputs go to `fuzz/corpus/<target>` (not committed); the committed
/// seeds in `fuzz/seeds/<target>` are read as a second corpus directory.
fn fuzz_run(toolchain: FuzzToolchain, target: &str, secs: u64) -> Result<()> {
    let corpus = fuzz_dir().join("corpus").join(target);
    let seeds = fuzz_dir().join("seeds").join(target);
    std::fs::create_dir_all(&corpus).map_err(|e| Error(format!("cannot create {}: {e}", corpus.display())))?;
    let mut cmd = toolchain.cargo_fuzz();
    cmd.args(["run", "--fuzz-dir"]).arg(fuzz_dir()).arg(target).arg(&corpus);
    if seeds.is_dir() {
        cmd.arg(&seeds);
    }
    cmd.arg("--").args([
        format!("-max_total_time={secs}"),
        format!("-timeout={FUZZ_INPUT_TIMEOUT_SECS}"),
        "-print_final_stats=1".to_string(),
    ]);
    let artifacts = fuzz_dir().join("artifacts").join(target);
    let before = list_files(&artifacts);
    let result = run(cmd);
    let found: Vec<PathBuf> = list_files(&artifacts)
        .into_iter()
        .filter(|p| !before.contains(p))
        .collect();
    if found.is_empty() {
        return result.map_err(|e| {
            Error(format!(
                "{e}\n(no new file under fuzz/artifacts/{target}/: a build error or a \
                 libFuzzer usage error, or a crash that repeats one already saved there; \
                 see the output above)"
            ))
        });
    }
    let mut msg = match result {
        Err(e) => format!("{e}\nfuzz target `{target}` found a failing input:"),
        Ok(()) => format!("fuzz target `{target}` saved a failing input:"),
    };
    for path in &found {
        let bytes = std::fs::read(path).unwrap_or_default();
        let shown: String = bytes
            .iter()
            .take(512)
            .flat_map(|&b| std::ascii::escape_default(b))
            .map(char::from)
            .collect();
        let more = if bytes.len() > 512 { " ..." } else { "" };
        msg.push_str(&format!(
            "\n  {} ({} bytes): b\"{shown}\"{more}\n  reproduce: cargo +nightly fuzz run --fuzz-dir fuzz {target} {}",
            path.display(),
            bytes.len(),
            path.display()
        ));
    }
    Err(Error(msg))
}

fn list_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn fuzz_cmd(args: &[String]) -> Result<()> {
    let secs = match args {
        [] => fuzz_secs_from_env()?,
        [s] => parse_secs(s, "SECS")?,
        _ => return err(format!("usage: cargo xtask fuzz [SECS]\n\n{USAGE}")),
    };
    // Every target runs even when an earlier one finds a crash.
    let mut steps = Steps::new(true);
    let Some(toolchain) = steps.step("setup", setup)? else {
        return steps.finish();
    };
    if let Some(targets) = steps.step("fuzz build", || fuzz_build(toolchain))? {
        for target in &targets {
            steps.step(&format!("fuzz {target} ({secs}s)"), || {
                fuzz_run(toolchain, target, secs)
            })?;
        }
    }
    steps.finish()
}

// ---------------------------------------------------------------------------------------
// bench

fn bench(args: &[String]) -> Result<()> {
    let mut steps = Steps::new(false);
    steps.step("criterion benchmarks (crates/core/benches/lint.rs)", || {
        let mut cmd = cargo();
        cmd.args(["bench", "-p", "mtasts-core", "--bench", "lint", "--"]);
        cmd.args(args);
        run(cmd)
    })?;
    steps.step("memory benchmark (crates/core/benches/memory.rs)", || {
        run_cargo(&["bench", "-p", "mtasts-core", "--bench", "memory"])
    })?;
    steps.finish()
}
