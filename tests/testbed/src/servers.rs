//! The real servers (BIND, dnsdist, nginx, an aiosmtpd SMTP server): their configurations,
//! starting them on free loopback ports, waiting until they answer, and killing them.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::dns;

pub(crate) const NAMED: &str = "/usr/sbin/named";
pub(crate) const DNSDIST: &str = "/usr/bin/dnsdist";
pub(crate) const NGINX: &str = "/usr/sbin/nginx";
/// Debian's Python, which has python3-aiosmtpd (a `python3` earlier on PATH may not).
pub(crate) const PYTHON: &str = "/usr/bin/python3";
/// Where python3-aiosmtpd puts the package.
pub(crate) const AIOSMTPD: &str = "/usr/lib/python3/dist-packages/aiosmtpd/__init__.py";
/// The SMTP server, run by [`PYTHON`] from the bed's directory.
const SMTP_SERVER_PY: &str = include_str!("smtp_server.py");

/// How long a server gets to answer after it is started.
const READY_TIMEOUT: Duration = Duration::from_secs(10);
/// How often a server is started again on new ports when its port was taken meanwhile.
const PORT_RACE_ATTEMPTS: usize = 3;

/// Fail early, naming the Debian package, when a server binary is missing.
pub(crate) fn check_installed() -> Result<(), String> {
    for (package, binary) in [
        ("bind9", NAMED),
        ("dnsdist", DNSDIST),
        ("nginx", NGINX),
        ("python3", PYTHON),
        ("python3-aiosmtpd", AIOSMTPD),
    ] {
        if !Path::new(binary).is_file() {
            return Err(format!(
                "{package} is not installed ({binary} is missing): run `cargo xtask setup`"
            ));
        }
    }
    Ok(())
}

/// A running server process; dropping it kills it and waits for it.
pub(crate) struct Server {
    pub name: &'static str,
    child: Child,
    /// Where its output goes, shown when it fails.
    logs: Vec<PathBuf>,
}

impl Server {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The last lines of its logs, for an error message.
    fn log_tail(&self) -> String {
        let mut out = String::new();
        for path in &self.logs {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            let tail = &lines[lines.len().saturating_sub(30)..];
            out.push_str(&format!("\n--- {} ---\n{}", path.display(), tail.join("\n")));
        }
        out
    }

    /// Whether it says its port was taken (another process bound it after we chose it).
    fn port_taken(&self) -> bool {
        self.logs
            .iter()
            .any(|path| std::fs::read_to_string(path).is_ok_and(|log| is_port_taken_log(&log)))
    }

    /// `Some(status)` once the process has exited.
    fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(status.to_string()),
            Ok(None) => None,
            Err(e) => Some(format!("cannot be waited for: {e}")),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGKILL: none of the servers keeps state worth a clean shutdown, none forks helpers
        // (nginx runs as a single process, master_process off), so nothing is left orphaned.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// nginx, dnsdist and Python say "Address already in use"; named says "unable to listen on
/// any configured interfaces" (its only listener is the port we chose).
fn is_port_taken_log(log: &str) -> bool {
    log.contains("in use") || log.contains("unable to listen")
}

/// Start `program` with `args`, stdout and stderr to `<dir>/<name>.out`, killed by the kernel if the thread that started it goes away (so a test
/// process that dies without running `Drop` leaves no server behind).
fn spawn(
    name: &'static str,
    dir: &Path,
    program: &str,
    args: &[&str],
    mut logs: Vec<PathBuf>,
) -> Result<Server, String> {
    let out_path = dir.join(format!("{name}.out"));
    let out = File::create(&out_path).map_err(|e| format!("cannot create {}: {e}", out_path.display()))?;
    let err = out
        .try_clone()
        .map_err(|e| format!("cannot share {}: {e}", out_path.display()))?;
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = cmd
        .spawn()
        .map_err(|e| format!("{name} did not start ({program}): {e}"))?;
    logs.insert(0, out_path);
    Ok(Server { name, child, logs })
}

/// Which sockets a port must be free for.
#[derive(Clone, Copy)]
pub(crate) struct PortNeeds {
    pub udp: bool,
    pub ipv6: bool,
}

/// A port that is free on 127.0.0.1 for TCP (and UDP, and [::1] TCP, as asked). Another
/// process may take it before the server binds it: callers retry on "address in use".
pub(crate) fn free_port(needs: PortNeeds) -> Result<u16, String> {
    if needs.ipv6 {
        TcpListener::bind((Ipv6Addr::LOCALHOST, 0))
            .map_err(|e| format!("cannot bind [::1]:0 ({e}): the test bed serves policies on the IPv6 loopback too"))?;
    }
    for _ in 0..100 {
        let tcp = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot bind 127.0.0.1:0: {e}"))?;
        let port = tcp.local_addr().map_err(|e| format!("no local address: {e}"))?.port();
        let udp_ok = !needs.udp || UdpSocket::bind(("127.0.0.1", port)).is_ok();
        let v6_ok = !needs.ipv6 || TcpListener::bind((Ipv6Addr::LOCALHOST, port)).is_ok();
        if udp_ok && v6_ok {
            return Ok(port);
        }
    }
    Err("found no port free on 127.0.0.1 and ::1 in 100 tries".to_string())
}

/// Start a server with `start(port...)` until it answers, on fresh ports when the port
/// was taken between choosing and binding it.
fn start_retrying<P: Copy>(
    name: &str,
    mut choose: impl FnMut() -> Result<P, String>,
    mut start: impl FnMut(P) -> Result<Server, String>,
    mut ready: impl FnMut(P) -> Result<(), String>,
) -> Result<(Server, P), String> {
    let mut last = String::new();
    for _ in 0..PORT_RACE_ATTEMPTS {
        let ports = choose()?;
        let mut server = start(ports)?;
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let probe = ready(ports);
            if probe.is_ok() {
                return Ok((server, ports));
            }
            // named stays up when it cannot listen, so the log says it, not the exit.
            if server.port_taken() {
                last = format!("{name} found its port taken:{}", server.log_tail());
                break; // a port race: dropping the server kills it; try other ports
            }
            if let Some(status) = server.exited() {
                return Err(format!(
                    "{name} exited ({status}) before answering:{}",
                    server.log_tail()
                ));
            }
            if Instant::now() >= deadline {
                let why = probe.err().unwrap_or_default();
                return Err(format!(
                    "{name} did not answer within {}s (last probe: {why}):{}",
                    READY_TIMEOUT.as_secs(),
                    server.log_tail()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    Err(last)
}

fn write(path: &Path, contents: impl AsRef<[u8]>) -> Result<(), String> {
    std::fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn path_str(path: &Path) -> Result<&str, String> {
    path.to_str()
        .ok_or_else(|| format!("{} is not UTF-8: servers' configs need it spelled out", path.display()))
}

// ---------------------------------------------------------------------------------------
// BIND

/// named, authoritative for `zone` from `zone_file`, on 127.0.0.1 (UDP and TCP).
pub(crate) fn start_named(dir: &Path, zone: &str, zone_file: &Path) -> Result<(Server, u16), String> {
    start_named_choosing(dir, zone, zone_file, || free_port(PortNeeds { udp: true, ipv6: false }))
}

fn start_named_choosing(
    dir: &Path,
    zone: &str,
    zone_file: &Path,
    choose: impl FnMut() -> Result<u16, String>,
) -> Result<(Server, u16), String> {
    let work = dir.join("named");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let work_s = path_str(&work)?.to_string();
    let zone_file_s = path_str(zone_file)?.to_string();
    let conf = dir.join("named.conf");
    let conf_s = path_str(&conf)?.to_string();
    start_retrying(
        "named (bind9)",
        choose,
        |port| {
            // `controls {}`: no rndc channel (the default one would use port 953 and the
            // system's rndc.key). Every path is in the temp dir, so a system named and its
            // files are never touched.
            let config = format!(
                r#"options {{
    directory "{work_s}";
    pid-file none;
    session-keyfile "{work_s}/session.key";
    managed-keys-directory "{work_s}";
    listen-on port {port} {{ 127.0.0.1; }};
    listen-on-v6 {{ none; }};
    recursion no;
    dnssec-validation no;
    notify no;
    allow-transfer {{ none; }};
    automatic-interface-scan no;
}};
controls {{ }};
zone "{zone}" {{
    type primary;
    file "{zone_file_s}";
}};
"#
            );
            write(&conf, config)?;
            spawn("named", dir, NAMED, &["-g", "-4", "-n", "1", "-c", &conf_s], vec![])
        },
        |port| probe_dns_udp(port, zone),
    )
}

fn probe_dns_udp(port: u16, zone: &str) -> Result<(), String> {
    let socket = UdpSocket::bind("127.0.0.1:0").map_err(|e| format!("cannot bind a UDP socket: {e}"))?;
    socket
        .set_read_timeout(Some(Duration::from_millis(200)))
        .map_err(|e| e.to_string())?;
    let id = 0x5eed;
    socket
        .send_to(&dns::query(id, zone, dns::TYPE_SOA), ("127.0.0.1", port))
        .map_err(|e| format!("cannot send to 127.0.0.1:{port}: {e}"))?;
    let mut buf = [0u8; 1500];
    let n = socket.recv(&mut buf).map_err(|e| format!("no answer: {e}"))?;
    match dns::answer_count(&buf[..n], id)? {
        0 => Err(format!("no SOA for {zone} yet")),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------
// dnsdist

/// dnsdist's ports: the DoH front (plain HTTP) and a plain DNS listener.
#[derive(Clone, Copy)]
pub(crate) struct DnsdistPorts {
    pub doh: u16,
    pub dns: u16,
}

/// dnsdist: DoH over plain HTTP at `/dns-query` with a CORS header, forwarding to named.
pub(crate) fn start_dnsdist(dir: &Path, zone: &str, named_port: u16) -> Result<(Server, DnsdistPorts), String> {
    let conf = dir.join("dnsdist.conf");
    let conf_s = path_str(&conf)?.to_string();
    start_retrying(
        "dnsdist",
        || {
            Ok(DnsdistPorts {
                doh: free_port(PortNeeds {
                    udp: false,
                    ipv6: false,
                })?,
                dns: free_port(PortNeeds { udp: true, ipv6: false })?,
            })
        },
        |ports| {
            // setLocal: without a listener of its own dnsdist would take 127.0.0.1:53.
            // setUp(): the backend is up without health checks (named refuses the default
            // check's root-server question). No certificate: DoH over plain HTTP.
            let config = format!(
                r#"setSecurityPollSuffix("")
setLocal("127.0.0.1:{dns}")
newServer({{address="127.0.0.1:{named_port}", name="bind"}}):setUp()
addDOHLocal("127.0.0.1:{doh}", nil, nil, "/dns-query", {{customResponseHeaders={{["access-control-allow-origin"]="*"}}}})
"#,
                dns = ports.dns,
                doh = ports.doh,
            );
            write(&conf, config)?;
            spawn(
                "dnsdist",
                dir,
                DNSDIST,
                &["--supervised", "--disable-syslog", "-C", &conf_s],
                vec![],
            )
        },
        |ports| probe_doh_post(SocketAddr::from(([127, 0, 0, 1], ports.doh)), zone),
    )
}

/// An RFC 8484 POST over HTTP/1.1, by hand: a 200 with a successful answer.
pub(crate) fn probe_doh_post(addr: SocketAddr, zone: &str) -> Result<(), String> {
    let id = 0xd0d0;
    let body = dns::query(id, zone, dns::TYPE_SOA);
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(500))
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .map_err(|e| e.to_string())?;
    let mut request = format!(
        "POST /dns-query HTTP/1.1\r\nHost: {addr}\r\nAccept: application/dns-message\r\n\
         Content-Type: application/dns-message\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(&body);
    stream
        .write_all(&request)
        .map_err(|e| format!("cannot send to {addr}: {e}"))?;
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .map_err(|e| format!("cannot read from {addr}: {e}"))?;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no complete HTTP response")?;
    let head = String::from_utf8_lossy(&response[..split]);
    if !head.starts_with("HTTP/1.1 200") {
        return Err(format!("HTTP answer: {}", head.lines().next().unwrap_or("")));
    }
    match dns::answer_count(&response[split + 4..], id)? {
        0 => Err(format!("no SOA for {zone} yet")),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------
// nginx

/// nginx answers at `addr`: a plain HTTP request gets an HTTP answer from nginx (a 400 on
/// its TLS ports), so a port taken by another process is not mistaken for it.
fn probe_nginx(addr: SocketAddr) -> Result<(), String> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(200))
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .map_err(|e| e.to_string())?;
    stream
        .write_all(b"GET / HTTP/1.0\r\nHost: probe\r\n\r\n")
        .map_err(|e| format!("cannot send to {addr}: {e}"))?;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let response = String::from_utf8_lossy(&response);
    if response.starts_with("HTTP/1.1 ") && response.contains("Server: nginx") {
        Ok(())
    } else {
        Err(format!("{addr} is not nginx yet: {:?}", response.lines().next()))
    }
}

/// nginx with the given `http {}` body (server blocks whose `listen` lines say `{PORT}`),
/// on 127.0.0.1 and [::1] at the same port.
pub(crate) fn start_nginx(dir: &Path, servers: &str) -> Result<(Server, u16), String> {
    start_nginx_choosing(dir, servers, || free_port(PortNeeds { udp: false, ipv6: true }))
}

fn start_nginx_choosing(
    dir: &Path,
    servers: &str,
    choose: impl FnMut() -> Result<u16, String>,
) -> Result<(Server, u16), String> {
    let prefix = dir.join("nginx");
    for sub in ["", "logs", "temp"] {
        let p = prefix.join(sub);
        std::fs::create_dir_all(&p).map_err(|e| format!("cannot create {}: {e}", p.display()))?;
    }
    let prefix_s = path_str(&prefix)?.to_string();
    let conf = prefix.join("nginx.conf");
    let conf_s = path_str(&conf)?.to_string();
    let error_log = prefix.join("logs/error.log");
    let error_log_s = path_str(&error_log)?.to_string();
    start_retrying(
        "nginx",
        choose,
        |port| {
            let servers = servers.replace("{PORT}", &port.to_string());
            // master_process off: one process, so killing it leaves no worker behind.
            let config = format!(
                r#"daemon off;
master_process off;
pid {prefix_s}/nginx.pid;
error_log {error_log_s} info;
worker_rlimit_nofile 8192;
events {{ worker_connections 4096; }}
http {{
    access_log {prefix_s}/logs/access.log;
    client_body_temp_path {prefix_s}/temp/body;
    proxy_temp_path {prefix_s}/temp/proxy;
    fastcgi_temp_path {prefix_s}/temp/fastcgi;
    uwsgi_temp_path {prefix_s}/temp/uwsgi;
    scgi_temp_path {prefix_s}/temp/scgi;
    types {{ }}
    default_type application/octet-stream;
    server_tokens off;
    ssl_protocols TLSv1.2 TLSv1.3;
    keepalive_requests 10000;
{servers}
}}
"#
            );
            write(&conf, config)?;
            // A fresh log per attempt: an earlier attempt's "in use" is not this one's.
            let _ = std::fs::remove_file(&error_log);
            // -e: errors from before the config is read go to our file too, not /var/log.
            let mut server = spawn(
                "nginx",
                dir,
                NGINX,
                &["-p", &prefix_s, "-c", &conf_s, "-e", &error_log_s],
                vec![],
            )?;
            server.logs.push(error_log.clone());
            Ok(server)
        },
        |port| {
            for addr in [
                SocketAddr::from(([127, 0, 0, 1], port)),
                SocketAddr::from((Ipv6Addr::LOCALHOST, port)),
            ] {
                probe_nginx(addr)?;
            }
            Ok(())
        },
    )
}

// ---------------------------------------------------------------------------------------
// SMTP (aiosmtpd)

/// Where the SMTP server offers STARTTLS (its certificate chosen by SNI).
pub(crate) const SMTP_STARTTLS_ADDR: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 1);
/// Where it offers no STARTTLS, at the same port.
pub(crate) const SMTP_PLAIN_ADDR: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);
/// The name in its greeting and EHLO reply.
const SMTP_HOSTNAME: &str = "mx.bed.test";
/// What its greeting says after the host name (see `IDENT` in smtp_server.py).
const SMTP_IDENT: &str = "mtasts-testbed SMTP";

/// The SMTP server's certificates: paths of PEM files.
pub(crate) struct SmtpCerts {
    /// Certificate and key naming every MX host but those in `wrong_cert_names`.
    pub good: (String, String),
    /// Certificate and key for another name.
    pub wrong: (String, String),
    /// The MX hosts (SNI names) that get `wrong`.
    pub wrong_cert_names: Vec<String>,
}

/// A port free for TCP on both [`SMTP_STARTTLS_ADDR`] and [`SMTP_PLAIN_ADDR`].
fn free_smtp_port() -> Result<u16, String> {
    for _ in 0..100 {
        let tcp = TcpListener::bind((SMTP_STARTTLS_ADDR, 0))
            .map_err(|e| format!("cannot bind {SMTP_STARTTLS_ADDR}:0: {e}"))?;
        let port = tcp.local_addr().map_err(|e| format!("no local address: {e}"))?.port();
        if TcpListener::bind((SMTP_PLAIN_ADDR, port)).is_ok() {
            return Ok(port);
        }
    }
    Err(format!(
        "found no port free on {SMTP_STARTTLS_ADDR} and {SMTP_PLAIN_ADDR} in 100 tries"
    ))
}

/// A JSON string literal (paths and names here are plain, but quotes and backslashes
/// must not break the config).
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The SMTP server (smtp_server.py, Debian's python3-aiosmtpd) that plays every MX host:
/// STARTTLS on [`SMTP_STARTTLS_ADDR`] and none on [`SMTP_PLAIN_ADDR`], one port for both.
/// It accepts no mail.
pub(crate) fn start_smtp(dir: &Path, certs: &SmtpCerts) -> Result<(Server, u16), String> {
    start_smtp_choosing(dir, certs, free_smtp_port)
}

fn start_smtp_choosing(
    dir: &Path,
    certs: &SmtpCerts,
    choose: impl FnMut() -> Result<u16, String>,
) -> Result<(Server, u16), String> {
    let script = dir.join("smtp_server.py");
    write(&script, SMTP_SERVER_PY)?;
    let script_s = path_str(&script)?.to_string();
    let conf = dir.join("smtp.json");
    let conf_s = path_str(&conf)?.to_string();
    let wrong_names: Vec<String> = certs.wrong_cert_names.iter().map(|n| json_string(n)).collect();
    start_retrying(
        "smtp (aiosmtpd)",
        choose,
        |port| {
            let config = format!(
                "{{\"port\": {port}, \"hostname\": {}, \"starttls_addr\": \"{SMTP_STARTTLS_ADDR}\", \
                 \"plain_addr\": \"{SMTP_PLAIN_ADDR}\", \"good_cert\": {}, \"good_key\": {}, \
                 \"wrong_cert\": {}, \"wrong_key\": {}, \"wrong_cert_names\": [{}]}}\n",
                json_string(SMTP_HOSTNAME),
                json_string(&certs.good.0),
                json_string(&certs.good.1),
                json_string(&certs.wrong.0),
                json_string(&certs.wrong.1),
                wrong_names.join(", "),
            );
            write(&conf, config)?;
            // -u: unbuffered, so the log is complete when shown on failure.
            spawn("smtp", dir, PYTHON, &["-u", &script_s, &conf_s], vec![])
        },
        |port| {
            for ip in [SMTP_STARTTLS_ADDR, SMTP_PLAIN_ADDR] {
                probe_smtp(SocketAddr::from((ip, port)))?;
            }
            Ok(())
        },
    )
}

/// Our SMTP server greets at `addr` (a port taken by another process is not mistaken for
/// it).
fn probe_smtp(addr: SocketAddr) -> Result<(), String> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(200))
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .map_err(|e| e.to_string())?;
    let mut greeting = [0u8; 512];
    let n = stream
        .read(&mut greeting)
        .map_err(|e| format!("no greeting from {addr}: {e}"))?;
    let greeting = String::from_utf8_lossy(&greeting[..n]);
    let _ = stream.write_all(b"QUIT\r\n");
    if greeting.starts_with("220 ") && greeting.contains(SMTP_IDENT) {
        Ok(())
    } else {
        Err(format!(
            "{addr} is not the bed's SMTP server yet: {:?}",
            greeting.lines().next()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chooser that hands out `taken` first (bound here, so the server cannot have it),
    /// then free ports.
    fn taken_first(taken: u16) -> impl FnMut() -> Result<u16, String> {
        let mut first = true;
        move || {
            if std::mem::take(&mut first) {
                Ok(taken)
            } else {
                free_port(PortNeeds { udp: true, ipv6: true })
            }
        }
    }

    const PLAIN_SERVER: &str = "server { listen 127.0.0.1:{PORT}; listen [::1]:{PORT}; return 204; }";

    fn scratch_dir(what: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mtasts-testbed-{}-{what}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    #[ignore = "needs bind9, dnsdist, nginx: run by cargo xtask test"]
    fn named_and_nginx_move_to_another_port_when_theirs_is_taken() {
        let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
        let taken = tcp.local_addr().unwrap().port();
        let _udp = UdpSocket::bind(("127.0.0.1", taken)).unwrap();

        let dir = scratch_dir("race-named");
        let zone_file = dir.join("bed.test.zone");
        std::fs::write(
            &zone_file,
            "$TTL 60\n@ SOA ns hostmaster 1 3600 600 86400 60\n@ NS ns\nns A 127.0.0.1\n",
        )
        .unwrap();
        let (named, port) =
            start_named_choosing(&dir, "bed.test", &zone_file, taken_first(taken)).unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(port, taken);
        drop(named);
        std::fs::remove_dir_all(&dir).unwrap();

        let dir = scratch_dir("race-nginx");
        let (nginx, port) =
            start_nginx_choosing(&dir, PLAIN_SERVER, taken_first(taken)).unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(port, taken);
        drop(nginx);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    #[ignore = "needs bind9, dnsdist, nginx, aiosmtpd: run by cargo xtask test"]
    fn smtp_moves_to_another_port_when_its_is_taken() {
        // Taken on 127.0.0.2 only: the server must fail on its second listener and retry.
        let plain = TcpListener::bind((SMTP_PLAIN_ADDR, 0)).unwrap();
        let taken = plain.local_addr().unwrap().port();
        let dir = scratch_dir("race-smtp");
        let ca = crate::pki::Ca::new().unwrap();
        let mut files = Vec::new();
        for (name, leaf) in [
            ("good", ca.leaf(&["mx.a.bed.test".to_string()]).unwrap()),
            ("wrong", ca.leaf(&["mx.b.bed.test".to_string()]).unwrap()),
        ] {
            let cert = dir.join(format!("{name}.crt"));
            let key = dir.join(format!("{name}.key"));
            std::fs::write(&cert, leaf.cert_pem).unwrap();
            std::fs::write(&key, leaf.key_pem).unwrap();
            files.push((cert.display().to_string(), key.display().to_string()));
        }
        let certs = SmtpCerts {
            wrong: files.pop().unwrap(),
            good: files.pop().unwrap(),
            wrong_cert_names: vec!["mx.b.bed.test".to_string()],
        };
        let (smtp, port) = start_smtp_choosing(&dir, &certs, {
            let mut first = true;
            move || {
                if std::mem::take(&mut first) {
                    Ok(taken)
                } else {
                    free_smtp_port()
                }
            }
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(port, taken);
        drop(smtp);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A server that never answers is reported with its log.
    #[test]
    #[ignore = "needs bind9, dnsdist, nginx: run by cargo xtask test"]
    fn named_that_never_answers_is_shown_with_its_log() {
        let dir = std::env::temp_dir().join(format!("mtasts-testbed-{}-broken", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let missing_zone = dir.join("missing.zone");
        let error = match start_named(&dir, "bed.test", &missing_zone) {
            Ok(_) => panic!("named answered without its zone"),
            Err(e) => e,
        };
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(error.starts_with("named (bind9) did not answer within 10s"), "{error}");
        assert!(error.contains("named.out ---"), "{error}");
        assert!(error.contains("missing.zone"), "{error}");
    }
}
