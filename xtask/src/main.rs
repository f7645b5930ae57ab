//! Project automation: `cargo xtask <command>` (the alias lives in `.cargo/config.toml`).
//!
//! Plain std on purpose: this crate builds before anything else and must stay cheap.
//!
//! Commands:
//! - `setup`       make sure the tools the checks need are present (idempotent).
//! - `test`        the full check CI runs: setup, fmt, clippy, tests, wasm build, a short
//!   fuzz run of every target, a compile check of the benchmarks, then the web page: its
//!   release build, its wasm-bindgen tests and end-to-end tests in headless Chromium, and
//!   its size report.
//! - `fuzz [SECS]` fuzz every target for SECS seconds each.
//! - `bench`       run the criterion benchmarks and the memory benchmark.
//! - `serve`       build the web page (Trunk, release, wasm-opt) and serve it on
//!   http://127.0.0.1:8080 with `mtasts-proxy`.
//! - `size`        build the page and print the gzipped size of every file it loads.
//!
//! The web tools are installed from their own registries only: Trunk and wasm-bindgen-cli
//! with `cargo install`, wasm-opt from the npm package `binaryen` (into `target/tools`),
//! Chromium and its WebDriver with apt-get. Nothing is downloaded during a build
//! (`Trunk.toml` sets `offline = true`).

use std::env;
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The Trunk release line the page is built with (`cargo install --version`).
const TRUNK_VERSION_REQ: &str = "~0.21";
const TRUNK_VERSION_PREFIX: &str = "0.21.";
/// The `binaryen` npm package (its wasm-opt); must match `Trunk.toml`'s `wasm_opt`.
const BINARYEN_VERSION: &str = "132";
/// Where `serve` listens.
const SERVE_ADDR: &str = "127.0.0.1:8080";
/// The page's budget: what it loads at start, gzipped (-9), in bytes.
const SIZE_BUDGET: u64 = 300 * 1024;
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Chromium's flags for every headless run (wasm-bindgen-test and the end-to-end tests).
/// Without the background-networking ones, Chromium dials Google on start, and in a
/// sandboxed CI those connections are refused; `--no-sandbox` lets it run as root.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
];
const DEFAULT_FUZZ_SECS: u64 = 15;
const FUZZ_SECS_ENV: &str = "MTASTS_FUZZ_SECS";
/// libFuzzer's per-input time limit: any single input slower than this is reported as a
/// hang (inputs are a few KiB, so anything near it is a real performance bug).
const FUZZ_INPUT_TIMEOUT_SECS: u64 = 25;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup        ensure rustfmt, clippy, the wasm32-unknown-unknown target, a nightly
               toolchain, cargo-fuzz and the test bed's servers (bind9, dnsdist, nginx,
               python3-aiosmtpd:
               apt-get, their services not started) are installed (installs only what
               is missing)
  test [--keep-going]
               setup, then fmt check, clippy -D warnings, cargo test, wasm32 build of
               mtasts-core, a short fuzz run of every fuzz target, a compile check
               of the benchmarks and the test bed's tests (tests/testbed); stops at the first failing step unless --keep-going
               (-k), which runs every step and lists the failures at the end
  fuzz [SECS]  fuzz every target for SECS seconds each (default: $MTASTS_FUZZ_SECS or 15);
               a crash in one target does not stop the others
  bench [ARGS] run the criterion benchmarks (ARGS go to criterion) and the memory benchmark
  serve [--listen ADDR]
               install the web tools that are missing, build the page (`trunk build
               --release`, with wasm-opt) into dist/ and serve it with mtasts-proxy on
               http://127.0.0.1:8080 (or ADDR)
  size [--no-build] [--strict]
               build the page (unless --no-build) and print every file in dist/ with its
               size raw and gzipped (-9), and the total loaded at start (index.html and
               the files it names) against the 300 KiB budget; --strict fails when it
               is over

`setup` also installs the web tools: Chromium and chromium-driver (apt-get), Trunk
~0.21 (cargo install --locked), wasm-bindgen-cli at the `wasm-bindgen` version of
Cargo.lock (cargo install) and wasm-opt (npm package binaryen@132 in target/tools).
After the steps above, `test` builds the page, runs the web crate's wasm-bindgen tests
in headless Chromium, the end-to-end tests (tests/e2e, screenshots in
target/e2e-screenshots/) and prints the size report.

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
        "setup" => setup().and_then(|_| setup_web(Browser::Install)).map(|_| ()),
        "test" => test(rest),
        "fuzz" => fuzz_cmd(rest),
        "bench" => bench(rest),
        "serve" => serve(rest),
        "size" => size_cmd(rest),
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
    // `cargo run` sets CARGO_MANIFEST_DIR for the running binary too: prefer it, so a
    // binary built in another clone (a copied target dir) still works on this one.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
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
            let mut v = v.to_string_lossy().into_owned();
            // A PATH we extended: show what was added, not the whole inherited list.
            if k == "PATH"
                && let Some(inherited) = env::var_os("PATH").map(|p| p.to_string_lossy().into_owned())
                && let Some(added) = v.strip_suffix(inherited.as_str())
            {
                v = format!("{added}$PATH");
            }
            s.push_str(&format!("{}={v} ", k.to_string_lossy()));
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

    ensure_wasm_target()?;

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
    setup_test_bed_servers()?;
    Ok(fuzz_toolchain)
}

/// The wasm32 standard library for the active toolchain.
fn ensure_wasm_target() -> Result<()> {
    let installed = probe("rustup", ["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        tool_line(WASM_TARGET, "present");
        Ok(())
    } else {
        tool_line(WASM_TARGET, "installing (rustup target add)");
        let mut cmd = Command::new("rustup");
        cmd.args(["target", "add", WASM_TARGET]);
        run(cmd)
    }
}

fn has_nightly() -> bool {
    probe("rustup", ["toolchain", "list"])
        .unwrap_or_default()
        .lines()
        .any(|l| l.starts_with("nightly"))
}

// ---------------------------------------------------------------------------------------
// web tools

/// Whether [`setup_web`] also makes sure Chromium and its WebDriver are installed (the
/// tests need them; building and serving the page does not).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Browser {
    Install,
    Skip,
}

/// How the web steps find their tools: a PATH with wasm-opt (`target/tools/node_modules/.bin`)
/// and cargo's bin directory (Trunk, wasm-bindgen) in front of the inherited one.
struct WebTools {
    path: OsString,
}

impl WebTools {
    fn new() -> Result<WebTools> {
        let inherited = env::var_os("PATH").unwrap_or_default();
        let mut dirs = vec![npm_bin_dir()];
        if let Some(bin) = cargo_bin_dir()
            && !env::split_paths(&inherited).any(|p| p == bin)
        {
            dirs.push(bin);
        }
        dirs.extend(env::split_paths(&inherited));
        let path = env::join_paths(dirs).map_err(|e| Error(format!("cannot build PATH: {e}")))?;
        Ok(WebTools { path })
    }

    /// `program`, looked up on (and run with) the extended PATH.
    fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("PATH", &self.path);
        cmd
    }

    /// `cargo` with the extended PATH (so its runners and build scripts see the tools).
    fn cargo(&self) -> Command {
        self.command("cargo")
    }

    /// The first line `program --version` prints, when it runs and succeeds.
    fn version(&self, program: impl AsRef<OsStr>) -> Option<String> {
        let out = self.command(program).arg("--version").output().ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text.lines().next()?.trim();
        (out.status.success() && !line.is_empty()).then(|| line.to_string())
    }
}

fn target_dir() -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => repo_root().join(dir),
        _ => repo_root().join("target"),
    }
}

/// Where npm installs binaryen: `target/tools` (a throwaway `package.json` lives there).
fn tools_dir() -> PathBuf {
    target_dir().join("tools")
}

fn npm_bin_dir() -> PathBuf {
    tools_dir().join("node_modules").join(".bin")
}

/// `cargo install`'s destination: `$CARGO_HOME/bin`, by default `~/.cargo/bin`.
fn cargo_bin_dir() -> Option<PathBuf> {
    match env::var_os("CARGO_HOME") {
        Some(home) if !home.is_empty() => Some(PathBuf::from(home).join("bin")),
        _ => env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo").join("bin")),
    }
}

/// The versions the page is built with: wasm-bindgen-cli must equal the `wasm-bindgen`
/// crate of Cargo.lock (the generated glue and the library must agree), and Trunk.toml's
/// `[tools]` must name the same wasm-bindgen and wasm-opt as this file installs.
fn pinned_wasm_bindgen() -> Result<String> {
    let lock_path = repo_root().join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path).map_err(|e| Error(format!("{}: {e}", lock_path.display())))?;
    let Some(version) = locked_version(&lock, "wasm-bindgen") else {
        return err("Cargo.lock has no `wasm-bindgen` package: is the web crate in the workspace?");
    };
    let trunk_path = repo_root().join("Trunk.toml");
    let trunk = std::fs::read_to_string(&trunk_path).map_err(|e| Error(format!("{}: {e}", trunk_path.display())))?;
    if let Some(wanted) = toml_string(&trunk, "wasm_bindgen")
        && wanted != version
    {
        return err(format!(
            "Trunk.toml wants wasm-bindgen {wanted} but Cargo.lock has wasm-bindgen {version}: make them equal"
        ));
    }
    let binaryen = format!("version_{BINARYEN_VERSION}");
    if let Some(wanted) = toml_string(&trunk, "wasm_opt")
        && wanted != binaryen
    {
        return err(format!(
            "Trunk.toml wants wasm_opt = \"{wanted}\" but xtask installs binaryen {BINARYEN_VERSION} \
             (\"{binaryen}\"): change one of them"
        ));
    }
    Ok(version)
}

/// The version of `package` in a Cargo.lock (the first one, if there are several).
fn locked_version(lock: &str, package: &str) -> Option<String> {
    let name = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == name {
            let version = lines.next()?.trim().strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(version.to_string());
        }
    }
    None
}

/// `key = "value"` in a small TOML file: the value (no tables, no escapes needed here).
fn toml_string(toml: &str, key: &str) -> Option<String> {
    toml.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        if k.trim() != key {
            return None;
        }
        let v = v.split('#').next()?.trim();
        Some(v.strip_prefix('"')?.strip_suffix('"')?.to_string())
    })
}

/// Make sure a tool is present at a version that `fits`; otherwise install it (`how` says
/// how) and check again.
fn ensure_tool(
    name: &str,
    found: impl Fn() -> Option<String>,
    fits: impl Fn(&str) -> bool,
    how: &str,
    install: impl FnOnce() -> Result<()>,
) -> Result<()> {
    match found() {
        Some(v) if fits(&v) => {
            tool_line(name, &format!("present ({v})"));
            return Ok(());
        }
        Some(v) => tool_line(name, &format!("found `{v}`, installing the right one ({how})")),
        None => tool_line(name, &format!("installing ({how})")),
    }
    install()?;
    match found() {
        Some(v) if fits(&v) => {
            tool_line(name, &format!("installed ({v})"));
            Ok(())
        }
        Some(v) => err(format!(
            "{name}: installed, but the one found first on PATH is still `{v}`; remove it or put \
             cargo's bin directory first"
        )),
        None => err(format!("{name} was installed but does not run")),
    }
}

/// Make sure the tools that build, serve and (with `Browser::Install`) test the web page
/// are installed; install only what is missing.
/// (The wasm32 target is [`ensure_wasm_target`]'s: `setup` has already checked it.)
fn setup_web(browser: Browser) -> Result<WebTools> {
    let tools = WebTools::new()?;
    let bindgen = pinned_wasm_bindgen()?;

    ensure_tool(
        "trunk",
        || tools.version("trunk"),
        |v| {
            v.strip_prefix("trunk ")
                .is_some_and(|v| v.starts_with(TRUNK_VERSION_PREFIX))
        },
        &format!("cargo install trunk --version {TRUNK_VERSION_REQ} --locked"),
        || {
            let mut cmd = tools.cargo();
            cmd.args(["install", "trunk", "--version", TRUNK_VERSION_REQ, "--locked"]);
            run(cmd)
        },
    )?;

    // Pinned by version, without --locked (as the web page's issue asks).
    let bindgen_versions = || {
        let cli = tools.version("wasm-bindgen")?;
        let runner = tools.version("wasm-bindgen-test-runner")?;
        Some(format!("{cli}; {runner}"))
    };
    let wanted = format!("wasm-bindgen {bindgen}; wasm-bindgen-test-runner {bindgen}");
    ensure_tool(
        "wasm-bindgen-cli",
        bindgen_versions,
        |v| v == wanted,
        &format!("cargo install wasm-bindgen-cli --version {bindgen}"),
        || {
            let mut cmd = tools.cargo();
            cmd.args(["install", "wasm-bindgen-cli", "--version", &bindgen]);
            run(cmd)
        },
    )?;

    let wasm_opt = npm_bin_dir().join("wasm-opt");
    ensure_tool(
        "wasm-opt (npm binaryen)",
        || tools.version(&wasm_opt),
        |v| v.split_whitespace().nth(2) == Some(BINARYEN_VERSION),
        &format!("npm install binaryen@{BINARYEN_VERSION} in target/tools"),
        || npm_install_binaryen(&tools),
    )?;

    if browser == Browser::Install {
        let mut missing = Vec::new();
        for (package, binary) in [("chromium", CHROMIUM), ("chromium-driver", CHROMEDRIVER)] {
            if Path::new(binary).is_file() {
                let version = tools.version(binary).unwrap_or_else(|| binary.to_string());
                tool_line(package, &format!("present ({version})"));
            } else {
                tool_line(package, &format!("missing ({binary}): installing (apt-get)"));
                missing.push(package);
            }
        }
        if !missing.is_empty() {
            apt_get_install(&missing)?;
            for (package, binary) in [("chromium", CHROMIUM), ("chromium-driver", CHROMEDRIVER)] {
                if !Path::new(binary).is_file() {
                    return err(format!("{package} was installed but {binary} is not there"));
                }
            }
        }
    }
    Ok(tools)
}

fn npm_install_binaryen(tools: &WebTools) -> Result<()> {
    if tools.version("npm").is_none() {
        tool_line("npm", "missing: installing nodejs and npm (apt-get)");
        apt_get_install(&["nodejs", "npm"])?;
    }
    let dir = tools_dir();
    std::fs::create_dir_all(&dir).map_err(|e| Error(format!("cannot create {}: {e}", dir.display())))?;
    // A package.json of its own, so npm installs here and not in a parent directory.
    let manifest = dir.join("package.json");
    if !manifest.is_file() {
        std::fs::write(&manifest, "{ \"private\": true }\n")
            .map_err(|e| Error(format!("cannot write {}: {e}", manifest.display())))?;
    }
    let mut cmd = tools.command("npm");
    cmd.arg("install")
        .arg("--prefix")
        .arg(&dir)
        .args(["--no-audit", "--no-fund", "--save-exact"])
        .arg(format!("binaryen@{BINARYEN_VERSION}"));
    run(cmd)
}

fn is_root() -> bool {
    probe("id", ["-u"]).is_some_and(|id| id.trim() == "0")
}

/// `apt-get update` and `apt-get install -y PACKAGES`, as root (or through passwordless sudo).
fn apt_get_install(packages: &[&str]) -> Result<()> {
    if probe("apt-get", ["--version"]).is_none() {
        return err(format!(
            "apt-get not found: install {} with this system's package manager",
            packages.join(" ")
        ));
    }
    let sudo = !is_root();
    if sudo && probe("sudo", ["-n", "true"]).is_none() {
        return err(format!(
            "installing {} needs root: run `apt-get update && apt-get install -y {}` as root",
            packages.join(" "),
            packages.join(" ")
        ));
    }
    let apt = |args: &[&str]| {
        let mut cmd = if sudo {
            let mut cmd = Command::new("sudo");
            cmd.args(["-n", "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]);
            cmd
        } else {
            let mut cmd = Command::new("apt-get");
            cmd.env("DEBIAN_FRONTEND", "noninteractive");
            cmd
        };
        cmd.args(args);
        cmd
    };
    run(apt(&["update"]))?;
    let mut install = apt(&["install", "-y"]);
    install.args(packages);
    run(install)
}

/// The servers of the live-check test bed (tests/testbed), from Debian's packages.
const TEST_BED_SERVERS: &[(&str, &str)] = &[
    ("bind9", "/usr/sbin/named"),
    ("dnsdist", "/usr/bin/dnsdist"),
    ("nginx", "/usr/sbin/nginx"),
    (
        "python3-aiosmtpd",
        "/usr/lib/python3/dist-packages/aiosmtpd/__init__.py",
    ),
];
/// Debian asks this script whether a package may start its service (exit 101: no).
const POLICY_RC_D: &str = "/usr/sbin/policy-rc.d";

/// Install BIND 9, dnsdist, nginx and python3-aiosmtpd when missing. The test bed runs
/// its own instances (own configs, free loopback ports, started and killed by the tests),
/// so the system services these packages would start are of no use, and on a machine
/// without an init (or with port 53 or 80 taken) starting them could fail the install: a
/// `policy-rc.d` that says no is in place while apt-get runs, unless the machine already
/// has one.
fn setup_test_bed_servers() -> Result<()> {
    let mut missing = Vec::new();
    for &(package, binary) in TEST_BED_SERVERS {
        if Path::new(binary).is_file() {
            tool_line(package, "present");
        } else {
            tool_line(
                package,
                &format!("missing ({binary}): installing (apt-get, service not started)"),
            );
            missing.push(package);
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let policy = Path::new(POLICY_RC_D);
    let ours = !policy.exists() && is_root();
    if ours {
        println!("xtask setup: writing {POLICY_RC_D} (exit 101) so that no service starts");
        std::fs::write(
            policy,
            "#!/bin/sh\n# cargo xtask setup: start no service while installing\nexit 101\n",
        )
        .map_err(|e| Error(format!("cannot write {POLICY_RC_D}: {e}")))?;
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(policy, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| Error(format!("cannot make {POLICY_RC_D} executable: {e}")))?;
    }
    let installed = apt_get_install(&missing);
    if ours && let Err(e) = std::fs::remove_file(policy) {
        println!("xtask setup: cannot remove {POLICY_RC_D}: {e}");
    }
    installed?;
    for &(package, binary) in TEST_BED_SERVERS {
        if !Path::new(binary).is_file() {
            return err(format!("{package} was installed but {binary} is not there"));
        }
    }
    Ok(())
}

/// The live-check test bed's own tests: real named, dnsdist and nginx on loopback. They
/// are `#[ignore]`d so that a plain `cargo test --workspace` needs none of the servers.
fn test_bed_tests() -> Result<()> {
    run_cargo(&["test", "-p", "mtasts-testbed", "--", "--ignored"])
}

/// The live check against the test bed: the native MX probe against the bed's SMTP
/// server, `mtasts check` over every scenario, and the proxy's policy API fetching from
/// the bed's nginx.
fn live_check_tests() -> Result<()> {
    run_cargo(&[
        "test",
        "-p",
        "mtasts-check",
        "--features",
        "native",
        "--test",
        "probe_testbed",
        "--",
        "--ignored",
    ])?;
    run_cargo(&["test", "-p", "mtasts-cli", "--test", "check_testbed", "--", "--ignored"])?;
    run_cargo(&["test", "-p", "mtasts-proxy", "--test", "testbed", "--", "--ignored"])
}

/// `trunk build --release`: the page, optimized by wasm-opt, into dist/.
fn trunk_build(tools: &WebTools) -> Result<()> {
    let mut cmd = tools.command("trunk");
    // No look at crates.io for a newer Trunk: the build makes no request at all.
    cmd.env("TRUNK_SKIP_VERSION_CHECK", "true").args(["build", "--release"]);
    run(cmd)
}

fn dist_dir() -> PathBuf {
    repo_root().join("dist")
}

// ---------------------------------------------------------------------------------------
// serve

fn serve(args: &[String]) -> Result<()> {
    let listen = match args {
        [] => SERVE_ADDR.to_string(),
        [flag, addr] if flag == "--listen" => addr.clone(),
        _ => return err(format!("usage: cargo xtask serve [--listen ADDR]\n\n{USAGE}")),
    };
    let mut steps = Steps::new(false);
    if !build_page(&mut steps)? {
        return steps.finish();
    }
    steps.step("build mtasts-proxy", || {
        run_cargo(&["build", "--release", "-p", "mtasts-proxy"])
    })?;
    steps.finish()?;
    let proxy = target_dir().join("release").join("mtasts-proxy");
    println!("\nxtask serve: the page is at http://{listen}/ (Ctrl-C stops the server)\n");
    let mut cmd = Command::new(proxy);
    cmd.args(["--listen", &listen, "--dir"]).arg(dist_dir());
    run(cmd)
}

// ---------------------------------------------------------------------------------------
// size

fn size_cmd(args: &[String]) -> Result<()> {
    let mut build = true;
    let mut strict = false;
    for arg in args {
        match arg.as_str() {
            "--no-build" => build = false,
            "--strict" => strict = true,
            _ => return err(format!("usage: cargo xtask size [--no-build] [--strict]\n\n{USAGE}")),
        }
    }
    let mut steps = Steps::new(false);
    if build && !build_page(&mut steps)? {
        return steps.finish();
    }
    steps.step("size report", || size_report(strict))?;
    steps.finish()
}

/// Install what building the page needs (not Chromium) and `trunk build --release`.
/// `false` when a step failed and the caller should stop.
fn build_page(steps: &mut Steps) -> Result<bool> {
    let Some(tools) = steps.step("web tools", || {
        ensure_wasm_target()?;
        setup_web(Browser::Skip)
    })?
    else {
        return Ok(false);
    };
    Ok(steps.step("trunk build --release", || trunk_build(&tools))?.is_some())
}

/// What the page fetches on demand, by file name prefix, and when: listed apart from the
/// first load. Files not named here are on demand too when index.html does not name them.
const ON_DEMAND: &[(&str, &str)] = &[
    ("rules.json", "rule docs, fetched when the Rules view opens"),
    (
        "mtasts-report-worker",
        "report reader, started when the Reports view opens",
    ),
    (
        "mtasts-check-worker",
        "live check, started when the Check view or a check link opens",
    ),
];

/// Every file in dist/, raw and gzipped at -9, and the totals: what the page loads at
/// start (index.html and every file it names: the script, the module, the styles) against
/// [`SIZE_BUDGET`], and everything (with what is fetched on demand, such as a worker that
/// only one view starts, and the rule docs). Over budget is an error only when `strict`;
/// a build without the rule docs (rules.json, see Trunk.toml) is always one.
fn size_report(strict: bool) -> Result<()> {
    let dist = dist_dir();
    let mut files = Vec::new();
    walk_files(&dist, &mut files);
    // FILE.gz / FILE.br next to FILE are other encodings of it, not more to load.
    files.retain(|p| !matches!(p.extension().and_then(OsStr::to_str), Some("gz" | "br")));
    files.sort();
    let index = std::fs::read_to_string(dist.join("index.html")).unwrap_or_default();
    if files.is_empty() || index.is_empty() {
        return err(format!(
            "{} has no index.html: build the page first (`cargo xtask size` or `trunk build --release`)",
            dist.display()
        ));
    }
    if !dist.join("rules.json").is_file() {
        return err(format!(
            "{} has no rules.json: the Rules view would show no docs (Trunk.toml's pre_build hook writes it)",
            dist.display()
        ));
    }
    if probe("gzip", ["--version"]).is_none() {
        return err("gzip not found on PATH");
    }
    println!(
        "{:>12} {:>12}  {:<9}  file in {}",
        "raw",
        "gzip -9",
        "loaded",
        dist.display()
    );
    let mut start = (0u64, 0u64, 0usize);
    let mut all = (0u64, 0u64, 0usize);
    // (what, gzipped bytes) of each ON_DEMAND entry present.
    let mut on_demand: Vec<(&str, u64)> = Vec::new();
    for path in &files {
        let raw = std::fs::metadata(path)
            .map_err(|e| Error(format!("{}: {e}", path.display())))?
            .len();
        let gz = gzip_size(path)?;
        let name = path
            .strip_prefix(&dist)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        // Named in index.html (quoted or, once minified, bare): `/{name}` not followed by
        // more of a file name.
        let needle = format!("/{name}");
        let named = index.match_indices(&needle).any(|(i, _)| {
            index[i + needle.len()..]
                .chars()
                .next()
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        });
        let at_start = name == "index.html" || named;
        for (total, counts) in [(&mut all, true), (&mut start, at_start)] {
            if counts {
                total.0 += raw;
                total.1 += gz;
                total.2 += 1;
            }
        }
        let when = if at_start { "at start" } else { "on demand" };
        println!("{:>12} {:>12}  {when:<9}  {name}", bytes(raw), bytes(gz));
        if let Some((_, what)) = ON_DEMAND
            .iter()
            .find(|(prefix, _)| !at_start && name.starts_with(prefix))
        {
            match on_demand.iter_mut().find(|(w, _)| w == what) {
                Some((_, total)) => *total += gz,
                None => on_demand.push((what, gz)),
            }
        }
    }
    println!(
        "{:>12} {:>12}  {:<9}  ({} files)",
        bytes(start.0),
        bytes(start.1),
        "at start",
        start.2
    );
    println!(
        "{:>12} {:>12}  {:<9}  ({} files)",
        bytes(all.0),
        bytes(all.1),
        "all",
        all.2
    );
    let verdict = if start.1 <= SIZE_BUDGET {
        format!("within it ({:.1} KiB to spare)", kib(SIZE_BUDGET - start.1))
    } else {
        format!("OVER it by {:.1} KiB", kib(start.1 - SIZE_BUDGET))
    };
    println!(
        "size: the page loads {:.1} KiB gzipped at start ({:.1} KiB raw); budget {:.0} KiB: {verdict}",
        kib(start.1),
        kib(start.0),
        kib(SIZE_BUDGET)
    );
    if all.2 > start.2 {
        println!(
            "size: with what it fetches on demand, {:.1} KiB gzipped ({:.1} KiB raw)",
            kib(all.1),
            kib(all.0)
        );
    }
    for (what, gz) in &on_demand {
        println!(
            "size: on demand, not in the budget: {:.1} KiB gzipped, {what}",
            kib(*gz)
        );
    }
    if strict && start.1 > SIZE_BUDGET {
        return err(format!("the page is over its size budget: {verdict}"));
    }
    Ok(())
}

fn walk_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.filter_map(|e| e.ok()).map(|e| e.path()) {
        // Trunk stages a build in dist/.stage: not part of the page.
        if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
            continue;
        }
        if path.is_dir() {
            walk_files(&path, out);
        } else if path.is_file() {
            out.push(path);
        }
    }
}

/// The size of `gzip -9 -n` of a file (what a server's best gzip sends).
fn gzip_size(path: &Path) -> Result<u64> {
    let out = Command::new("gzip")
        .args(["-9", "-n", "-c"])
        .arg(path)
        .output()
        .map_err(|e| Error(format!("gzip could not start: {e}")))?;
    if !out.status.success() {
        return err(format!("gzip -9 {} failed ({})", path.display(), out.status));
    }
    Ok(out.stdout.len() as u64)
}

fn kib(n: u64) -> f64 {
    n as f64 / 1024.0
}

/// `1234567` as `1,234,567 B`.
fn bytes(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out + " B"
}

// ---------------------------------------------------------------------------------------
// browser tests

/// The web crate's `wasm-bindgen-test`s, in headless Chromium through chromedriver.
///
/// wasm-bindgen-test-runner reads the browser's capabilities from the JSON file named by
/// `WASM_BINDGEN_TEST_WEBDRIVER_JSON` (written to target/); chromedriver gives every
/// session a fresh temporary profile. `WASM_BINDGEN_USE_BROWSER` runs the test binaries
/// without `run_in_browser` (the unit tests of the pure modules) in Chromium too, so no
/// test of the page runs in Node.
fn web_tests(tools: &WebTools) -> Result<()> {
    let caps = target_dir().join("webdriver.json");
    let args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| format!("\"{a}\"")).collect();
    let json = format!(
        "{{\n  \"goog:chromeOptions\": {{\n    \"binary\": \"{CHROMIUM}\",\n    \"args\": [{}]\n  }}\n}}\n",
        args.join(", ")
    );
    std::fs::create_dir_all(target_dir()).map_err(|e| Error(format!("cannot create target/: {e}")))?;
    std::fs::write(&caps, json).map_err(|e| Error(format!("cannot write {}: {e}", caps.display())))?;
    let mut cmd = tools.cargo();
    cmd.env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &caps)
        .env("WASM_BINDGEN_USE_BROWSER", "1")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
        .args(["test", "-p", "mtasts-web", "--target", WASM_TARGET]);
    run(cmd)
}

/// The end-to-end tests: the built page (dist/) served in-process by the proxy's router,
/// driven through chromedriver. They are `#[ignore]`d so that a plain `cargo test
/// --workspace` (which runs before the page is built) skips them.
fn e2e_tests(tools: &WebTools) -> Result<()> {
    let mut cmd = tools.cargo();
    cmd.env("CHROMEDRIVER", CHROMEDRIVER).env("CHROMIUM", CHROMIUM).args([
        "test",
        "-p",
        "mtasts-e2e",
        "--",
        "--ignored",
        "--test-threads=1",
    ]);
    run(cmd)
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
    // Before the web steps: it needs none of their tools, only the servers `setup` installs.
    steps.step(
        "test bed (tests/testbed: named, dnsdist, nginx, aiosmtpd)",
        test_bed_tests,
    )?;
    steps.step(
        "live check against the test bed (MX probe, mtasts check, proxy API)",
        live_check_tests,
    )?;
    if let Some(tools) = steps.step("web tools", || setup_web(Browser::Install))? {
        // A failed build leaves an old dist/ behind: never test or measure that one.
        let built = steps.step("trunk build --release", || trunk_build(&tools))?.is_some();
        steps.step("wasm-bindgen tests (mtasts-web, headless Chromium)", || {
            web_tests(&tools)
        })?;
        if built {
            steps.step("end-to-end tests (tests/e2e, WebDriver)", || e2e_tests(&tools))?;
            steps.step("size report", || size_report(false))?;
        }
    }
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
    steps.step(
        "live check against the test bed (crates/check/examples/live_bench.rs)",
        || {
            run_cargo(&[
                "run",
                "--release",
                "-p",
                "mtasts-check",
                "--features",
                "native",
                "--example",
                "live_bench",
            ])
        },
    )?;
    steps.finish()
}
