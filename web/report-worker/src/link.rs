//! The summary in a permalink: postcard, deflated, url-safe base64 without padding (the
//! page's permalink format). Only a [`ReportSummary`]: never the reports, file names or
//! sending IPs. Decoding is total: a damaged link gives a sentence, never a panic.

use crate::ReportSummary;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The most a link's summary may decompress to.
pub const MAX_DECOMPRESSED: usize = 1 << 20;
/// The longest payload decoded at all.
pub const MAX_ENCODED: usize = 2 << 20;

/// The payload after `#/reports/`; `None` when the summary is too large for a link.
pub fn encode(summary: &ReportSummary) -> Option<String> {
    let bytes = postcard::to_allocvec(summary).ok()?;
    if bytes.len() > MAX_DECOMPRESSED {
        return None;
    }
    Some(URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&bytes, 9)))
}

/// The summary of a link, or why it cannot be read.
pub fn decode(payload: &str) -> Result<ReportSummary, String> {
    if payload.len() > MAX_ENCODED {
        return Err(format!(
            "This link holds more than {} KiB of state, more than the page accepts.",
            MAX_DECOMPRESSED / 1024
        ));
    }
    let damaged = "This link is damaged or incomplete: its summary could not be read. Copy the whole link again.";
    let deflated = URL_SAFE_NO_PAD
        .decode(payload.trim())
        .map_err(|_| damaged.to_string())?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, MAX_DECOMPRESSED)
        .map_err(|_| damaged.to_string())?;
    postcard::from_bytes(&bytes).map_err(|e| {
        format!("This link's summary could not be read ({e}). It may come from another version of the page.")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{process, sample_reports};

    #[test]
    fn round_trip_and_damage() {
        let summary = process(&sample_reports(90)).summary;
        let payload = encode(&summary).unwrap_or_default();
        assert!(
            payload
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert!(payload.len() < 4_000, "{} chars", payload.len());
        assert_eq!(decode(&payload), Ok(summary));
        for cut in 1..6 {
            assert!(decode(&payload[..payload.len() - cut]).is_err(), "cut {cut}");
        }
        assert!(decode("%%%").is_err());
        assert!(decode("").is_err());
        let bomb = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&vec![0u8; 3 << 20], 9));
        assert!(decode(&bomb).is_err());
        assert!(decode(&"A".repeat(MAX_ENCODED + 1)).is_err());
    }

    #[test]
    fn the_link_holds_no_file_names_or_ips() {
        let summary = process(&sample_reports(30)).summary;
        let bytes = postcard::to_allocvec(&summary).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("sample-0"), "file names or report ids");
        assert!(!text.contains("192.0.2."), "sending IPs");
    }
}
