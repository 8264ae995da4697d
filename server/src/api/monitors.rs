//! Our monitor API: `/api/v1/monitors` CRUD, pause and resume.

use std::collections::BTreeMap;

use axum::extract::State;
use chrono::{DateTime, Utc};
use domain::monitors::{MonitorFilter, MonitorInput, MonitorKind, MonitorView, Status, Write};
use kinds::{HttpMethod, HttpVersionPref};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::envelope::{Envelope, NoData};
use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Path, Query};
use crate::auth::Auth;
use crate::state::AppState;

/// Filters and paging of the monitor list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// up, down, degraded, paused or unknown; empty is no filter.
    #[param(value_type = Option<String>, pattern = "^(up|down|degraded|paused|unknown)?$")]
    pub status: Option<String>,
    /// http, tcp, github_runners, tls, domain, icmp, heartbeat or dns (another value matches nothing).
    pub kind: Option<String>,
    /// Part of the name or target.
    pub search: Option<String>,
    /// Only monitors carrying this tag (any case).
    pub tag: Option<String>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 100).
    #[serde(default, deserialize_with = "super::extract::page_limit")]
    pub limit: Option<u64>,
    /// Admins: every user's monitors.
    #[param(value_type = Option<String>, pattern = "^(true|false)$")]
    pub all: Option<bool>,
}

/// A monitor as the API shows it; only the block matching `kind` is present.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Monitor)]
pub struct MonitorBody {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub name: String,
    pub kind: MonitorKind,
    /// The normalised URL, host:port, or host/owner/repo.
    pub target: String,
    pub interval_seconds: i32,
    pub timeout_ms: i32,
    pub confirmations: i32,
    pub recoveries: i32,
    pub channel_ids: Vec<Uuid>,
    /// Lowercase labels, sorted.
    pub tags: Vec<String>,
    pub paused: bool,
    pub status: Status,
    pub status_since: DateTime<Utc>,
    pub last_checked_at: Option<DateTime<Utc>>,
    pub latest_response_time_ms: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp: Option<TcpBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub github_runners: Option<GithubRunnersBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<DomainBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icmp: Option<IcmpBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heartbeat: Option<super::heartbeats::HeartbeatBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns: Option<super::dns::DnsBody>,
}

/// An HTTP monitor's settings; header values and the body are masked.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = HttpSettings)]
pub struct HttpBody {
    pub url: String,
    pub method: HttpMethod,
    pub headers: BTreeMap<String, String>,
    pub body: Option<String>,
    /// Codes or inclusive ranges, e.g. `200-399`, `204`.
    pub expected_status: Vec<String>,
    /// Text that must appear in the body (or must not, with `keyword_absent`).
    pub keyword: Option<String>,
    pub keyword_absent: bool,
    /// Above this response time the status is `degraded`.
    pub degraded_after_ms: Option<u32>,
    pub follow_redirects: bool,
    /// Judged after the fields above; the worst failing severity decides.
    pub assertions: Vec<super::assertions::AssertionBody>,
    pub http_version: HttpVersionPref,
    /// The certificate is not verified (its failure is still recorded).
    pub accept_invalid_certs: bool,
    /// The DNS server the host is resolved with (`ip:port`); null: the system's.
    pub resolver: Option<String>,
    /// The `http://` proxy requests go through, without its password.
    pub proxy: Option<String>,
    /// The certificate's days-left thresholds (HTTPS), highest first; each
    /// notifies once as it is crossed.
    pub cert_expiry_days: Vec<u32>,
    /// Whether a replaced certificate notifies.
    pub cert_notify_on_change: bool,
}

/// A TCP monitor's target.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(as = TcpSettings)]
pub struct TcpBody {
    /// A host name or IP address.
    pub host: String,
    #[schema(minimum = 1, maximum = 65_535)]
    pub port: u16,
}

/// A TLS monitor's settings.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TlsSettings)]
pub struct TlsBody {
    /// The host to connect to; the certificate must name it.
    pub host: String,
    #[schema(minimum = 1, maximum = 65_535)]
    pub port: u16,
    /// Days-left thresholds, highest first; each notifies once as it is crossed.
    pub expiry_days: Vec<u32>,
    /// Whether a replaced certificate notifies.
    pub notify_on_change: bool,
}

/// An ICMP monitor's settings.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = IcmpSettings)]
pub struct IcmpBody {
    /// A host name or IP address.
    pub host: String,
    /// Echo requests per check.
    #[schema(minimum = 1, maximum = 10)]
    pub count: u16,
    /// Above this average round trip the monitor is degraded.
    pub degraded_after_ms: Option<u32>,
}

/// A domain monitor's settings.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = DomainSettings)]
pub struct DomainBody {
    /// The registered name, lower case, IDNs as punycode.
    pub name: String,
    /// Days-left thresholds, highest first; each notifies once as it is crossed.
    pub expiry_days: Vec<u32>,
    /// The RDAP server's base URL; null: found in the IANA bootstrap file.
    pub rdap_url: Option<String>,
}

/// A runner monitor's settings, the token masked; `repo` null means the
/// organisation's runners.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GithubRunnersSettings)]
pub struct GithubRunnersBody {
    pub owner: String,
    pub repo: Option<String>,
    /// Masked: `…` and the last four characters.
    pub token: String,
    pub api_url: String,
}

impl From<MonitorView> for MonitorBody {
    fn from(m: MonitorView) -> Self {
        Self {
            id: m.id,
            owner_id: m.owner_id,
            name: m.name,
            kind: m.kind,
            target: m.target,
            interval_seconds: m.interval_seconds,
            timeout_ms: m.timeout_ms,
            confirmations: m.confirmations,
            recoveries: m.recoveries,
            channel_ids: m.channel_ids,
            tags: m.tags,
            paused: m.paused,
            status: m.status,
            status_since: m.status_since,
            last_checked_at: m.last_checked_at,
            latest_response_time_ms: m.latest_response_time_ms,
            last_error: m.last_error,
            created_at: m.created_at,
            http: m.http.map(|h| HttpBody {
                url: h.url.into(),
                method: h.method,
                headers: h.headers,
                body: h.body,
                expected_status: h.expected_status.into_iter().map(String::from).collect(),
                keyword: h.keyword,
                keyword_absent: h.keyword_absent,
                degraded_after_ms: h.degraded_after_ms,
                follow_redirects: h.follow_redirects,
                assertions: h.assertions.into_iter().map(Into::into).collect(),
                http_version: h.http_version,
                accept_invalid_certs: h.accept_invalid_certs,
                resolver: h.resolver.map(|r| r.to_string()),
                proxy: h.proxy.map(String::from),
                cert_expiry_days: h.cert_expiry_days.days().to_vec(),
                cert_notify_on_change: h.cert_notify_on_change,
            }),
            tcp: m.tcp.map(|t| TcpBody { host: t.host, port: t.port }),
            github_runners: m.github_runners.map(|g| GithubRunnersBody {
                owner: g.owner,
                repo: g.repo,
                token: g.token,
                api_url: g.api_url,
            }),
            dns: m.dns.map(super::dns::DnsBody::from),
            tls: m.tls.map(|t| TlsBody {
                host: t.host,
                port: t.port,
                expiry_days: t.expiry_days.days().to_vec(),
                notify_on_change: t.notify_on_change,
            }),
            icmp: m.icmp.map(|i| IcmpBody {
                host: i.host,
                count: i.count,
                degraded_after_ms: i.degraded_after_ms,
            }),
            domain: m.domain.map(|d| DomainBody {
                name: d.name,
                expiry_days: d.expiry_days.days().to_vec(),
                rdap_url: d.rdap_url.map(String::from),
            }),
            heartbeat: m.heartbeat.map(super::heartbeats::HeartbeatBody::from),
        }
    }
}

/// `data` of the monitor list.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonitorList {
    pub monitors: Vec<MonitorBody>,
    /// Pass back as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// A monitor to create, or the changes to one (absent fields stay as they
/// are). The block matching `kind` holds the kind's settings. Read as
/// `domain::monitors::MonitorInput`; this is its documentation.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = MonitorRequest)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct MonitorRequest {
    /// At most 200 characters; blank: a name made from the target.
    #[schema(max_length = 200)]
    name: Option<String>,
    /// Required on create; on a change it must be the monitor's kind.
    kind: Option<MonitorKind>,
    /// At least --min-interval (30 s by default) for non-admins.
    #[schema(minimum = 1, maximum = 86_400)]
    interval_seconds: Option<i64>,
    #[schema(minimum = 100, maximum = 60_000)]
    timeout_ms: Option<i64>,
    /// Failed checks in a row before the monitor is down.
    #[schema(minimum = 1, maximum = 20)]
    confirmations: Option<i64>,
    /// Healthy checks in a row before it is up again.
    #[schema(minimum = 1, maximum = 20)]
    recoveries: Option<i64>,
    /// The caller's channels to notify.
    channel_ids: Option<Vec<Uuid>>,
    #[schema(schema_with = tags_schema)]
    tags: Option<Vec<String>>,
    paused: Option<bool>,
    http: Option<HttpRequest>,
    tcp: Option<TcpBody>,
    github_runners: Option<GithubRunnersRequest>,
    dns: Option<super::dns::DnsRequest>,
    tls: Option<TlsRequest>,
    domain: Option<DomainRequest>,
    icmp: Option<IcmpRequest>,
    heartbeat: Option<super::heartbeats::HeartbeatRequest>,
    /// Server-owned fields a client may echo back: accepted and ignored.
    #[schema(read_only, value_type = Option<String>, format = Uuid)]
    id: Option<serde_json::Value>,
    #[schema(read_only, value_type = Option<kinds::Status>)]
    status: Option<serde_json::Value>,
    #[schema(read_only, value_type = Option<String>, format = DateTime)]
    status_since: Option<serde_json::Value>,
    #[schema(read_only, value_type = Option<String>, format = DateTime)]
    last_checked_at: Option<serde_json::Value>,
}

/// An HTTP monitor's settings. On a change, a header value that is the
/// mask (`…abcd`) or empty keeps the stored value; `body` null removes it.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = HttpRequest)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct HttpRequest {
    /// http or https, at most 2048 characters. Required on create.
    #[schema(max_length = 2048, pattern = "^[hH][tT][tT][pP][sS]?://")]
    url: Option<String>,
    /// GET (default), HEAD, POST, PUT, PATCH, DELETE or OPTIONS.
    method: Option<String>,
    headers: Option<BTreeMap<String, String>>,
    body: Option<String>,
    /// Codes or inclusive ranges within 100-599, e.g. `200-399` (default), `204`.
    expected_status: Option<Vec<StatusRangeText>>,
    keyword: Option<String>,
    keyword_absent: Option<bool>,
    degraded_after_ms: Option<u32>,
    follow_redirects: Option<bool>,
    /// The whole list (at most 20): given, it replaces the stored one; `[]` removes them.
    #[schema(max_items = 20)]
    assertions: Option<Vec<super::assertions::AssertionRequest>>,
    /// `auto` (default: HTTP/2 where offered), `http1` or `http2`.
    http_version: Option<HttpVersionPref>,
    /// Go on past a certificate that does not verify; the page warns.
    accept_invalid_certs: Option<bool>,
    /// A DNS server of the monitor's own: `ip` or `ip:port` (53 by default); null: the system's.
    #[schema(max_length = 64)]
    resolver: Option<String>,
    /// An `http://[user:password@]host:port` proxy (it tunnels HTTPS with
    /// CONNECT); null removes it. The password is sealed and never shown: the
    /// proxy given back as shown (`http://user@host:port/`) keeps it.
    #[schema(max_length = 2048, pattern = "^[hH][tT][tT][pP]://")]
    proxy: Option<String>,
    /// Credentials that become (replace) the `Authorization` header, sealed like every header value.
    auth: Option<AuthRequest>,
    /// The certificate's days-left thresholds (HTTPS): each 1 to 365, at
    /// most five, no repeats; `[]` for none. Default `[14, 7, 1]`.
    #[schema(schema_with = expiry_days_schema)]
    cert_expiry_days: Option<Vec<i64>>,
    /// Notify when the site presents another certificate (default false).
    cert_notify_on_change: Option<bool>,
}

/// Basic (`username`, `password`) or bearer (`token`) credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct AuthRequest {
    #[serde(rename = "type")]
    kind: AuthTypeName,
    /// Basic only; without `:`.
    username: Option<String>,
    /// Basic only.
    password: Option<String>,
    /// Bearer only.
    token: Option<String>,
}

/// `basic` or `bearer`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum AuthTypeName {
    Basic,
    Bearer,
}

/// An HTTP status code or an inclusive range of them, e.g. `204`, `200-399`;
/// a reversed range is refused.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(value_type = String, pattern = r"^\s*[1-5][0-9]{2}\s*(?:-\s*[1-5][0-9]{2}\s*)?$")]
#[allow(dead_code)]
pub struct StatusRangeText(String);

/// A runner monitor's settings.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = GithubRunnersRequest)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct GithubRunnersRequest {
    /// The organisation or user; required on create.
    owner: Option<String>,
    /// Null or absent: the organisation's runners.
    repo: Option<String>,
    /// Required on create; on a change, absent or the mask keeps the stored one.
    token: Option<String>,
    /// GitHub Enterprise Server's API, e.g. `https://ghe.example.com/api/v3`.
    api_url: Option<String>,
}

/// A TLS monitor's settings.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = TlsRequest)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct TlsRequest {
    /// A host name or IP address; required on create.
    host: Option<String>,
    /// 443 when absent on create.
    #[schema(minimum = 1, maximum = 65_535)]
    port: Option<i64>,
    /// Days-left thresholds, each 1 to 365, at most five, no repeats; `[]`
    /// for none. Default `[14, 7, 1]`.
    #[schema(schema_with = expiry_days_schema)]
    expiry_days: Option<Vec<i64>>,
    /// Notify when the server presents another certificate (default true).
    notify_on_change: Option<bool>,
}

/// An ICMP monitor's settings.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = IcmpRequest)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct IcmpRequest {
    /// A host name or IP address; required on create.
    host: Option<String>,
    /// Echo requests per check (default 3).
    #[schema(minimum = 1, maximum = 10)]
    count: Option<i64>,
    /// Above this average round trip (ms) the monitor is degraded; null: never.
    #[schema(minimum = 1, maximum = 60_000)]
    degraded_after_ms: Option<i64>,
}

/// A domain monitor's settings.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = DomainRequest)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct DomainRequest {
    /// A registered domain name, e.g. `example.com`; required on create.
    name: Option<String>,
    /// Days-left thresholds, each 1 to 365, at most five, no repeats; `[]`
    /// for none. Default `[30, 7, 1]`.
    #[schema(schema_with = expiry_days_schema)]
    expiry_days: Option<Vec<i64>>,
    /// An RDAP server's base URL (http or https); null or empty: the IANA
    /// bootstrap file's server for the name's top-level domain.
    rdap_url: Option<String>,
}

/// `expiry_days`: distinct days, 1 to 365, at most five (utoipa's derive
/// has no `uniqueItems`).
fn expiry_days_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, SchemaType, Type};
    let day = ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Integer))
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Int64,
        )))
        .minimum(Some(1))
        .maximum(Some(365));
    ArrayBuilder::new()
        .items(day)
        .max_items(Some(5))
        .unique_items(true)
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .build()
}

/// `tags` in a request: at most 20 strings of 1 to 40 characters (the
/// bounds apply to the text as sent, before trimming).
pub(super) fn tags_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, SchemaType, Type};
    let tag = ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .min_length(Some(1))
        .max_length(Some(domain::monitors::tags::MAX_LEN));
    ArrayBuilder::new()
        .items(tag)
        .max_items(Some(domain::monitors::tags::MAX_TAGS))
        .description(Some(
            "Labels: trimmed, lowercased and merged when equal; letters, digits, spaces and \
             `- _ . : /` only. Replaces the current tags on a change.",
        ))
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .build()
}

/// The monitor in the path.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct MonitorId {
    /// The monitor's id.
    id: Uuid,
}

/// Monitors as the API shows them, heartbeat monitors with their ping URL,
/// next expected ping and last ping.
pub(super) async fn bodies(
    state: &AppState,
    views: Vec<MonitorView>,
) -> Result<Vec<MonitorBody>, ApiError> {
    let mut details = state.heartbeats.details(&views).await?;
    let base = state.config.public_url();
    Ok(views
        .into_iter()
        .map(|view| {
            let found = details.remove(&view.id);
            let mut body = MonitorBody::from(view);
            if let (Some(block), Some(found)) = (body.heartbeat.as_mut(), found) {
                block.fill(&base, found);
            }
            body
        })
        .collect())
}

/// One monitor: [`bodies`].
pub(super) async fn body(state: &AppState, view: MonitorView) -> Result<MonitorBody, ApiError> {
    bodies(state, vec![view])
        .await?
        .pop()
        .ok_or_else(|| ApiError::NotFound("monitor not found".into()))
}

fn parse_status(raw: Option<&str>) -> Result<Option<Status>, ApiError> {
    match raw {
        None | Some("") => Ok(None),
        Some(raw) => raw.parse().map(Some).map_err(|_| ApiError::Unprocessable {
            field: "status".into(),
            message: "status must be up, down, degraded, paused or unknown".into(),
        }),
    }
}

/// The caller's monitors, newest first.
#[utoipa::path(get, operation_id = "list_monitors", path = "/monitors", tag = "monitors", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = Envelope<MonitorList>),
              (status = 422, body = ErrorBody, description = "an unknown `status`")))]
pub async fn list(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Query(query): Query<ListQuery>,
) -> Result<Envelope<MonitorList>, ApiError> {
    let status = parse_status(query.status.as_deref())?;
    let kind = match query.kind.as_deref().map(str::parse::<MonitorKind>) {
        None => None,
        Some(Ok(kind)) => Some(kind),
        // Documented: another value matches nothing.
        Some(Err(_)) => {
            return Ok(Envelope::ok(MonitorList { monitors: Vec::new(), next_cursor: None }))
        }
    };
    let filter = MonitorFilter {
        status,
        kind,
        search: query.search,
        tag: query.tag,
        cursor: query.cursor,
        limit: query.limit.unwrap_or(100),
        all_users: query.all.unwrap_or(false),
    };
    let page = state.monitors.list(&caller, &filter).await?;
    Ok(Envelope::ok(MonitorList {
        monitors: bodies(&state, page.monitors).await?,
        next_cursor: page.next_cursor,
    }))
}

/// Creates a monitor.
#[utoipa::path(post, operation_id = "create_monitor", path = "/monitors", tag = "monitors", request_body = MonitorRequest, security(("bearer" = [])),
    responses((status = 201, body = Envelope<MonitorBody>),
              (status = 403, body = ErrorBody, description = "`quota_exceeded`: the user owns --max-monitors-per-user already"),
              (status = 404, body = ErrorBody, description = "a channel in `channel_ids` that is not the caller's"),
              (status = 422, body = ErrorBody, description = "a value out of range, e.g. `interval_seconds` below --min-interval for a non-admin, or a block that does not match `kind`")))]
pub async fn create(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Json(input): Json<MonitorInput>,
) -> Result<Envelope<MonitorBody>, ApiError> {
    let view = state.monitors.create(&caller, input).await?;
    Ok(Envelope::created(body(&state, view).await?))
}

/// One monitor.
#[utoipa::path(get, operation_id = "get_monitor", path = "/monitors/{id}", tag = "monitors", params(MonitorId), security(("bearer" = [])),
    responses((status = 200, body = Envelope<MonitorBody>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<MonitorBody>, ApiError> {
    Ok(Envelope::ok(body(&state, state.monitors.get(&caller, id).await?).await?))
}

/// Changes a monitor; absent fields stay as they are.
#[utoipa::path(patch, operation_id = "update_monitor", path = "/monitors/{id}", tag = "monitors", params(MonitorId), request_body = MonitorRequest, security(("bearer" = [])),
    responses((status = 200, body = Envelope<MonitorBody>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody, description = "a value out of range, e.g. `interval_seconds` below --min-interval for a non-admin")))]
pub async fn update(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
    Json(patch): Json<MonitorInput>,
) -> Result<Envelope<MonitorBody>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Write).await?;
    Ok(Envelope::ok(body(&state, state.monitors.update(monitor, patch).await?).await?))
}

/// Deletes a monitor and its history.
#[utoipa::path(delete, operation_id = "delete_monitor", path = "/monitors/{id}", tag = "monitors", params(MonitorId), security(("bearer" = [])),
    responses((status = 200, body = Envelope<NoData>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<NoData>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Write).await?;
    state.monitors.delete(monitor).await?;
    Ok(Envelope::ok(NoData).with_message("monitor deleted"))
}

/// Stops checking a monitor.
#[utoipa::path(post, path = "/monitors/{id}/pause", tag = "monitors", params(MonitorId), security(("bearer" = [])),
    responses((status = 200, body = Envelope<MonitorBody>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn pause(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<MonitorBody>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Write).await?;
    let patch = MonitorInput { paused: Some(true), ..Default::default() };
    Ok(Envelope::ok(body(&state, state.monitors.update(monitor, patch).await?).await?))
}

/// Starts checking a paused monitor again, at once.
#[utoipa::path(post, path = "/monitors/{id}/resume", tag = "monitors", params(MonitorId), security(("bearer" = [])),
    responses((status = 200, body = Envelope<MonitorBody>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn resume(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<MonitorBody>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Write).await?;
    let patch = MonitorInput { paused: Some(false), ..Default::default() };
    Ok(Envelope::ok(body(&state, state.monitors.update(monitor, patch).await?).await?))
}
