//! Reading a probe's body: capped before and after decoding, so an endless
//! body or a compression bomb costs the cap at most.

use std::io::Read;

use bytes::{Bytes, BytesMut};
use flate2::read::{DeflateDecoder, GzDecoder, ZlibDecoder};
use http::header::{CONTENT_ENCODING, CONTENT_LENGTH};
use http::HeaderMap;
use http_body_util::BodyExt;
use hyper::body::Incoming;

use crate::outbound::OutboundError;

/// Reads and decodes the body, at most `limit` bytes either way.
pub(super) async fn read(
    mut incoming: Incoming,
    headers: &HeaderMap,
    limit: usize,
) -> Result<Bytes, OutboundError> {
    // A declared oversize body need not be read at all.
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(OutboundError::BodyTooLarge { limit });
    }
    let initial = declared.and_then(|len| usize::try_from(len).ok()).unwrap_or(8 * 1024);
    let mut raw = BytesMut::with_capacity(initial.min(limit));
    while let Some(frame) = incoming.frame().await {
        let frame = frame.map_err(|e| {
            OutboundError::Http(format!(
                "could not read the body: {}",
                OutboundError::from_error(&e)
            ))
        })?;
        if let Ok(chunk) = frame.into_data() {
            if chunk.len() > limit - raw.len() {
                return Err(OutboundError::BodyTooLarge { limit });
            }
            raw.extend_from_slice(&chunk);
        }
    }
    decode(raw.freeze(), headers, limit)
}

/// The first `raw_max` bytes of the body as they arrive, decoded as far as
/// they go: for showing the start of a failing answer, so nothing here is
/// an error (a cut-off or broken body gives what came before the break).
pub(super) async fn peek(mut incoming: Incoming, headers: &HeaderMap, raw_max: usize) -> Bytes {
    let mut raw = BytesMut::new();
    while raw.len() < raw_max {
        match incoming.frame().await {
            Some(Ok(frame)) => {
                if let Ok(chunk) = frame.into_data() {
                    raw.extend_from_slice(&chunk[..chunk.len().min(raw_max - raw.len())]);
                }
            }
            Some(Err(_)) | None => break,
        }
    }
    let raw = raw.freeze();
    let mut out = Vec::new();
    let mut take = |mut decoder: Box<dyn Read + '_>| {
        let mut buf = [0u8; 4096];
        while out.len() < raw_max {
            match decoder.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    };
    match encoding(headers).as_str() {
        "gzip" | "x-gzip" => take(Box::new(GzDecoder::new(&raw[..]))),
        "deflate" => take(Box::new(ZlibDecoder::new(&raw[..]))),
        _ => return raw,
    }
    out.truncate(raw_max);
    out.into()
}

fn encoding(headers: &HeaderMap) -> String {
    headers
        .get(CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Undoes the `Content-Encoding` the probe asked for (gzip, deflate).
fn decode(raw: Bytes, headers: &HeaderMap, limit: usize) -> Result<Bytes, OutboundError> {
    match encoding(headers).as_str() {
        "" | "identity" => Ok(raw),
        "gzip" | "x-gzip" => capped(GzDecoder::new(&raw[..]), limit),
        // "deflate" is meant as zlib (RFC 9110), but some servers send raw
        // deflate: try the one, then the other.
        "deflate" => capped(ZlibDecoder::new(&raw[..]), limit)
            .or_else(|_| capped(DeflateDecoder::new(&raw[..]), limit)),
        other => Err(OutboundError::Http(format!(
            "the body is encoded as {}, which was not asked for",
            domain::text::remote(other)
        ))),
    }
}

fn capped(decoder: impl Read, limit: usize) -> Result<Bytes, OutboundError> {
    let mut out = Vec::new();
    decoder
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| OutboundError::Http(format!("could not decode the body: {e}")))?;
    if out.len() > limit {
        return Err(OutboundError::BodyTooLarge { limit });
    }
    Ok(out.into())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::write::{GzEncoder, ZlibEncoder};
    use flate2::Compression;

    use super::*;

    fn encoded(name: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_ENCODING, name.parse().unwrap());
        headers
    }

    fn gzip(data: &[u8]) -> Bytes {
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap().into()
    }

    #[test]
    fn gzip_and_both_deflates_decode() {
        let text = b"status: healthy".repeat(10);
        assert_eq!(decode(gzip(&text), &encoded("gzip"), 1 << 20).unwrap(), &text[..]);
        let mut zlib = ZlibEncoder::new(Vec::new(), Compression::default());
        zlib.write_all(&text).unwrap();
        let zlib: Bytes = zlib.finish().unwrap().into();
        assert_eq!(decode(zlib, &encoded("deflate"), 1 << 20).unwrap(), &text[..]);
        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), Compression::default());
        raw.write_all(&text).unwrap();
        let raw: Bytes = raw.finish().unwrap().into();
        assert_eq!(decode(raw, &encoded("Deflate"), 1 << 20).unwrap(), &text[..]);
    }

    #[test]
    fn a_compression_bomb_stops_at_the_cap() {
        let bomb = gzip(&vec![0u8; 4 << 20]);
        assert!(bomb.len() < 64 * 1024);
        let err = decode(bomb, &encoded("gzip"), 1 << 20).unwrap_err();
        assert!(matches!(err, OutboundError::BodyTooLarge { limit } if limit == 1 << 20));
    }

    #[test]
    fn an_encoding_not_asked_for_is_an_error_that_names_it() {
        let err = decode(Bytes::from_static(b"x"), &encoded("br"), 10).unwrap_err();
        assert_eq!(
            err.to_string(),
            "request failed: the body is encoded as br, which was not asked for"
        );
    }
}
