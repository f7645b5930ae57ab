//! The end-to-end test bed: the built page (`dist/`) served in-process by the proxy's
//! router on a free loopback port, chromedriver on another, and headless Chromium
//! sessions driven through WebDriver (fantoccini) as a user would drive the page.
//!
//! The tests in `tests/` are `#[ignore]`d: they need `trunk build --release` first and a
//! Chromium. `cargo xtask test` builds the page, installs Chromium and runs them with
//! `cargo test -p mtasts-e2e -- --ignored --test-threads=1`.
//!
//! Environment: `CHROMEDRIVER` (default `/usr/bin/chromedriver`, else `chromedriver` on
//! PATH), `CHROMIUM` (default `/usr/bin/chromium` when it exists), `MTASTS_E2E_DIST`
//! (default `<workspace>/dist`).

use std::future::Future;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::process::{Child, Command};
use tokio::sync::oneshot;

pub use fantoccini::key::Key;

/// Chromium's flags. Without the background-networking ones Chromium dials Google on
/// start (refused in CI); `--no-sandbox` lets it run as root. Keep in step with
/// `CHROMIUM_ARGS` in xtask/src/main.rs (the wasm-bindgen tests).
pub const CHROMIUM_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
];

/// The desktop window every session starts with.
pub const DESKTOP: (u32, u32) = (1280, 900);
/// How long the page may take to start (download and compile the module).
pub const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a condition may take to come true after an action.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The workspace root (this crate lives in `<root>/tests/e2e`).
pub fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace_root().join(dir),
        _ => workspace_root().join("target"),
    }
}

/// Where the screenshots go: `target/e2e-screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    target_dir().join("e2e-screenshots")
}

/// The built page, or a panic that says how to build it.
pub fn dist_dir() -> PathBuf {
    let dist = match std::env::var_os("MTASTS_E2E_DIST") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => workspace_root().join("dist"),
    };
    if !dist.join("index.html").is_file() {
        panic!(
            "{} has no index.html: build the page first with `trunk build --release` \
             (`cargo xtask test` builds it before running these tests)",
            dist.display()
        );
    }
    dist
}

fn chromedriver_path() -> PathBuf {
    match std::env::var_os("CHROMEDRIVER") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ if Path::new("/usr/bin/chromedriver").is_file() => PathBuf::from("/usr/bin/chromedriver"),
        _ => PathBuf::from("chromedriver"),
    }
}

fn chromium_path() -> Option<PathBuf> {
    match std::env::var_os("CHROMIUM") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => Some(PathBuf::from("/usr/bin/chromium")).filter(|p| p.is_file()),
    }
}

/// A free port on the loopback interface (free when asked; chromedriver binds it next).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("local address").port()
}

/// chromedriver, the page's server, and a counter for fresh browser profiles.
pub struct Bed {
    /// The page's address, `http://127.0.0.1:PORT/`.
    pub base: String,
    driver_addr: SocketAddr,
    driver: Child,
    stop_server: Option<oneshot::Sender<()>>,
    sessions: AtomicUsize,
    run_dir: PathBuf,
}

impl Bed {
    /// Serve dist/ and start chromedriver. Panics (with the reason) when either fails.
    pub async fn start() -> Bed {
        let dist = dist_dir();

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the page's server to a loopback port");
        let server_addr = listener.local_addr().expect("server address");
        let (stop_server, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(e) = mtasts_proxy::serve(listener, dist, shutdown).await {
                eprintln!("e2e: the page's server failed: {e}");
            }
        });

        let run_dir = target_dir()
            .join("e2e")
            .join(format!("run-{}-{}", std::process::id(), free_port()));
        std::fs::create_dir_all(&run_dir).expect("create target/e2e");
        let log = run_dir.join("chromedriver.log");
        let port = free_port();
        let driver_addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let program = chromedriver_path();
        let mut driver = Command::new(&program)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .arg("--log-level=DEBUG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {}: {e} (install chromium-driver: `cargo xtask setup`)",
                    program.display()
                )
            });
        let started = Instant::now();
        while TcpStream::connect_timeout(&driver_addr, Duration::from_millis(200)).is_err() {
            if let Ok(Some(status)) = driver.try_wait() {
                panic!("chromedriver exited at start ({status}); see {}", log.display());
            }
            if started.elapsed() > START_TIMEOUT {
                panic!("chromedriver did not listen on {driver_addr}; see {}", log.display());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Bed {
            base: format!("http://{server_addr}/"),
            driver_addr,
            driver,
            stop_server: Some(stop_server),
            sessions: AtomicUsize::new(0),
            run_dir,
        }
    }

    /// A new browser session with a fresh profile (nothing shared with other sessions:
    /// no storage, no cache, no history), at the desktop size.
    pub async fn browser(&self) -> Page<'_> {
        let n = self.sessions.fetch_add(1, Ordering::SeqCst);
        let profile = self.run_dir.join(format!("profile-{n}"));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).expect("create a browser profile directory");
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        // Every request the browser makes, the page's workers' too (their `fetch`es are in
        // the worker's `performance`, not the page's): see `loaded_urls`.
        let netlog = profile.join("netlog.json");
        args.push(format!("--log-net-log={}", netlog.display()));
        args.push(format!("--window-size={},{}", DESKTOP.0, DESKTOP.1));
        let mut options = json!({ "args": args });
        if let Some(binary) = chromium_path() {
            options["binary"] = json!(binary.display().to_string());
        }
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), options);
        let started = Instant::now();
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://{}", self.driver_addr))
            .await
            .unwrap_or_else(|e| panic!("cannot open a Chromium session: {e}"));
        let session = client.session_id().await.ok().flatten();
        println!(
            "e2e: Chromium session {n} started in {:.1}s",
            started.elapsed().as_secs_f64()
        );
        Page {
            bed: self,
            client,
            session,
            netlog,
        }
    }
}

impl Drop for Bed {
    fn drop(&mut self) {
        if let Some(stop) = self.stop_server.take() {
            let _ = stop.send(());
        }
        let _ = self.driver.start_kill();
        // Keep chromedriver's log and the profiles of a failed test.
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.run_dir);
        }
    }
}

/// One browser session on the page. Dropping it ends the session (and its Chromium),
/// also when a test fails half-way.
pub struct Page<'a> {
    bed: &'a Bed,
    pub client: Client,
    session: Option<String>,
    /// Chromium's NetLog of this session (one JSON event per line, written as it goes).
    netlog: PathBuf,
}

impl Drop for Page<'_> {
    fn drop(&mut self) {
        // Synchronous, so it also runs while a failed test unwinds: DELETE the session.
        if let Some(id) = &self.session {
            delete_session(self.bed.driver_addr, id);
        }
    }
}

/// `DELETE /session/{id}` with a plain blocking HTTP/1.1 request.
fn delete_session(addr: SocketAddr, id: &str) {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
        return;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(15)));
    let request =
        format!("DELETE /session/{id} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return;
    }
    // chromedriver answers once Chromium has quit; the status line is enough to know that
    // (it may keep the connection open, so do not read to the end).
    let mut response = Vec::new();
    let mut buf = [0u8; 1024];
    while !response.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => response.extend_from_slice(&buf[..n]),
        }
    }
}

/// A CSS selector for `data-testid="id"`.
pub fn tid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// Poll `check` until it gives `Some`, or panic after `timeout` with `what`.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(v) = check().await {
            return v;
        }
        if started.elapsed() > timeout {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl Page<'_> {
    /// The page's address with `fragment` (`#/lint`, or "" for none).
    pub fn url(&self, fragment: &str) -> String {
        format!("{}{fragment}", self.bed.base)
    }

    pub fn origin(&self) -> String {
        self.bed.base.trim_end_matches('/').to_string()
    }

    /// Open `url` and wait until the app has started (the loading line is gone and a
    /// view is shown).
    pub async fn open_url(&self, url: &str) {
        let started = Instant::now();
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
        self.wait_started().await;
        println!("e2e: opened {url} in {:.1}s", started.elapsed().as_secs_f64());
    }

    /// Open the page at `fragment`.
    pub async fn open(&self, fragment: &str) {
        self.open_url(&self.url(fragment)).await;
    }

    /// From now on, record every Content-Security-Policy violation the page reports (in
    /// `window.__cspViolations`; a new document starts a new list).
    pub async fn watch_csp(&self) {
        self.js("if (!window.__cspViolations) {
                 window.__cspViolations = [];
                 document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
                     e.violatedDirective + ' blocked ' + (e.blockedURI || '(inline)') +
                     (e.sourceFile ? ' at ' + e.sourceFile + ':' + e.lineNumber : '') +
                     (e.sample ? ' sample: ' + e.sample : '')));
             }
             return true")
            .await;
    }

    /// The violations recorded since [`Page::watch_csp`].
    pub async fn csp_violations(&self) -> Vec<String> {
        let v = self.js("return window.__cspViolations || []").await;
        serde_json::from_value(v).unwrap_or_default()
    }

    pub async fn wait_started(&self) {
        let js = "return !document.getElementById('loading') \
                  && !!document.querySelector('[data-testid^=\"view-\"]')";
        let what = "the app to start (no #loading, a view-* element)";
        let started = Instant::now();
        loop {
            if self.js(js).await == Value::Bool(true) {
                return;
            }
            if started.elapsed() > START_TIMEOUT {
                let body = self
                    .js("return document.body ? document.body.innerText : '(no body)'")
                    .await;
                panic!("timed out after {START_TIMEOUT:?} waiting for {what}; the page says: {body}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Run a script (a function body: `return ...`) and give its value.
    pub async fn js(&self, script: &str) -> Value {
        self.js_with(script, vec![]).await
    }

    pub async fn js_with(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Wait until `script` returns a truthy value; panic with `what` after [`TIMEOUT`].
    pub async fn wait_js(&self, what: &str, script: &str) -> Value {
        let what = format!("{what} ({})", self.describe().await);
        eventually(&what, TIMEOUT, || async {
            let v = self.js(script).await;
            let truthy = !matches!(&v, Value::Null | Value::Bool(false)) && v != json!(0) && v != json!("");
            truthy.then_some(v)
        })
        .await
    }

    /// The element with `data-testid="id"`, once it is there.
    pub async fn find(&self, id: &str) -> Element {
        self.find_css(&tid(id)).await
    }

    pub async fn find_css(&self, css: &str) -> Element {
        match self.client.wait().at_most(TIMEOUT).for_element(Locator::Css(css)).await {
            Ok(element) => element,
            Err(e) => panic!("no element `{css}` within {TIMEOUT:?}: {e}\n{}", self.describe().await),
        }
    }

    /// Where the page is, for failure messages: the address and the views shown.
    pub async fn describe(&self) -> String {
        let v = self
            .client
            .execute(
                "return 'at ' + location.href + '; views shown: ' +
                    [...document.querySelectorAll('[data-testid^=\"view-\"]')].map(v => v.dataset.testid).join(', ')",
                vec![],
            )
            .await;
        match v {
            Ok(Value::String(s)) => s,
            Ok(other) => other.to_string(),
            Err(e) => format!("(the page cannot be asked: {e})"),
        }
    }

    /// Every element matching `css` now (maybe none).
    pub async fn all_css(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find_all `{css}`: {e}"))
    }

    pub async fn exists(&self, id: &str) -> bool {
        !self.all_css(&tid(id)).await.is_empty()
    }

    pub async fn click(&self, id: &str) {
        self.click_css(&tid(id)).await;
    }

    pub async fn click_css(&self, css: &str) {
        let element = self.find_css(css).await;
        // Scroll it to the middle first: sticky headers must not take the click.
        let _ = self
            .client
            .execute(
                "arguments[0].scrollIntoView({block: 'center', inline: 'center'})",
                vec![serde_json::to_value(&element).expect("element reference")],
            )
            .await;
        element.click().await.unwrap_or_else(|e| panic!("click `{css}`: {e}"));
    }

    /// The text content of `data-testid="id"` (as `textContent`: CR/LF kept, hidden text too).
    pub async fn text(&self, id: &str) -> String {
        self.find(id).await;
        let v = self
            .js_with(
                "return document.querySelector(arguments[0]).textContent",
                vec![json!(tid(id))],
            )
            .await;
        v.as_str().unwrap_or_default().to_string()
    }

    /// An attribute of `data-testid="id"`.
    pub async fn attr(&self, id: &str, name: &str) -> Option<String> {
        self.find(id)
            .await
            .attr(name)
            .await
            .unwrap_or_else(|e| panic!("attribute {name} of {id}: {e}"))
    }

    /// The `value` of an input, select or textarea.
    pub async fn value(&self, id: &str) -> String {
        self.find(id).await;
        let v = self
            .js_with(
                "return document.querySelector(arguments[0]).value",
                vec![json!(tid(id))],
            )
            .await;
        v.as_str().unwrap_or_default().to_string()
    }

    /// Type `text` into the element as keystrokes (`\n` is Enter).
    pub async fn type_into(&self, id: &str, text: &str) {
        let element = self.find(id).await;
        element.click().await.unwrap_or_else(|e| panic!("focus {id}: {e}"));
        element
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {id}: {e}"));
    }

    /// Paste `text` into a text field as the clipboard would: a `paste` event carrying
    /// the text (the editor handles pastes with CRs itself), and, if the page lets the
    /// browser insert it, the browser's own insertion (which fires `input` as typing does).
    pub async fn paste(&self, id: &str, text: &str) {
        let element = self.find(id).await;
        element.click().await.unwrap_or_else(|e| panic!("focus {id}: {e}"));
        let script = "
            const el = document.querySelector(arguments[0]);
            const text = arguments[1];
            el.focus();
            const data = new DataTransfer();
            data.setData('text/plain', text);
            const event = new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true});
            const handled = !el.dispatchEvent(event);
            if (!handled) {
                document.execCommand('insertText', false, text);
            }
            return handled;
        ";
        self.js_with(script, vec![json!(tid(id)), json!(text)]).await;
    }

    /// Press keys on whatever has the focus (a key-down and key-up each).
    pub async fn press(&self, keys: &[Key]) {
        let mut actions = KeyActions::new("keyboard".to_string());
        for key in keys {
            let value = char::from(*key);
            actions = actions.then(KeyAction::Down { value }).then(KeyAction::Up { value });
        }
        self.client
            .perform_actions(actions)
            .await
            .unwrap_or_else(|e| panic!("press keys: {e}"));
    }

    /// `data-testid` of the focused element (or its tag name when it has none).
    pub async fn focused(&self) -> String {
        let v = self
            .js("const a = document.activeElement; \
                 return a ? (a.dataset && a.dataset.testid) || a.tagName.toLowerCase() : ''")
            .await;
        v.as_str().unwrap_or_default().to_string()
    }

    pub async fn set_window_size(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .unwrap_or_else(|e| panic!("set the window to {width}x{height}: {e}"));
    }

    /// Save a PNG of the whole page (the window is stretched to the page's height for the
    /// shot, then restored) as `target/e2e-screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let (width, height) = self.client.get_window_size().await.expect("window size");
        // From the top: the shot shows the page as it is laid out, not where it was scrolled.
        let sizes = self
            .js("window.scrollTo(0, 0); return [document.documentElement.scrollHeight, window.innerHeight]")
            .await;
        let page_height = sizes[0].as_u64().unwrap_or(height);
        let inner = sizes[1].as_u64().unwrap_or(height);
        let chrome = height.saturating_sub(inner);
        let tall = (page_height + chrome).clamp(height, 6000);
        if tall > height {
            self.set_window_size(width as u32, tall as u32).await;
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        let png = self.client.screenshot().await.expect("screenshot");
        if tall > height {
            self.set_window_size(width as u32, height as u32).await;
            // Let the layout settle before anything is clicked again.
            let wanted = json!(inner);
            eventually("the window to shrink back after a screenshot", TIMEOUT, || async {
                (self.js("return window.innerHeight").await == wanted).then_some(())
            })
            .await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("create target/e2e-screenshots");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        println!("e2e: screenshot {}", path.display());
        path
    }

    /// Every resource the page has loaded so far (the document and `performance`'s
    /// resource entries), and every request the page's origin started in a worker (from
    /// the NetLog), as absolute URLs.
    pub async fn loaded_urls(&self) -> Vec<String> {
        let v = self
            .js("return [location.origin, location.href].concat(performance.getEntriesByType('resource').map(e => e.name))")
            .await;
        let mut urls: Vec<String> = v
            .as_array()
            .map(|a| a.iter().filter_map(|u| u.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        if urls.is_empty() {
            return urls;
        }
        let origin = urls.remove(0);
        for url in netlog_requests(&self.netlog, &origin) {
            if !urls.contains(&url) {
                urls.push(url);
            }
        }
        urls
    }
}

/// The URLs of the requests `origin` started, as far as Chromium has written its NetLog
/// (the browser's own requests name no origin). The log is a JSON document written as it
/// goes: its events, one per line, are read while the last line may still be cut short.
pub fn netlog_requests(netlog: &Path, origin: &str) -> Vec<String> {
    let text = std::fs::read_to_string(netlog).unwrap_or_default();
    let mut urls = Vec::new();
    for line in text.lines() {
        let Ok(event) = serde_json::from_str::<Value>(line.trim_end().trim_end_matches(',')) else {
            continue;
        };
        let params = &event["params"];
        if params["initiator"].as_str() == Some(origin)
            && let Some(url) = params["url"].as_str()
            && !urls.iter().any(|u| u == url)
        {
            urls.push(url.to_string());
        }
    }
    urls
}
