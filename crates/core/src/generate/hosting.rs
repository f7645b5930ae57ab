//! Files that serve the policy at `https://mta-sts.<domain>/.well-known/mta-sts.txt` on
//! common hosts: status 200, `text/plain`, no redirect on that path (RFC 8461 §3.2, §3.3).
//!
//! Each platform's bundle carries the exact policy bytes: embedded in a string literal
//! (nginx, Cloudflare Workers) or as the file `.well-known/mta-sts.txt` itself.

use super::LineEnding;
use serde::Serialize;

/// One file for one hosting platform.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostingFile {
    /// One of [`PLATFORMS`].
    pub platform: &'static str,
    /// Where the file goes, relative to the platform's directory or site root.
    pub path: String,
    pub contents: String,
    /// What to do with it.
    pub note: String,
}

pub const NGINX: &str = "nginx";
pub const APACHE: &str = "apache";
pub const CADDY: &str = "caddy";
pub const GITHUB_PAGES: &str = "github-pages";
pub const CLOUDFLARE_WORKERS: &str = "cloudflare-workers";
pub const NETLIFY: &str = "netlify";

/// Every platform, in output order.
pub const PLATFORMS: [&str; 6] = [NGINX, APACHE, CADDY, GITHUB_PAGES, CLOUDFLARE_WORKERS, NETLIFY];

/// The policy path on the policy host; fixed by RFC 8461 §3.2 and case-sensitive.
pub const POLICY_PATH: &str = "/.well-known/mta-sts.txt";

/// What the hosting files are built from.
pub(crate) struct Site<'a> {
    pub domain: &'a str,
    /// `mta-sts.<domain>`.
    pub host: &'a str,
    pub policy: &'a str,
    pub id: &'a str,
    pub line_ending: LineEnding,
    /// `YYYY-MM-DD` of `issued_at`.
    pub date: &'a str,
}

/// Every platform's files.
pub(crate) fn all(site: &Site) -> Vec<HostingFile> {
    let mut out = Vec::new();
    out.extend(nginx(site));
    out.extend(apache(site));
    out.extend(caddy(site));
    out.extend(github_pages(site));
    out.extend(cloudflare_workers(site));
    out.extend(netlify(site));
    out
}

fn file(platform: &'static str, path: impl Into<String>, contents: String, note: impl Into<String>) -> HostingFile {
    HostingFile {
        platform,
        path: path.into(),
        contents,
        note: note.into(),
    }
}

/// The policy file itself, for platforms that serve it from disk.
fn policy_file(platform: &'static str, site: &Site, note: impl Into<String>) -> HostingFile {
    file(platform, &POLICY_PATH[1..], site.policy.to_string(), note)
}

/// `.gitattributes` that stops Git from rewriting the policy's line endings.
fn gitattributes(platform: &'static str, site: &Site) -> HostingFile {
    let contents = format!(
        "# Keep the MTA-STS policy byte for byte ({} line endings): no end-of-line conversion.\n{POLICY_PATH} -text\n",
        site.line_ending.name()
    );
    file(
        platform,
        ".gitattributes",
        contents,
        "Stops Git (core.autocrlf) from rewriting the policy's line endings on commit or checkout.",
    )
}

/// A double-quoted nginx string: nginx unescapes `\"`, `\\`, `\r`, `\n` and `\t` in quoted
/// configuration strings. `$` would start a variable in `return`; a policy from the
/// generator never contains one (its values are LDH names, digits and keywords).
pub fn nginx_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A double-quoted JavaScript string literal.
pub fn js_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn nginx(site: &Site) -> Vec<HostingFile> {
    let Site {
        domain,
        host,
        policy,
        id,
        line_ending,
        ..
    } = *site;
    let contents = format!(
        r#"# MTA-STS policy host for {domain} (RFC 8461 §3.2, §3.3), policy id {id}.
# Serves exactly https://{host}{POLICY_PATH} with status 200 and
# Content-Type text/plain, and nothing else: no redirect on that path (senders never follow one).
server {{
    listen 443 ssl;
    listen [::]:443 ssl;
    server_name {host};

    # Placeholder paths: point them at a certificate that is valid for {host}
    # (RFC 8461 §3.3), e.g. from `certbot certonly -d {host}`.
    ssl_certificate     /etc/letsencrypt/live/{host}/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/{host}/privkey.pem;
    ssl_protocols       TLSv1.2 TLSv1.3;

    # The policy, byte for byte ({ending} line endings). The empty `types` block stops the
    # `.txt` extension lookup, so `default_type` sets the Content-Type.
    location = {POLICY_PATH} {{
        types {{ }}
        default_type "text/plain; charset=utf-8";
        return 200 {body};
    }}

    location / {{
        return 404;
    }}
}}
"#,
        ending = line_ending.name(),
        body = nginx_string(policy),
    );
    vec![file(
        NGINX,
        format!("{host}.conf"),
        contents,
        format!(
            "Copy to /etc/nginx/conf.d/ (or sites-available/ and enable it), set the certificate paths, then `nginx -t && nginx -s reload`. The policy is inside the file; keep any port-80 or catch-all redirect away from `{host}`."
        ),
    )]
}

fn apache(site: &Site) -> Vec<HostingFile> {
    let Site {
        domain,
        host,
        id,
        line_ending,
        ..
    } = *site;
    let root = format!("/var/www/{host}");
    let contents = format!(
        r#"# MTA-STS policy host for {domain} (RFC 8461 §3.2, §3.3), policy id {id}.
# Needs mod_ssl. Copy the policy file of this bundle, unchanged ({ending} line endings), to
#   {root}{POLICY_PATH}
<VirtualHost *:443>
    ServerName {host}
    DocumentRoot {root}

    SSLEngine on
    # Placeholder paths: point them at a certificate that is valid for {host}
    # (RFC 8461 §3.3), e.g. from `certbot certonly -d {host}`.
    SSLCertificateFile    /etc/letsencrypt/live/{host}/fullchain.pem
    SSLCertificateKeyFile /etc/letsencrypt/live/{host}/privkey.pem
    SSLProtocol           all -SSLv3 -TLSv1 -TLSv1.1

    <Directory {root}>
        Options None
        # No .htaccess: a Redirect or RewriteRule there would hide the policy.
        AllowOverride None
        Require all granted
    </Directory>

    # Status 200, Content-Type text/plain. Add no Redirect or RewriteRule that matches
    # this path: senders never follow redirects (RFC 8461 §3.3).
    <Location "{POLICY_PATH}">
        ForceType text/plain
    </Location>
</VirtualHost>
"#,
        ending = line_ending.name(),
    );
    vec![
        file(
            APACHE,
            format!("{host}.conf"),
            contents,
            format!(
                "Copy to /etc/apache2/sites-available/ (or conf.d/), set the certificate paths, `a2ensite {host}` and reload. The policy file goes under {root}."
            ),
        ),
        policy_file(
            APACHE,
            site,
            format!("The policy. Copy it byte for byte to {root}{POLICY_PATH}."),
        ),
    ]
}

fn caddy(site: &Site) -> Vec<HostingFile> {
    let Site {
        domain,
        host,
        id,
        line_ending,
        ..
    } = *site;
    let root = format!("/var/www/{host}");
    let contents = format!(
        r#"# MTA-STS policy host for {domain} (RFC 8461 §3.2, §3.3), policy id {id}.
# Caddy gets a certificate for {host} by itself. Copy the policy file of this bundle,
# unchanged ({ending} line endings), to {root}{POLICY_PATH}
# (it is served from disk because a Caddyfile string cannot spell CR except as a raw byte,
# which editors tend to drop).
{host} {{
	@policy path {POLICY_PATH}
	handle @policy {{
		root * {root}
		header Content-Type "text/plain; charset=utf-8"
		file_server
	}}
	# Everything else: 404, never a redirect.
	handle {{
		respond 404
	}}
}}
"#,
        ending = line_ending.name(),
    );
    vec![
        file(
            CADDY,
            "Caddyfile",
            contents,
            "Add this site block to your Caddyfile and `caddy reload`. Caddy's automatic HTTP-to-HTTPS redirect is harmless: senders only use HTTPS.",
        ),
        policy_file(
            CADDY,
            site,
            format!("The policy. Copy it byte for byte to {root}{POLICY_PATH}."),
        ),
    ]
}

fn github_pages(site: &Site) -> Vec<HostingFile> {
    let Site { host, .. } = *site;
    vec![
        policy_file(
            GITHUB_PAGES,
            site,
            "The policy, at the root of a repository of its own. GitHub Pages serves `.txt` as text/plain.",
        ),
        file(
            GITHUB_PAGES,
            "_config.yml",
            "# Jekyll skips dot-directories unless told otherwise; the policy lives in .well-known/.\ninclude: [\".well-known\"]\n"
                .to_string(),
            "Makes Jekyll publish the `.well-known` directory.",
        ),
        file(
            GITHUB_PAGES,
            "CNAME",
            format!("{host}\n"),
            format!(
                "Sets the custom domain. In DNS, `{host}` needs a CNAME to `<user>.github.io`. After the certificate is issued, tick \"Enforce HTTPS\" (it only redirects http://, which senders never use)."
            ),
        ),
        gitattributes(GITHUB_PAGES, site),
    ]
}

/// A Worker name: lower-case letters, digits and `-`, at most 63 characters.
fn worker_name(domain: &str) -> String {
    let name: String = format!("mta-sts-{domain}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(63)
        .collect();
    name.trim_end_matches('-').to_string()
}

fn cloudflare_workers(site: &Site) -> Vec<HostingFile> {
    let Site {
        domain,
        host,
        policy,
        id,
        line_ending,
        date,
    } = *site;
    let script = format!(
        r#"// MTA-STS policy host for {domain} (RFC 8461 §3.2, §3.3), policy id {id}.
// Serves exactly https://{host}{POLICY_PATH} with status 200 and
// Content-Type text/plain; every other path is 404. No redirects: senders never follow them.

// The policy, byte for byte ({ending} line endings).
const POLICY = {body};

export default {{
  async fetch(request) {{
    const url = new URL(request.url);
    if (url.pathname !== "{POLICY_PATH}") {{
      return new Response("Not found\n", {{
        status: 404,
        headers: {{ "content-type": "text/plain; charset=utf-8" }},
      }});
    }}
    if (request.method !== "GET" && request.method !== "HEAD") {{
      return new Response(null, {{ status: 405, headers: {{ allow: "GET, HEAD" }} }});
    }}
    return new Response(request.method === "HEAD" ? null : POLICY, {{
      status: 200,
      headers: {{ "content-type": "text/plain; charset=utf-8" }},
    }});
  }},
}};
"#,
        ending = line_ending.name(),
        body = js_string(policy),
    );
    let wrangler = format!(
        r#"# Cloudflare Worker for {host}, the MTA-STS policy host of {domain}.
# `custom_domain = true` makes Cloudflare create the DNS record and the certificate for
# {host}; the zone {domain} must be on Cloudflare.
name = "{name}"
main = "src/index.js"
compatibility_date = "{date}"
workers_dev = false

routes = [
  {{ pattern = "{host}", custom_domain = true }}
]
"#,
        name = worker_name(domain),
    );
    vec![
        file(
            CLOUDFLARE_WORKERS,
            "src/index.js",
            script,
            "The Worker (a JavaScript module); the policy is inside it.",
        ),
        file(
            CLOUDFLARE_WORKERS,
            "wrangler.toml",
            wrangler,
            format!(
                "Deploy with `npx wrangler deploy`. The custom domain creates the DNS record for `{host}`: do not add one yourself. Keep Bot Fight Mode, Browser Integrity Check and challenges off for `{host}`: mail servers are not browsers."
            ),
        ),
    ]
}

fn netlify(site: &Site) -> Vec<HostingFile> {
    let Site { domain, host, .. } = *site;
    let headers = format!(
        "# Netlify may label .txt files otherwise; the policy must be text/plain (RFC 8461 §3.2).\n{POLICY_PATH}\n  Content-Type: text/plain; charset=utf-8\n"
    );
    let toml = format!(
        r#"# Netlify site for {host}, the MTA-STS policy host of {domain}.
#
# Senders fetch https://{host}{POLICY_PATH} and never follow a
# redirect (RFC 8461 §3.3): a 301 or 302 on that path means "no policy". So:
# * Netlify's automatic HTTP-to-HTTPS redirect is harmless: senders only use HTTPS.
# * Make {host} this site's PRIMARY domain. Netlify redirects every domain alias
#   to the primary domain, and that redirect would hide the policy.
# * Add no [[redirects]] rule (here or in a _redirects file) that can match
#   {POLICY_PATH}: in particular no "/*" rule with `force = true`, and no
#   rule that sends the whole site to another host.
# The Content-Type is set in the _headers file.

[build]
  publish = "."
"#
    );
    vec![
        policy_file(NETLIFY, site, "The policy, at the root of the site you deploy."),
        file(
            NETLIFY,
            "_headers",
            headers,
            "Sets Content-Type text/plain on the policy path.",
        ),
        file(
            NETLIFY,
            "netlify.toml",
            toml,
            format!(
                "Deploy this directory as its own site with `{host}` as its primary domain; the comments explain why no redirect may touch the policy path."
            ),
        ),
        gitattributes(NETLIFY, site),
    ]
}
