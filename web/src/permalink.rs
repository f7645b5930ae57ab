//! Permalinks: a view's state as JSON, deflated, in url-safe base64 without padding.
//!
//! The state lives in the URL fragment, which browsers never send to a server, so a
//! pasted policy stays on the page. Decoding is total: a damaged, truncated or oversized
//! fragment gives a [`PermalinkError`] the page can show, never a panic.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The most a fragment may decompress to. Bounds memory on a hostile link ("zip bomb").
pub const MAX_DECOMPRESSED: usize = 1 << 20;

/// The longest fragment payload decoded at all; longer ones are refused before any work.
/// (Browsers cap URLs at about 2 MB; the deflated state of a 1 MiB input fits well below.)
pub const MAX_ENCODED: usize = 2 << 20;

/// Why a fragment could not be turned back into a view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PermalinkError {
    /// Characters outside the url-safe base64 alphabet, or a length base64 can't have.
    NotBase64,
    /// The compressed data is damaged or was cut off (a link copied only in part).
    Damaged,
    /// It would decompress to more than [`MAX_DECOMPRESSED`] bytes, or the fragment itself
    /// is longer than [`MAX_ENCODED`].
    TooLarge,
    /// It decompressed, but is not a state this page understands.
    NotUnderstood(String),
}

impl fmt::Display for PermalinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PermalinkError::NotBase64 => f.write_str(
                "This link is damaged: its state has characters a permalink never contains. Was it changed or wrapped when it was copied?",
            ),
            PermalinkError::Damaged => f.write_str(
                "This link is damaged or incomplete: its state could not be decompressed. Copy the whole link again.",
            ),
            PermalinkError::TooLarge => write!(
                f,
                "This link holds more than {} KiB of state, more than the page accepts.",
                MAX_DECOMPRESSED / 1024
            ),
            PermalinkError::NotUnderstood(why) => write!(
                f,
                "This link's state could not be read ({why}). It may come from another version of the page."
            ),
        }
    }
}

/// Serialize, deflate and base64 a state. `Err(TooLarge)` when the serialized state is
/// over [`MAX_DECOMPRESSED`]: such a link could not be opened again.
pub fn encode<T: Serialize>(state: &T) -> Result<String, PermalinkError> {
    // postcard: a compact binary serde format, far smaller in the bundle than JSON.
    let json = postcard::to_allocvec(state).map_err(|e| PermalinkError::NotUnderstood(e.to_string()))?;
    if json.len() > MAX_DECOMPRESSED {
        return Err(PermalinkError::TooLarge);
    }
    // Level 9 costs little on the usual few hundred bytes; big pastes get a faster level.
    let level = if json.len() > 64 * 1024 { 6 } else { 9 };
    let deflated = miniz_oxide::deflate::compress_to_vec(&json, level);
    Ok(URL_SAFE_NO_PAD.encode(deflated))
}

/// The inverse of [`encode`]. Total over any input string.
pub fn decode<T: for<'de> Deserialize<'de>>(payload: &str) -> Result<T, PermalinkError> {
    if payload.len() > MAX_ENCODED {
        return Err(PermalinkError::TooLarge);
    }
    let deflated = URL_SAFE_NO_PAD.decode(payload.trim()).map_err(|e| match e {
        base64::DecodeError::InvalidByte(..) => PermalinkError::NotBase64,
        // A wrong length or last symbol: the link was cut short.
        _ => PermalinkError::Damaged,
    })?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, MAX_DECOMPRESSED).map_err(|e| match e
        .status
    {
        miniz_oxide::inflate::TINFLStatus::HasMoreOutput => PermalinkError::TooLarge,
        _ => PermalinkError::Damaged,
    })?;
    postcard::from_bytes(&json).map_err(|e| PermalinkError::NotUnderstood(e.to_string()))
}

/// The Lint view in a link. Short field names keep links short.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LintLink {
    /// The pasted text, line endings as they were.
    #[serde(rename = "t")]
    pub text: String,
    /// `policy`, `sts`, `tlsrpt` or `zone`; absent for automatic detection.
    #[serde(rename = "k")]
    pub kind: Option<String>,
    /// MX hosts to hold a policy against, separated by commas or spaces; absent when off.
    #[serde(rename = "m")]
    pub mx: Option<String>,
    /// The policy mode assumed for a zone (`none`, `testing`, `enforce`).
    #[serde(rename = "z")]
    pub zone_mode: Option<String>,
    /// Index of the selected diagnostic.
    #[serde(rename = "s")]
    pub selected: Option<usize>,
}

/// The Generate form in a link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GenerateLink {
    #[serde(rename = "d")]
    pub domain: String,
    /// `none`, `testing` or `enforce`.
    #[serde(rename = "o")]
    pub mode: String,
    #[serde(rename = "x")]
    pub mx: Vec<String>,
    #[serde(rename = "a")]
    pub max_age: u64,
    #[serde(rename = "r")]
    pub rua: Vec<String>,
    /// LF line endings instead of CRLF.
    #[serde(rename = "l")]
    pub lf: bool,
    #[serde(rename = "h")]
    pub policy_host: String,
    /// When the policy was issued (Unix seconds): keeps the id the link was made with.
    #[serde(rename = "i")]
    pub issued_at: u64,
}

impl Default for GenerateLink {
    fn default() -> Self {
        GenerateLink {
            domain: String::new(),
            mode: "testing".to_string(),
            mx: vec![String::new()],
            max_age: mtasts_core::generate::DEFAULT_MAX_AGE,
            rua: vec![String::new()],
            lf: false,
            policy_host: String::new(),
            issued_at: 0,
        }
    }
}

/// The Check view in a link: what was checked, and optionally what was seen.
///
/// Opened without `evidence`, the view checks the domain live again; with it, the view
/// shows that result as it was (a snapshot) and offers to re-run live.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckLink {
    #[serde(rename = "d")]
    pub domain: String,
    /// The DNS-over-HTTPS resolver's URL.
    #[serde(rename = "r")]
    pub resolver: String,
    /// The `CheckEvidence` as its JSON, whose field names are the stable interface (a new
    /// evidence field leaves older snapshots readable, which postcard's positional
    /// encoding of the struct itself would not).
    #[serde(rename = "e")]
    pub evidence: Option<String>,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// A Lint link made before the Check view (and its `CheckLink`) existed.
    pub(crate) const OLD_LINT_LINK: &str = "cy1LLSrOzM-zUggOCS4z5OXKzU9JtVJIzUvLL0pOBXIrrBRyKwz1UisScwtyUvWS83OBgokV8YnpQGVmBiYWBga8XIxsBfk5mcmVjOhqdYACRsgCDIxMAA";

    fn sample() -> LintLink {
        LintLink {
            text: "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmax_age: 604800\r\n".into(),
            kind: Some("policy".into()),
            mx: Some("mx1.example.com, mx2.example.com".into()),
            zone_mode: None,
            selected: Some(2),
        }
    }

    #[test]
    fn round_trip_keeps_every_byte() {
        let link = sample();
        let encoded = encode(&link).unwrap();
        assert!(
            encoded
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "url-safe alphabet, no padding: {encoded}"
        );
        assert_eq!(decode::<LintLink>(&encoded).unwrap(), link);
    }

    #[test]
    fn generate_round_trip() {
        let link = GenerateLink {
            domain: "example.com".into(),
            mx: vec!["mx1.example.com".into(), "*.mail.example.net".into()],
            rua: vec!["tls@example.net".into()],
            issued_at: 1_700_000_000,
            ..GenerateLink::default()
        };
        assert_eq!(decode::<GenerateLink>(&encode(&link).unwrap()).unwrap(), link);
    }

    #[test]
    fn check_round_trip() {
        let link = CheckLink {
            domain: "example.com".into(),
            resolver: "https://dns.google/dns-query".into(),
            evidence: None,
        };
        assert_eq!(decode::<CheckLink>(&encode(&link).unwrap()).unwrap(), link);
        let snapshot = CheckLink {
            evidence: Some(r#"{"domain":"example.com","dns":[]}"#.into()),
            ..link
        };
        assert_eq!(decode::<CheckLink>(&encode(&snapshot).unwrap()).unwrap(), snapshot);
    }

    /// Links made before the Check view existed still open: [`OLD_LINT_LINK`] holds
    /// `sample()` as the page encoded it then (postcard, raw deflate, base64url).
    #[test]
    fn an_old_lint_link_still_opens() {
        assert_eq!(decode::<LintLink>(OLD_LINT_LINK).unwrap(), sample());
    }

    #[test]
    fn links_stay_short() {
        let encoded = encode(&sample()).unwrap();
        assert!(encoded.len() < 160, "{} chars", encoded.len());
    }

    #[test]
    fn defaults_round_trip() {
        let link = LintLink {
            text: "v=STSv1; id=1".into(),
            ..LintLink::default()
        };
        let back: LintLink = decode(&encode(&link).unwrap()).unwrap();
        assert_eq!(back, link);
        let generate: GenerateLink = decode(&encode(&GenerateLink::default()).unwrap()).unwrap();
        assert_eq!(generate, GenerateLink::default());
    }

    #[test]
    fn damaged_links_give_errors() {
        let encoded = encode(&sample()).unwrap();
        assert_eq!(decode::<LintLink>("not base64!"), Err(PermalinkError::NotBase64));
        // Cut anywhere, a link is damaged (whatever its length mod 4).
        for cut in 1..=8 {
            assert_eq!(
                decode::<LintLink>(&encoded[..encoded.len() - cut]),
                Err(PermalinkError::Damaged),
                "cut {cut}"
            );
        }
        // Valid base64 of bytes that are not a deflate stream.
        assert_eq!(
            decode::<LintLink>(&URL_SAFE_NO_PAD.encode([0xff; 40])),
            Err(PermalinkError::Damaged)
        );
        // A valid stream of something that is not a state.
        let junk = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(b"[1,2", 9));
        assert!(matches!(
            decode::<LintLink>(&junk),
            Err(PermalinkError::NotUnderstood(_))
        ));
        assert!(matches!(
            decode::<LintLink>(""),
            Err(PermalinkError::Damaged | PermalinkError::NotUnderstood(_))
        ));
    }

    #[test]
    fn oversized_links_are_refused() {
        // 2 MiB of one byte deflates to a few KiB: the cap must hold on the output.
        let bomb = vec![b' '; 2 * MAX_DECOMPRESSED];
        let encoded = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&bomb, 9));
        assert!(encoded.len() < 10_000);
        assert_eq!(decode::<LintLink>(&encoded), Err(PermalinkError::TooLarge));
        let huge = "A".repeat(MAX_ENCODED + 1);
        assert_eq!(decode::<LintLink>(&huge), Err(PermalinkError::TooLarge));
        let big_text = LintLink {
            text: "x".repeat(MAX_DECOMPRESSED + 1),
            ..LintLink::default()
        };
        assert_eq!(encode(&big_text), Err(PermalinkError::TooLarge));
    }

    #[test]
    fn every_error_reads_as_a_sentence() {
        for e in [
            PermalinkError::NotBase64,
            PermalinkError::Damaged,
            PermalinkError::TooLarge,
            PermalinkError::NotUnderstood("expected value".into()),
        ] {
            let text = e.to_string();
            assert!(text.starts_with("This link"), "{text}");
            assert!(text.ends_with('.') || text.ends_with('?'), "{text}");
        }
    }
}
