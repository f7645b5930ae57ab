//! `mtasts-proxy --listen 127.0.0.1:8080 --dir dist`: serve the web page.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Serve the mtasts web page (the bundle `trunk build --release` writes to dist/).
#[derive(Parser, Debug)]
#[command(name = "mtasts-proxy", version)]
struct Args {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The directory to serve: Trunk's output, with index.html at its top.
    #[arg(long, default_value = "dist")]
    dir: PathBuf,
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
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("mtasts-proxy: cannot listen on {}: {e}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().unwrap_or(args.listen);
    println!(
        "mtasts-proxy: serving {} on http://{addr}/ (Ctrl-C stops)",
        args.dir.display()
    );
    let csp = mtasts_proxy::content_security_policy(&args.dir);
    println!("mtasts-proxy: Content-Security-Policy (from index.html): {csp}");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match mtasts_proxy::serve(listener, &args.dir, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mtasts-proxy: {e}");
            ExitCode::FAILURE
        }
    }
}
