//! Reading a response body without trusting its size.

use bytes::{Bytes, BytesMut};

use super::OutboundError;

/// Reads the decoded body, at most `limit` bytes: past that it stops reading
/// and fails, so an endless body or a compression bomb costs `limit` at most.
pub async fn read_capped(
    mut resp: reqwest::Response,
    limit: usize,
) -> Result<Bytes, OutboundError> {
    // A declared oversize body need not be read at all. (After decoding there
    // is no declared length; the loop below is what holds then.)
    let declared = resp.content_length();
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(OutboundError::BodyTooLarge { limit });
    }
    let initial = declared.and_then(|len| usize::try_from(len).ok()).unwrap_or(8 * 1024).min(limit);
    let mut body = BytesMut::with_capacity(initial);
    while let Some(chunk) = resp.chunk().await.map_err(OutboundError::from_reqwest)? {
        if chunk.len() > limit - body.len() {
            return Err(OutboundError::BodyTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
