//! What one hop sends: the request as built for HTTP/1.1 (origin form, or
//! absolute form to a proxy) or HTTP/2, and the next hop a redirect asks for.

use bytes::Bytes;
use http::header::{
    ACCEPT, ACCEPT_ENCODING, AUTHORIZATION, COOKIE, HOST, LOCATION, PROXY_AUTHORIZATION, USER_AGENT,
};
use http::{HeaderMap, HeaderValue, Method, StatusCode, Version};
use http_body_util::Full;
use hyper::body::Incoming;
use url::Url;

use super::{proxy, ProbeRequest};
use crate::outbound::{Outbound, OutboundError};

/// What one hop sends.
pub(super) struct Hop {
    pub(super) url: Url,
    method: Method,
    headers: HeaderMap,
    body: Option<Bytes>,
}

impl Hop {
    pub(super) fn first(request: &ProbeRequest<'_>) -> Self {
        let mut headers = HeaderMap::new();
        for (name, value) in request.headers {
            headers.append(name.clone(), value.clone());
        }
        Self {
            url: request.url.clone(),
            method: request.method.clone(),
            headers,
            body: request.body.clone(),
        }
    }

    /// The hop a redirect asks for, or `None` when `response` is not one. As
    /// browsers do, a 303 (and a 301 or 302 after a POST) becomes a GET without
    /// a body, and credentials are not carried to another origin.
    pub(super) fn follow(
        &self,
        response: &http::Response<Incoming>,
    ) -> Option<Result<Self, OutboundError>> {
        let status = response.status();
        if !matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
            return None;
        }
        let location = response.headers().get(LOCATION)?;
        let next = location.to_str().ok().and_then(|l| self.url.join(l).ok()).ok_or_else(|| {
            OutboundError::InvalidUrl("the redirect's Location is not a URL".into())
        });
        let next = match next {
            Ok(next) => next,
            Err(err) => return Some(Err(err)),
        };
        let to_get = status == StatusCode::SEE_OTHER && self.method != Method::HEAD
            || matches!(status.as_u16(), 301 | 302) && self.method == Method::POST;
        let mut headers = self.headers.clone();
        if next.origin() != self.url.origin() {
            for name in [AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION] {
                headers.remove(name);
            }
        }
        Some(Ok(Self {
            url: next,
            method: if to_get { Method::GET } else { self.method.clone() },
            headers,
            body: if to_get { None } else { self.body.clone() },
        }))
    }
}

/// The request of one hop: origin-form with a Host header on HTTP/1.1, the
/// absolute URL (from which hyper takes `:authority`) on HTTP/2.
pub(super) fn build(
    out: &Outbound,
    hop: &Hop,
    h2: bool,
    proxy: Option<&Url>,
) -> Result<http::Request<Full<Bytes>>, OutboundError> {
    let url = &hop.url;
    let mut builder = http::Request::builder().method(hop.method.clone());
    builder = if h2 {
        builder.uri(url.as_str()).version(Version::HTTP_2)
    } else if let Some(proxy) = proxy {
        let builder = builder.uri(url.as_str()).version(Version::HTTP_11);
        let builder = builder
            .header(HOST, url[url::Position::BeforeHost..url::Position::AfterPort].to_owned());
        match proxy::authorization(proxy) {
            Some(auth) => builder.header(http::header::PROXY_AUTHORIZATION, auth),
            None => builder,
        }
    } else {
        let mut target = url.path().to_owned();
        if let Some(query) = url.query() {
            target.push('?');
            target.push_str(query);
        }
        let authority = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_owned(),
        };
        builder.uri(target).version(Version::HTTP_11).header(HOST, authority)
    };
    let Some(headers) = builder.headers_mut() else {
        return Err(OutboundError::InvalidUrl(format!("cannot request {url}")));
    };
    headers.insert(USER_AGENT, out.user_agent());
    headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
    headers.insert(ACCEPT_ENCODING, HeaderValue::from_static("gzip, deflate"));
    // The monitor's own headers win over these defaults.
    for name in hop.headers.keys() {
        headers.remove(name);
    }
    for (name, value) in &hop.headers {
        headers.append(name.clone(), value.clone());
    }
    let body = Full::new(hop.body.clone().unwrap_or_default());
    builder.body(body).map_err(|e| OutboundError::InvalidRequest(e.to_string()))
}
