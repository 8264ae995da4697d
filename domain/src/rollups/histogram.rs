//! A latency histogram with fixed log-spaced buckets, small enough to store
//! with every rollup row and exact enough for percentiles.
//!
//! Bucket 0 holds 0 ms; bucket `i ≥ 1` holds `[1.2^(i-1), 1.2^i)` ms and is
//! read back as its geometric middle, `1.2^(i-1) · √1.2`, rounded to the
//! millisecond. A value read back is therefore within −8.7 % and +9.5 % of
//! the true one (plus the rounding, at most 0.5 ms): "±10 %". Latencies up
//! to `i32::MAX` ms need 119 buckets, so an index fits a byte.
//!
//! Stored sparse: for each non-empty bucket in ascending order its index (one
//! byte) and its count (LEB128). A minute of a steady target is a few bytes.

use std::collections::BTreeMap;

/// Growth factor between bucket bounds.
const GROWTH: f64 = 1.2;

/// Counts per bucket index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histogram {
    counts: BTreeMap<u8, u64>,
}

/// Stored bytes that are not a histogram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("corrupt latency histogram")]
pub struct CorruptHistogram;

impl Histogram {
    /// Counts one latency.
    pub fn record(&mut self, latency_ms: u32) {
        *self.counts.entry(index(latency_ms)).or_default() += 1;
    }

    /// Adds every count of `other`.
    pub fn merge(&mut self, other: &Histogram) {
        for (&i, &n) in &other.counts {
            *self.counts.entry(i).or_default() += n;
        }
    }

    /// Values counted.
    pub fn len(&self) -> u64 {
        self.counts.values().sum()
    }

    /// Whether nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// The nearest-rank percentile `p` (0-100), as its bucket's middle value.
    pub fn percentile(&self, p: u64) -> Option<u32> {
        let total = self.len();
        if total == 0 {
            return None;
        }
        let rank = (p * total).div_ceil(100).max(1);
        let mut seen = 0;
        for (&i, &n) in &self.counts {
            seen += n;
            if seen >= rank {
                return Some(middle(i));
            }
        }
        self.counts.keys().next_back().map(|&i| middle(i))
    }

    /// The stored form: (index byte, LEB128 count) per non-empty bucket.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.counts.len() * 2);
        for (&i, &n) in &self.counts {
            out.push(i);
            let mut n = n;
            loop {
                let byte = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 {
                    out.push(byte);
                    break;
                }
                out.push(byte | 0x80);
            }
        }
        out
    }

    /// Reads the stored form back.
    pub fn decode(bytes: &[u8]) -> Result<Self, CorruptHistogram> {
        let mut counts = BTreeMap::new();
        let mut rest = bytes.iter();
        while let Some(&i) = rest.next() {
            let mut n: u64 = 0;
            let mut shift = 0;
            loop {
                let &byte = rest.next().ok_or(CorruptHistogram)?;
                if shift > 63 {
                    return Err(CorruptHistogram);
                }
                n |= u64::from(byte & 0x7f) << shift;
                shift += 7;
                if byte & 0x80 == 0 {
                    break;
                }
            }
            *counts.entry(i).or_default() += n;
        }
        Ok(Self { counts })
    }
}

/// The bucket of a latency.
fn index(latency_ms: u32) -> u8 {
    if latency_ms == 0 {
        return 0;
    }
    let i = (f64::from(latency_ms).ln() / GROWTH.ln()).floor() + 1.0;
    // At most 119 for u32 latencies; the cast cannot truncate.
    i.clamp(1.0, 255.0) as u8
}

/// The value a bucket stands for.
fn middle(index: u8) -> u32 {
    if index == 0 {
        return 0;
    }
    let value = GROWTH.powi(i32::from(index) - 1) * GROWTH.sqrt();
    value.round().min(f64::from(u32::MAX)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_latency_reads_back_within_ten_percent() {
        for v in (0..5000).chain((5000..2_000_000).step_by(997)) {
            let back = f64::from(middle(index(v)));
            let v = f64::from(v);
            assert!((back - v).abs() <= v * 0.0955 + 0.5, "{v} read back as {back}");
        }
    }

    #[test]
    fn the_stored_form_round_trips_and_is_small() {
        let mut h = Histogram::default();
        for v in [0, 1, 5, 120, 130, 125, 4000] {
            h.record(v);
        }
        for _ in 0..300 {
            h.record(118);
        }
        let bytes = h.encode();
        assert!(bytes.len() <= 14, "{} bytes", bytes.len());
        assert_eq!(Histogram::decode(&bytes), Ok(h));
        assert_eq!(Histogram::decode(&[3]), Err(CorruptHistogram));
    }

    #[test]
    fn merged_percentiles_use_the_nearest_rank() {
        let (mut a, mut b) = (Histogram::default(), Histogram::default());
        (1..=50).for_each(|v| a.record(v * 10));
        (51..=100).for_each(|v| b.record(v * 10));
        a.merge(&b);
        assert_eq!(a.len(), 100);
        let p95 = f64::from(a.percentile(95).unwrap_or_default());
        assert!((p95 - 950.0).abs() <= 95.0, "p95 {p95}");
        assert_eq!(Histogram::default().percentile(95), None);
    }
}
