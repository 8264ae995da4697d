//! [`OutboundRequest`]: an HTTP request that can only be sent through the
//! guard. Provider code builds one with [`Outbound::request`] and never sees
//! the reqwest client underneath, so no request can leave unchecked.

use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Method;

use super::{resolver, Outbound, OutboundError};

/// Whether a request follows redirects (each hop checked) or returns them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redirects {
    /// Follow up to [`super::MAX_REDIRECTS`] hops, each checked by the guard.
    Follow,
    /// Return a 3xx answer as it is.
    Return,
}

/// A request being built; [`OutboundRequest::send`] checks and sends it.
#[must_use = "a request does nothing until it is sent"]
pub struct OutboundRequest {
    out: Outbound,
    builder: reqwest::RequestBuilder,
}

impl Outbound {
    /// Starts a request to `url`, sent by [`OutboundRequest::send`] only.
    pub fn request(&self, method: Method, url: &str, redirects: Redirects) -> OutboundRequest {
        let client = match redirects {
            Redirects::Follow => &self.inner.client,
            Redirects::Return => &self.inner.no_redirects,
        };
        OutboundRequest { out: self.clone(), builder: client.request(method, url) }
    }

    /// A GET following checked redirects.
    pub fn get(&self, url: &str) -> OutboundRequest {
        self.request(Method::GET, url, Redirects::Follow)
    }

    /// A POST that returns redirects: a receiver that moved is told, not followed.
    pub fn post(&self, url: &str) -> OutboundRequest {
        self.request(Method::POST, url, Redirects::Return)
    }
}

impl OutboundRequest {
    /// Adds a header.
    pub fn header<K, V>(self, name: K, value: V) -> Self
    where
        HeaderName: TryFrom<K>,
        <HeaderName as TryFrom<K>>::Error: Into<http::Error>,
        HeaderValue: TryFrom<V>,
        <HeaderValue as TryFrom<V>>::Error: Into<http::Error>,
    {
        self.map(|b| b.header(name, value))
    }

    /// Sets the body.
    pub fn body(self, body: impl Into<reqwest::Body>) -> Self {
        self.map(|b| b.body(body))
    }

    /// Sets a JSON body and its content type.
    pub fn json<T: serde::Serialize + ?Sized>(self, json: &T) -> Self {
        self.map(|b| b.json(json))
    }

    /// Limits the whole exchange (the client's own ceiling still applies).
    pub fn timeout(self, timeout: Duration) -> Self {
        self.map(|b| b.timeout(timeout))
    }

    /// Checks the URL (an IP literal never reaches the resolver, so this is its
    /// only check), then sends; names are checked as they resolve, and every
    /// redirect hop by the client's policy.
    pub async fn send(self) -> Result<reqwest::Response, OutboundError> {
        let (client, request) = self.builder.build_split();
        let request = request.map_err(OutboundError::from_reqwest)?;
        resolver::check_url(&self.out.inner.guard, request.url())?;
        client.execute(request).await.map_err(OutboundError::from_reqwest)
    }

    fn map(self, f: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder) -> Self {
        Self { out: self.out, builder: f(self.builder) }
    }
}
