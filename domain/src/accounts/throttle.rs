//! Sign-in and sign-up limits. Counted in the database (`ratelimit`), so they
//! hold across every `serve` process of an installation, and keyed on the
//! real client (the address the trusted proxies vouch for).
//!
//! Sign-in has three: every attempt per client; failures per account *and*
//! client, which lock out that client only, so an attacker elsewhere cannot
//! lock the owner out; and failures per account from anywhere, which only
//! slow every attempt on that account down.

use std::time::Duration;

use crate::ratelimit::Limit;

/// The limits of sign-up and sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountLimits {
    /// Every sign-up attempt from one client (a taken email counts too, so
    /// sign-up is no unthrottled oracle of who has an account).
    pub signup_per_client: Limit,
    /// Every sign-in attempt from one client.
    pub signin_per_client: Limit,
    /// Failed sign-ins against one account from one client: that client is
    /// refused until the window ends.
    pub signin_per_account_client: Limit,
    /// Failed sign-ins against one account from any client: beyond it every
    /// attempt on the account waits [`AccountLimits::slow_down`] first.
    pub signin_per_account: Limit,
    /// The wait added once an account's failures pass their cap.
    pub slow_down: Duration,
}

impl Default for AccountLimits {
    /// 20 sign-ups an hour and 20 sign-ins a minute per client; 5 failures
    /// per 5 minutes per account and client; beyond 50 failures per 15
    /// minutes an account's sign-ins wait 2 s.
    fn default() -> Self {
        Self {
            signup_per_client: Limit::new("signup.client", 20, 3600),
            signin_per_client: Limit::new("signin.client", 20, 60),
            signin_per_account_client: Limit::new("signin.account_client", 5, 300),
            signin_per_account: Limit::new("signin.account", 50, 900),
            slow_down: Duration::from_secs(2),
        }
    }
}

impl AccountLimits {
    /// The same limits with `per_hour` sign-ups per client.
    pub fn with_signups_per_hour(mut self, per_hour: u32) -> Self {
        self.signup_per_client.limit = per_hour;
        self
    }

    /// The same limits with `per_minute` sign-in attempts per client.
    pub fn with_signins_per_minute(mut self, per_minute: u32) -> Self {
        self.signin_per_client.limit = per_minute;
        self
    }
}

/// The key of one account from one client.
pub fn account_client_key(account: &str, client: &str) -> String {
    format!("{account}\n{client}")
}
