//! The live-check test bed: real servers on loopback, started by a test and gone after it.
//!
//! - **BIND 9** (`named`) is authoritative for the zone `bed.test.` on 127.0.0.1 (UDP+TCP).
//! - **dnsdist** is the DNS-over-HTTPS front for it: RFC 8484 GET and POST at
//!   `http://127.0.0.1:PORT/dns-query` (plain HTTP), with `Access-Control-Allow-Origin: *`.
//! - **nginx** serves the policy files over HTTPS on 127.0.0.1 and `[::1]` at one port, one
//!   virtual host (SNI) per scenario, with certificates from a test CA made at start.
//! - An **SMTP server** (Debian's python3-aiosmtpd, `src/smtp_server.py`) plays every
//!   scenario's MX host at one port ([`TestBed::smtp_port`]): on 127.0.0.1 it offers
//!   STARTTLS with a certificate chosen by SNI (one from the test CA naming every MX host,
//!   or, for `mxbadcert`'s MX, one for another name); on 127.0.0.2, the address of
//!   `nostarttls`'s MX, it offers no STARTTLS. It accepts no mail. Linux routes all of
//!   127/8 to the loopback interface, so 127.0.0.2 needs no setup.
//! - With [`Options::latency_ms`], a TCP proxy in front of dnsdist and nginx holds each new
//!   connection that long before any byte passes.
//!
//! dnsdist 1.7 answers a CORS preflight (`OPTIONS`) with a 400 and no CORS header, so a
//! page must use GET (its `Accept: application/dns-message` is a CORS-safelisted header);
//! a cross-origin POST with `Content-Type: application/dns-message` fails in a browser.
//!
//! Each subdomain of the zone is one scenario ([`SCENARIOS`]): how it is set up and what a
//! correct checker concludes. Dropping the [`TestBed`] kills the servers and removes its
//! temporary directory; the servers also die with the thread that keeps them (see
//! [`TestBed::start_with`]) should the test process end without dropping it.
//!
//! ```no_run
//! let bed = mtasts_testbed::TestBed::start()?;
//! let domain = bed.domain("enforce"); // "enforce.bed.test"
//! let doh = bed.doh_url(); // "http://127.0.0.1:PORT/dns-query"
//! let port = bed.https_port(); // https://mta-sts.enforce.bed.test:PORT/.well-known/mta-sts.txt
//! let smtp = bed.smtp_port(); // mx.enforce.bed.test (A 127.0.0.1) answers SMTP there
//! # Ok::<(), String>(())
//! ```

mod dns;
mod latency;
mod pki;
mod scenarios;
mod servers;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use scenarios::{Answer, Cert, MxServer, PolicyHost};
pub use scenarios::{Expect, SCENARIOS, Scenario};

/// The test zone.
pub const ZONE: &str = "bed.test";

/// How the bed is started.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Delay before the first byte of each new DoH or HTTPS connection; 0: no proxy.
    pub latency_ms: u64,
    /// How many extra valid domains `bulkNNNN.<zone>` to publish.
    pub bulk: usize,
}

/// The running servers. Dropping it stops them and removes the temporary directory.
pub struct TestBed {
    dir: PathBuf,
    ca_pem: String,
    ca_file: PathBuf,
    named_port: u16,
    doh_port: u16,
    https_port: u16,
    smtp_port: u16,
    bulk: Vec<String>,
    pids: Vec<(&'static str, u32)>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    keeper: Option<JoinHandle<()>>,
}

impl TestBed {
    /// Start with [`Options::default()`]: no latency, no bulk domains.
    pub fn start() -> Result<TestBed, String> {
        TestBed::start_with(Options::default())
    }

    /// Start named, dnsdist, nginx and the SMTP server (and the latency proxies), each on
    /// free loopback ports, and return once every one answers.
    ///
    /// The servers are started and kept by a thread of the bed's own; the kernel kills them
    /// when that thread ends (`PR_SET_PDEATHSIG`), so a bed kept in a `static` dies with
    /// the test process even though statics are never dropped.
    pub fn start_with(opts: Options) -> Result<TestBed, String> {
        servers::check_installed()?;
        let dir = temp_dir()?;
        match prepare_and_start(&dir, opts) {
            Ok(bed) => Ok(bed),
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                Err(e)
            }
        }
    }

    /// `"bed.test"`
    pub fn zone(&self) -> &str {
        ZONE
    }

    /// `"enforce"` → `"enforce.bed.test"`
    pub fn domain(&self, label: &str) -> String {
        format!("{label}.{ZONE}")
    }

    /// The DoH endpoint, `http://127.0.0.1:PORT/dns-query` (the latency proxy's, if any).
    pub fn doh_url(&self) -> String {
        format!("http://127.0.0.1:{}/dns-query", self.doh_port)
    }

    /// The HTTPS port of every policy host, the same on 127.0.0.1 and `[::1]` (the latency
    /// proxy's, if any).
    pub fn https_port(&self) -> u16 {
        self.https_port
    }

    /// The SMTP port of every MX host, at the MX host's address (127.0.0.1, or 127.0.0.2
    /// for `nostarttls`'s MX): what a probe uses instead of 25. Never delayed.
    pub fn smtp_port(&self) -> u16 {
        self.smtp_port
    }

    /// The MX hosts of scenario `label` as in its MX records, without the trailing dot
    /// (`["mx.enforce.bed.test"]`); empty for an unknown label.
    pub fn mx_hosts(&self, label: &str) -> Vec<String> {
        scenarios::deployment(label, ZONE)
            .map(|d| d.mx.iter().map(|mx| format!("{mx}.{ZONE}")).collect())
            .unwrap_or_default()
    }

    /// named itself, for plain DNS over UDP or TCP (never delayed).
    pub fn dns_addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.named_port))
    }

    /// The test CA certificate, PEM.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The test CA certificate, PEM, in a file.
    pub fn ca_file(&self) -> &Path {
        &self.ca_file
    }

    /// `bulk0000.bed.test`, ... ([`Options::bulk`] of them): each a valid enforce
    /// deployment like `enforce`.
    pub fn bulk_domains(&self) -> Vec<String> {
        self.bulk.clone()
    }

    /// The servers' process ids (`("named", pid)`, ...), for checking that teardown ends them.
    pub fn server_pids(&self) -> Vec<(&'static str, u32)> {
        self.pids.clone()
    }

    /// The bed's temporary directory: configs, zone file, certificates and server logs.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for TestBed {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(keeper) = self.keeper.take() {
            let _ = keeper.join();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const DIR_PREFIX: &str = "mtasts-testbed-";

/// `$TMPDIR/mtasts-testbed-<pid>-<n>`, after removing those of processes that are gone (a
/// bed kept in a `static` is never dropped, so its directory outlives the process).
fn temp_dir() -> Result<PathBuf, String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    remove_stale_dirs();
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("{DIR_PREFIX}{}-{n}", std::process::id()));
    // A directory left by an earlier process with the same id.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

fn remove_stale_dirs() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(DIR_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// What the keeper thread reports once everything answers.
struct Ready {
    named_port: u16,
    doh_port: u16,
    https_port: u16,
    smtp_port: u16,
    pids: Vec<(&'static str, u32)>,
}

fn prepare_and_start(dir: &Path, opts: Options) -> Result<TestBed, String> {
    let ca = pki::Ca::new()?;
    let ca_file = dir.join("ca.pem");
    write(&ca_file, &ca.cert_pem)?;
    let bulk: Vec<String> = scenarios::bulk_labels(opts.bulk)
        .iter()
        .map(|l| format!("{l}.{ZONE}"))
        .collect();
    let site = write_site(dir, &ca, opts.bulk)?;

    let (ready_tx, ready_rx) = mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel();
    let keeper_dir = dir.to_path_buf();
    let keeper = std::thread::Builder::new()
        .name("mtasts-testbed".to_string())
        .spawn(move || keep(&keeper_dir, &site, opts.latency_ms, ready_tx, stop_rx))
        .map_err(|e| format!("cannot start the test bed's thread: {e}"))?;
    let ready = match ready_rx.recv() {
        Ok(Ok(ready)) => ready,
        Ok(Err(e)) => {
            let _ = keeper.join();
            return Err(e);
        }
        Err(_) => {
            let _ = keeper.join();
            return Err("the test bed's thread ended before the servers answered".to_string());
        }
    };
    Ok(TestBed {
        dir: dir.to_path_buf(),
        ca_pem: ca.cert_pem.clone(),
        ca_file,
        named_port: ready.named_port,
        doh_port: ready.doh_port,
        https_port: ready.https_port,
        smtp_port: ready.smtp_port,
        bulk,
        pids: ready.pids,
        stop: Some(stop_tx),
        keeper: Some(keeper),
    })
}

/// The keeper thread: start the servers (and proxies), report, wait for the stop, then kill
/// them (dropping `Server`s) in this thread, which their `PR_SET_PDEATHSIG` is tied to.
fn keep(
    dir: &Path,
    site: &Site,
    latency_ms: u64,
    ready_tx: mpsc::Sender<Result<Ready, String>>,
    stop_rx: tokio::sync::oneshot::Receiver<()>,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            let _ = ready_tx.send(Err(format!("cannot start a tokio runtime: {e}")));
            return;
        }
    };
    let mut servers = Vec::new();
    let started = start_servers(dir, site, &mut servers).and_then(|mut ready| {
        if latency_ms > 0 {
            let delay = Duration::from_millis(latency_ms);
            let _guard = runtime.enter();
            ready.doh_port = proxy(false, ready.doh_port, delay)?;
            ready.https_port = proxy(true, ready.https_port, delay)?;
        }
        Ok(ready)
    });
    let failed = started.is_err();
    let _ = ready_tx.send(started);
    if !failed {
        runtime.block_on(async {
            // A dropped sender (the TestBed is gone) ends the wait as well as a sent stop.
            let _ = stop_rx.await;
        });
    }
    drop(runtime); // the proxies first, then the servers behind them
    drop(servers);
}

/// A latency proxy to 127.0.0.1:`port`, listening on 127.0.0.1 (and on `[::1]` too when
/// `dual`) at one new port, which it returns.
fn proxy(dual: bool, port: u16, delay: Duration) -> Result<u16, String> {
    let listeners = if dual {
        latency::bind_dual()?
    } else {
        vec![
            std::net::TcpListener::bind("127.0.0.1:0")
                .map_err(|e| format!("latency proxy: cannot bind 127.0.0.1:0: {e}"))?,
        ]
    };
    let own = listeners[0]
        .local_addr()
        .map_err(|e| format!("latency proxy: no local address: {e}"))?
        .port();
    latency::spawn_proxy(listeners, SocketAddr::from(([127, 0, 0, 1], port)), delay)?;
    Ok(own)
}

fn start_servers(dir: &Path, site: &Site, servers: &mut Vec<servers::Server>) -> Result<Ready, String> {
    let (named, named_port) = servers::start_named(dir, ZONE, &site.zone_file)?;
    servers.push(named);
    let (dnsdist, dnsdist_ports) = servers::start_dnsdist(dir, ZONE, named_port)?;
    servers.push(dnsdist);
    let (nginx, https_port) = servers::start_nginx(dir, &site.nginx_servers)?;
    servers.push(nginx);
    let (smtp, smtp_port) = servers::start_smtp(dir, &site.smtp_certs)?;
    servers.push(smtp);
    Ok(Ready {
        named_port,
        doh_port: dnsdist_ports.doh,
        https_port,
        smtp_port,
        pids: servers.iter().map(|s| (s.name, s.pid())).collect(),
    })
}

// ---------------------------------------------------------------------------------------
// The site: zone file, policy files, certificates, nginx server blocks

struct Site {
    zone_file: PathBuf,
    /// nginx `server {}` blocks, `{PORT}` standing for the port.
    nginx_servers: String,
    /// The SMTP server's certificates.
    smtp_certs: servers::SmtpCerts,
}

fn write(path: &Path, contents: impl AsRef<[u8]>) -> Result<(), String> {
    std::fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn path_str(path: &Path) -> Result<&str, String> {
    path.to_str()
        .ok_or_else(|| format!("{} is not UTF-8: nginx's config needs it spelled out", path.display()))
}

/// A TXT record's data as one quoted string.
fn txt(data: &str) -> String {
    format!("\"{}\"", data.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The zone's records for one domain `label` with a valid enforce deployment that shares the
/// bulk MX host.
fn bulk_records(label: &str, zone: &mut String) {
    let sts = txt(&format!("v=STSv1; id={};", scenarios::STS_ID));
    let tlsrpt = txt(scenarios::TLSRPT_TXT);
    zone.push_str(&format!(
        "{label} MX 10 {mx}.{ZONE}.\n_mta-sts.{label} TXT {sts}\n_smtp._tls.{label} TXT {tlsrpt}\n\
         mta-sts.{label} A 127.0.0.1\nmta-sts.{label} AAAA ::1\n",
        mx = scenarios::BULK_MX_LABEL
    ));
}

fn write_site(dir: &Path, ca: &pki::Ca, bulk: usize) -> Result<Site, String> {
    let certs = dir.join("certs");
    let www = dir.join("www");
    for d in [&certs, &www] {
        std::fs::create_dir_all(d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
    }
    let write_leaf = |name: &str, leaf: pki::Leaf| -> Result<(String, String), String> {
        let cert = certs.join(format!("{name}.crt"));
        let key = certs.join(format!("{name}.key"));
        write(&cert, &leaf.cert_pem)?;
        write(&key, &leaf.key_pem)?;
        Ok((path_str(&cert)?.to_string(), path_str(&key)?.to_string()))
    };

    let mut zone = format!(
        "$ORIGIN {ZONE}.\n$TTL 60\n@ SOA ns.{ZONE}. hostmaster.{ZONE}. 1 3600 600 86400 60\n\
         @ NS ns.{ZONE}.\nns A 127.0.0.1\n"
    );
    let mut good_names = Vec::new();
    let mut good_mx_names = Vec::new();
    let mut wrong_cert_mx_names = Vec::new();
    let mut vhosts = Vec::new(); // (label, deployment)
    for s in SCENARIOS {
        let d =
            scenarios::deployment(s.label, ZONE).ok_or_else(|| format!("scenario {} has no deployment", s.label))?;
        let label = s.label;
        zone.push_str(&format!("; {label}: {}\n", s.description));
        for mx in &d.mx {
            let address = d.mx_server.address();
            zone.push_str(&format!("{label} MX 10 {mx}.{ZONE}.\n{mx} A {address}\n"));
            match d.mx_server {
                MxServer::Good | MxServer::NoStartTls => good_mx_names.push(format!("{mx}.{ZONE}")),
                MxServer::WrongCert => wrong_cert_mx_names.push(format!("{mx}.{ZONE}")),
            }
        }
        let sts_owner = match d.sts_cname_to {
            Some(target) => {
                zone.push_str(&format!("_mta-sts.{label} CNAME _mta-sts.{target}.{ZONE}.\n"));
                target
            }
            None => label,
        };
        for record in &d.sts_txt {
            zone.push_str(&format!("_mta-sts.{sts_owner} TXT {}\n", txt(record)));
        }
        if d.tlsrpt {
            zone.push_str(&format!("_smtp._tls.{label} TXT {}\n", txt(scenarios::TLSRPT_TXT)));
        }
        if matches!(d.policy_host, PolicyHost::V4AndV6) {
            zone.push_str(&format!("mta-sts.{label} A 127.0.0.1\n"));
        }
        if matches!(d.policy_host, PolicyHost::V4AndV6 | PolicyHost::V6Only) {
            zone.push_str(&format!("mta-sts.{label} AAAA ::1\n"));
        }
        if d.answer.is_some() && d.cert == Cert::Good {
            good_names.push(format!("mta-sts.{label}.{ZONE}"));
        }
        vhosts.push((label, d));
    }

    let good = write_leaf("good", ca.leaf(&good_names)?)?;
    let wrong = write_leaf(
        "wrongname",
        ca.leaf(&[format!("mta-sts.{}.{ZONE}", scenarios::WRONG_NAME_LABEL)])?,
    )?;
    let expired = write_leaf("expired", ca.expired_leaf(&[format!("mta-sts.expired.{ZONE}")])?)?;
    // The bulk domains' shared MX is served with the good certificate too.
    good_mx_names.push(format!("{}.{ZONE}", scenarios::BULK_MX_LABEL));
    let smtp_certs = servers::SmtpCerts {
        good: write_leaf("mx-good", ca.leaf(&good_mx_names)?)?,
        wrong: write_leaf(
            "mx-wrongname",
            ca.leaf(&[format!("{}.{ZONE}", scenarios::WRONG_MX_NAME)])?,
        )?,
        wrong_cert_names: wrong_cert_mx_names,
    };

    let listen = "    listen 127.0.0.1:{PORT} ssl;\n    listen [::1]:{PORT} ssl;\n";
    // Unknown names get the good certificate and a 404.
    let mut nginx = format!(
        "    server {{\n        listen 127.0.0.1:{{PORT}} ssl default_server;\n        \
         listen [::1]:{{PORT}} ssl default_server;\n        server_name _;\n        \
         ssl_certificate {};\n        ssl_certificate_key {};\n        return 404;\n    }}\n",
        good.0, good.1
    );
    let policy_location = |path: &str, content_type: &str, file: &str| {
        format!(
            "        location = {path} {{\n            default_type {content_type};\n            \
             alias {file};\n        }}\n"
        )
    };
    for (label, d) in &vhosts {
        let Some(answer) = &d.answer else { continue };
        let (cert, key) = match d.cert {
            Cert::Good => &good,
            Cert::WrongName => &wrong,
            Cert::Expired => &expired,
        };
        let well_known = "/.well-known/mta-sts.txt";
        let file = www.join(format!("{label}.txt"));
        let file_s = path_str(&file)?.to_string();
        let locations = match answer {
            Answer::Policy { content_type, body } => {
                write(&file, body)?;
                policy_location(well_known, content_type, &file_s)
            }
            Answer::Redirect { body } => {
                write(&file, body)?;
                format!(
                    "        location = {well_known} {{\n            return 301 /policy/mta-sts.txt;\n        }}\n{}",
                    policy_location("/policy/mta-sts.txt", "text/plain", &file_s)
                )
            }
            Answer::NotFound => format!("        location = {well_known} {{\n            return 404;\n        }}\n"),
        };
        nginx.push_str(&format!(
            "    server {{\n{listen}        server_name mta-sts.{label}.{ZONE};\n        \
             ssl_certificate {cert};\n        ssl_certificate_key {key};\n{locations}        \
             location / {{\n            return 404;\n        }}\n    }}\n"
        ));
    }

    if bulk > 0 {
        let labels = scenarios::bulk_labels(bulk);
        zone.push_str(&format!(
            "; {bulk} bulk domains\n{} A 127.0.0.1\n",
            scenarios::BULK_MX_LABEL
        ));
        for label in &labels {
            bulk_records(label, &mut zone);
        }
        let names: Vec<String> = labels.iter().map(|l| format!("mta-sts.{l}.{ZONE}")).collect();
        let (cert, key) = write_leaf("bulk", ca.leaf(&names)?)?;
        let file = www.join("bulk.txt");
        let mx = [format!("{}.{ZONE}", scenarios::BULK_MX_LABEL)];
        write(&file, scenarios::policy_body("enforce", &mx))?;
        let zone_re = ZONE.replace('.', "\\.");
        nginx.push_str(&format!(
            "    server {{\n{listen}        server_name ~^mta-sts\\.bulk[0-9]+\\.{zone_re}$;\n        \
             ssl_certificate {cert};\n        ssl_certificate_key {key};\n{}        \
             location / {{\n            return 404;\n        }}\n    }}\n",
            policy_location("/.well-known/mta-sts.txt", "text/plain", path_str(&file)?)
        ));
    }

    let zone_file = dir.join(format!("{ZONE}.zone"));
    write(&zone_file, zone)?;
    Ok(Site {
        zone_file,
        nginx_servers: nginx,
        smtp_certs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bed can live in a `static` (shared by a benchmark's iterations).
    #[test]
    fn test_bed_is_send_and_sync() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<TestBed>();
    }

    #[test]
    fn site_has_every_scenario_and_the_bulk_domains() {
        let dir = temp_dir().unwrap();
        let ca = pki::Ca::new().unwrap();
        let site = write_site(&dir, &ca, 3).unwrap();
        let zone = std::fs::read_to_string(&site.zone_file).unwrap();
        assert!(
            zone.contains("_mta-sts.cname CNAME _mta-sts.provider.bed.test.\n"),
            "{zone}"
        );
        assert!(zone.contains("_mta-sts.provider TXT \"v=STSv1; id=20260101T000000;\"\n"));
        assert!(zone.contains("mta-sts.v6only AAAA ::1\n"));
        assert!(!zone.contains("mta-sts.v6only A "));
        assert!(!zone.contains("_smtp._tls.notlsrpt"));
        assert!(zone.contains("bulk0002 MX 10 mx.bulk.bed.test.\n"));
        assert!(zone.contains("mx.nostarttls A 127.0.0.2\n"), "{zone}");
        assert!(zone.contains("mx.mxbadcert A 127.0.0.1\n"), "{zone}");
        assert_eq!(site.smtp_certs.wrong_cert_names, ["mx.mxbadcert.bed.test"]);
        for s in SCENARIOS {
            let has_vhost = site
                .nginx_servers
                .contains(&format!("server_name mta-sts.{}.bed.test;", s.label));
            assert_eq!(has_vhost, s.label != "norecord", "{}", s.label);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
