//! `mtasts-proxy --listen 127.0.0.1:8080 --dir dist`: serve the web page and its
//! policy-fetch API.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use mtasts_check::fetch::SystemLookup;
use mtasts_check::lookup::Lookup;
use mtasts_check::native::{DohLookup, ReqwestHttp};
use mtasts_proxy::Config;

/// Serve the mtasts web page (the bundle `trunk build --release` writes to dist/) and
/// the API it calls to fetch MTA-STS policies (GET /api/v1/policy?domain=D).
#[derive(Parser, Debug)]
#[command(name = "mtasts-proxy", version)]
struct Args {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The directory to serve: Trunk's output, with index.html at its top.
    #[arg(long, default_value = "dist")]
    dir: PathBuf,
    /// DNS-over-HTTPS resolver for looking up mta-sts.<domain> (default: the system
    /// resolver).
    #[arg(long, value_name = "URL")]
    resolver: Option<String>,
    /// Extra trusted CA certificates (PEM) for policy hosts, e.g. the test bed's CA.
    #[arg(long, value_name = "PATH")]
    ca_file: Option<PathBuf>,
    /// The port policy hosts are fetched on (the test bed's HTTPS server).
    #[arg(long, default_value_t = 443)]
    https_port: u16,
    /// TEST BED ONLY: allow fetching from loopback addresses.
    #[arg(long)]
    allow_loopback: bool,
    /// An origin (https://host[:port]) whose pages may call the API; repeatable. The
    /// page's own origin needs none.
    #[arg(long, value_name = "ORIGIN")]
    allow_origin: Vec<String>,
    /// Policy fetches running at once; more are refused (503).
    #[arg(long, default_value_t = 32)]
    max_concurrent: usize,
    /// API requests a minute per client address (0: no limit).
    #[arg(long, default_value_t = 30)]
    rate_per_minute: u32,
}

/// The lookup for `mta-sts.<domain>`: the DoH resolver when one is given (the same kind
/// of lookup as the page's and the CLI's), else the system resolver.
fn lookup_for(resolver: Option<&str>, extra_roots_pem: &[u8]) -> Result<Arc<dyn Lookup>, String> {
    let Some(url) = resolver else {
        return Ok(Arc::new(SystemLookup));
    };
    mtasts_check::dns::check_resolver(url)?;
    let http = ReqwestHttp::new(std::time::Duration::from_secs(10), extra_roots_pem)?;
    Ok(Arc::new(DohLookup {
        http,
        resolver: url.to_string(),
    }))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if !args.dir.join("index.html").is_file() {
        eprintln!(
            "mtasts-proxy: {} has no index.html: build the page first (`trunk build --release`, \
             or `cargo xtask serve`, which builds and serves it)",
            args.dir.display()
        );
        return ExitCode::from(2);
    }
    let mut config = Config::new(&args.dir);
    config.fetch.https_port = args.https_port;
    config.fetch.allow_loopback = args.allow_loopback;
    config.max_concurrent = args.max_concurrent.max(1);
    config.rate_per_minute = args.rate_per_minute;
    if let Some(path) = &args.ca_file {
        match std::fs::read(path) {
            Ok(pem) => config.fetch.extra_roots_pem = pem,
            Err(e) => {
                eprintln!("mtasts-proxy: cannot read --ca-file {}: {e}", path.display());
                return ExitCode::from(2);
            }
        }
    }
    if let Err(e) = config.fetch.check() {
        eprintln!("mtasts-proxy: --ca-file: {e}");
        return ExitCode::from(2);
    }
    config.lookup = match lookup_for(args.resolver.as_deref(), &config.fetch.extra_roots_pem) {
        Ok(lookup) => lookup,
        Err(e) => {
            eprintln!("mtasts-proxy: --resolver: {e}");
            return ExitCode::from(2);
        }
    };
    for origin in &args.allow_origin {
        if let Err(e) = mtasts_proxy::parse_origin(origin) {
            eprintln!("mtasts-proxy: --allow-origin: {e}");
            return ExitCode::from(2);
        }
    }
    config.allow_origins = args.allow_origin.clone();
    if args.allow_loopback {
        eprintln!(
            "mtasts-proxy: WARNING: --allow-loopback is set: the API will fetch from loopback \
             addresses (127.0.0.0/8, ::1). This is for the test bed only; never expose this server."
        );
    }

    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("mtasts-proxy: cannot listen on {}: {e}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().unwrap_or(args.listen);
    println!(
        "mtasts-proxy: serving {} and the API on http://{addr}/ (Ctrl-C stops)",
        args.dir.display()
    );
    let csp = mtasts_proxy::content_security_policy(&args.dir);
    println!("mtasts-proxy: Content-Security-Policy (from index.html): {csp}");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match mtasts_proxy::serve_app(listener, config, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mtasts-proxy: {e}");
            ExitCode::FAILURE
        }
    }
}
