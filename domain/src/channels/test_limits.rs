//! How often a channel's test message may be sent: a test goes out at once
//! to whatever the channel names, so without a bound a user could make the
//! server spam a receiver. Counted per user and per channel, in the database
//! so every `serve` process shares them.

use crate::ratelimit::Limit;

/// The limits of test messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestLimits {
    /// Test messages of one user, whatever the channel.
    pub per_user: Limit,
    /// Test messages to one channel, whoever asks.
    pub per_channel: Limit,
}

impl Default for TestLimits {
    /// 30 an hour per user; 5 per 10 minutes per channel.
    fn default() -> Self {
        Self {
            per_user: Limit::new("channel_test.user", 30, 3600),
            per_channel: Limit::new("channel_test.channel", 5, 600),
        }
    }
}

impl TestLimits {
    /// The same limits with other counts (same windows).
    pub fn with_counts(mut self, per_user: u32, per_channel: u32) -> Self {
        self.per_user.limit = per_user;
        self.per_channel.limit = per_channel;
        self
    }
}
