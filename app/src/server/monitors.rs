//! Monitors for pages: the dashboard rows, one monitor's page, the form
//! (parsing its text fields into a `MonitorInput`), pause and delete.

use chrono::{DateTime, Duration, Utc};
use domain::channels::ChannelScope;
use domain::heartbeats::schedule::HeartbeatInput;
use domain::history::{self, summary};
use domain::monitors::input::{default_interval, CONFIRMATIONS, RECOVERIES, TIMEOUT_MS};
use domain::monitors::spec::default_expected;
use domain::monitors::{
    GithubRunnersInput, HttpInput, IcmpInput, MonitorFilter, MonitorInput, MonitorKind,
    MonitorView, Read, Status, StatusRange, TcpSpec, Write,
};
use domain::registrations::{default_thresholds, DomainInput};
use domain::tls::TlsInput;
use domain::DatabaseConnection;
use kinds::HttpMethod;
use uuid::Uuid;

use super::convert;
use super::errors::{internal, label};
use super::{channel_service, database, monitor_service, parse_id, signed_in};
use crate::dto::{
    ChannelOption, DashboardData, MonitorDetail, MonitorForm, MonitorFormData, MonitorRow, Uptime,
};
use crate::error::AppError;

/// Response times shown in a dashboard sparkline.
const SPARKLINE_POINTS: u32 = 30;
/// Monitors on one dashboard.
const DASHBOARD_LIMIT: u64 = 500;
/// Incidents and notifications on a monitor's page.
const HISTORY_LIMIT: u64 = 20;

/// The caller's monitors (filtered) with counts over all of them.
pub async fn dashboard(
    status: String,
    search: String,
    tag: String,
) -> Result<DashboardData, AppError> {
    let caller = signed_in()?;
    let db = database()?;
    let filter = MonitorFilter {
        status: parse_status(&status)?,
        search: Some(search).filter(|s| !s.trim().is_empty()),
        tag: Some(tag).filter(|t| !t.trim().is_empty()),
        limit: DASHBOARD_LIMIT,
        ..Default::default()
    };
    let page = monitor_service()?.list(&caller, &filter).await?;
    let counts = summary::status_counts(&db, &caller, false)
        .await
        .map_err(|e| internal("status counts", e))?;
    Ok(DashboardData { monitors: rows(&db, &page.monitors, Utc::now()).await?, counts })
}

/// Dashboard rows of `views`, with 24-hour uptime and sparklines (one query
/// each for all of them).
pub async fn rows(
    db: &DatabaseConnection,
    views: &[MonitorView],
    now: DateTime<Utc>,
) -> Result<Vec<MonitorRow>, AppError> {
    let ids: Vec<Uuid> = views.iter().map(|v| v.id).collect();
    let since = now - Duration::hours(24);
    let uptime = summary::uptime(db, &ids, since).await.map_err(|e| internal("uptime", e))?;
    let mut sparks = summary::recent_latencies(db, &ids, SPARKLINE_POINTS, since)
        .await
        .map_err(|e| internal("recent latencies", e))?;
    Ok(views
        .iter()
        .map(|v| {
            let up = uptime.get(&v.id).and_then(|u| u.percent());
            convert::monitor_row(v, up, sparks.remove(&v.id).unwrap_or_default(), now)
        })
        .collect())
}

fn parse_status(raw: &str) -> Result<Option<Status>, AppError> {
    match raw.trim() {
        "" | "all" => Ok(None),
        "unknown" => Ok(Some(Status::Unknown)),
        other => other.parse().map(Some).map_err(|_| {
            AppError::invalid("status", "status must be up, down, degraded, paused or unknown")
        }),
    }
}

/// One monitor's page: state, uptime windows, incidents, notifications.
pub async fn detail(id: String) -> Result<MonitorDetail, AppError> {
    let caller = signed_in()?;
    let id = parse_id(&id, "monitor")?;
    let monitor = monitor_service()?.authorize(&caller, id, Read).await?;
    let now = Utc::now();
    let mut uptime = Vec::new();
    for (label, length) in
        [("24 h", Duration::hours(24)), ("7 d", Duration::days(7)), ("30 d", Duration::days(30))]
    {
        let u =
            summary::uptime_of(&monitor, now - length).await.map_err(|e| internal("uptime", e))?;
        uptime.push(Uptime { label: label.into(), percent: u.percent(), checks: u.checks });
    }
    let incidents = history::incidents::of_monitor(&monitor, None, None, HISTORY_LIMIT)
        .await
        .map_err(|e| internal("incidents", e))?
        .incidents;
    let ids: Vec<Uuid> = incidents.iter().map(|i| i.id).collect();
    let mut timelines = history::incidents::timelines(&monitor, &ids)
        .await
        .map_err(|e| internal("incident timelines", e))?;
    let notifications = history::checks::notifications(&monitor, HISTORY_LIMIT)
        .await
        .map_err(|e| internal("notifications", e))?;
    let view = monitor.view();
    let mut row = rows(&database()?, std::slice::from_ref(view), now)
        .await?
        .pop()
        .ok_or_else(AppError::internal)?;
    row.uptime_24h = uptime.first().and_then(|u| u.percent);
    let runners = match view.github_runners {
        Some(_) => Some(super::runners::runners(&monitor, now).await?),
        None => None,
    };
    let dns = match &view.dns {
        Some(spec) => Some(super::dns::answers(&monitor, spec, now).await?),
        None => None,
    };
    let certificate = domain::tls::certificate(&monitor, now)
        .await
        .map_err(|e| internal("certificate", e))?
        .map(|seen| convert::certificate(seen, now));
    let registration = domain::registrations::registration(&monitor, now)
        .await
        .map_err(|e| internal("registration", e))?
        .map(|seen| convert::registration(seen, now));
    let heartbeat = match view.heartbeat {
        Some(_) => Some(super::heartbeats::heartbeat(&monitor, now).await?),
        None => None,
    };
    Ok(MonitorDetail {
        row,
        paused: view.paused,
        every: domain::text::duration(i64::from(view.interval_seconds)),
        timeout_ms: view.timeout_ms,
        confirmations: view.confirmations,
        recoveries: view.recoveries,
        last_error: view.last_error.clone(),
        uptime,
        incidents: incidents
            .into_iter()
            .map(|i| {
                let timeline = timelines.remove(&i.id).unwrap_or_default();
                convert::incident(i, timeline, now)
            })
            .collect(),
        notifications: notifications.into_iter().map(|n| convert::notification(n, now)).collect(),
        runners,
        dns,
        certificate,
        registration,
        heartbeat,
        assertions: view
            .http
            .as_ref()
            .map(|h| convert::assertion_rows(&h.assertions))
            .unwrap_or_default(),
        warnings: view
            .http
            .as_ref()
            .filter(|h| h.accept_invalid_certs)
            .map(|_| {
                "Invalid certificates are accepted: the checks do not verify who answers."
                    .to_owned()
            })
            .into_iter()
            .collect(),
    })
}

/// The form's values (defaults for a new monitor) and the caller's channels.
pub async fn form_data(id: String) -> Result<MonitorFormData, AppError> {
    let caller = signed_in()?;
    let channels = channel_service()?
        .list(&caller, ChannelScope::Own)
        .await?
        .into_iter()
        .map(|c| ChannelOption { id: c.id.to_string(), name: c.name, kind: c.kind })
        .collect();
    let form = if id.trim().is_empty() {
        new_form()
    } else {
        let monitor =
            monitor_service()?.authorize(&caller, parse_id(&id, "monitor")?, Read).await?;
        form_of(monitor.view())
    };
    Ok(MonitorFormData { form, channels, interval_hint: interval_hint() })
}

/// A new monitor's form: the domain's defaults, as text.
fn new_form() -> MonitorForm {
    let mut form = MonitorForm {
        kind: MonitorKind::Http.as_str().to_owned(),
        method: HttpMethod::default().as_str().to_owned(),
        expected_status: ranges_text(&default_expected()),
        // Empty: the kind's default (see `interval_hint`).
        interval_seconds: String::new(),
        timeout_ms: TIMEOUT_MS.2.to_string(),
        confirmations: CONFIRMATIONS.2.to_string(),
        recoveries: RECOVERIES.2.to_string(),
        expiry_days: days_text(domain::tls::ExpiryThresholds::default().days()),
        domain_expiry_days: days_text(default_thresholds().days()),
        icmp_count: domain::monitors::icmp::COUNT.2.to_string(),
        http_version: kinds::HttpVersionPref::default().as_str().to_owned(),
        ..Default::default()
    };
    super::dns::fill_form(&mut form, None);
    form
}

/// What an empty interval means, from the domain's defaults per kind.
fn interval_hint() -> String {
    let [http, runners, tls] =
        [MonitorKind::Http, MonitorKind::GithubRunners, MonitorKind::Tls].map(default_interval);
    format!(
        "Empty: {http} ({}), {runners} ({}) for GitHub runners, {tls} ({}) for TLS and domains.",
        domain::text::duration(http),
        domain::text::duration(runners),
        domain::text::duration(tls)
    )
}

/// `200-299, 301`.
fn ranges_text(ranges: &[StatusRange]) -> String {
    ranges.iter().map(|r| String::from(*r)).collect::<Vec<_>>().join(", ")
}

fn form_of(view: &MonitorView) -> MonitorForm {
    let http = view.http.as_ref();
    let tcp = view.tcp.as_ref();
    let tls = view.tls.as_ref();
    let domain = view.domain.as_ref();
    let icmp = view.icmp.as_ref();
    let github = view.github_runners.as_ref();
    let heartbeat = view.heartbeat.clone().map(HeartbeatInput::from);
    let heartbeat = heartbeat.as_ref();
    let text = |get: fn(&domain::monitors::GithubRunnersView) -> &str| {
        github.map(|g| get(g).to_owned()).unwrap_or_default()
    };
    let blank = new_form();
    let mut form = MonitorForm {
        id: view.id.to_string(),
        kind: view.kind.as_str().to_owned(),
        name: view.name.clone(),
        url: http.map(|h| h.url.to_string()).unwrap_or_default(),
        method: http.map_or(blank.method, |h| h.method.as_str().to_owned()),
        expected_status: http.map_or(blank.expected_status, |h| ranges_text(&h.expected_status)),
        keyword: http.and_then(|h| h.keyword.clone()).unwrap_or_default(),
        headers: http
            .map(|h| h.headers.iter().map(|(name, value)| format!("{name}: {value}")).collect())
            .unwrap_or_default(),
        body_hint: http.and_then(|h| h.body.clone()).unwrap_or_default(),
        http_version: http.map_or(blank.http_version, |h| h.http_version.as_str().to_owned()),
        accept_invalid_certs: http
            .filter(|h| h.accept_invalid_certs)
            .map(|_| "true".to_owned())
            .unwrap_or_default(),
        resolver: http.and_then(|h| h.resolver).map(|r| r.to_string()).unwrap_or_default(),
        proxy: http.and_then(|h| h.proxy.clone()).map(String::from).unwrap_or_default(),
        host: tcp
            .map(|t| t.host.clone())
            .or_else(|| tls.map(|t| t.host.clone()))
            .or_else(|| icmp.map(|i| i.host.clone()))
            .unwrap_or_default(),
        icmp_count: icmp.map_or(blank.icmp_count, |i| i.count.to_string()),
        port: tcp
            .map(|t| t.port)
            .or_else(|| tls.map(|t| t.port))
            .map(|p| p.to_string())
            .unwrap_or_default(),
        expiry_days: tls
            .map(|t| days_text(t.expiry_days.days()))
            .or_else(|| http.map(|h| days_text(h.cert_expiry_days.days())))
            .unwrap_or(blank.expiry_days),
        notify_on_change: tls
            .map(|t| t.notify_on_change)
            .or_else(|| http.map(|h| h.cert_notify_on_change))
            .map(|on| on.to_string())
            .unwrap_or_default(),
        certificate_custom: http.is_some_and(|h| {
            h.cert_notify_on_change
                || h.cert_expiry_days != domain::tls::ExpiryThresholds::default()
        }),
        domain_name: domain.map(|d| d.name.clone()).unwrap_or_default(),
        domain_expiry_days: domain
            .map_or(blank.domain_expiry_days, |d| days_text(d.expiry_days.days())),
        rdap_url: domain
            .and_then(|d| d.rdap_url.as_ref())
            .map(ToString::to_string)
            .unwrap_or_default(),
        github_owner: text(|g| &g.owner),
        github_repo: text(|g| g.repo.as_deref().unwrap_or_default()),
        github_token: String::new(),
        github_api_url: text(|g| &g.api_url),
        github_token_hint: text(|g| &g.token),
        heartbeat_every: heartbeat.and_then(|h| h.every).map(|v| v.to_string()).unwrap_or_default(),
        heartbeat_schedule: heartbeat.and_then(|h| h.schedule.clone()).unwrap_or_default(),
        heartbeat_tz: heartbeat.and_then(|h| h.tz.clone()).unwrap_or_default(),
        heartbeat_grace: heartbeat.and_then(|h| h.grace).map(|v| v.to_string()).unwrap_or_default(),
        heartbeat_max_runtime: heartbeat
            .and_then(|h| h.max_runtime)
            .map(|v| v.to_string())
            .unwrap_or_default(),
        heartbeat_min_runtime: heartbeat
            .and_then(|h| h.min_runtime)
            .map(|v| v.to_string())
            .unwrap_or_default(),
        interval_seconds: view.interval_seconds.to_string(),
        timeout_ms: view.timeout_ms.to_string(),
        confirmations: view.confirmations.to_string(),
        recoveries: view.recoveries.to_string(),
        channel_ids: view.channel_ids.iter().map(Uuid::to_string).collect(),
        tags: view.tags.join(", "),
        assertions: http.map(|h| convert::assertion_rows(&h.assertions)).unwrap_or_default(),
        ..Default::default()
    };
    super::dns::fill_form(&mut form, view.dns.as_ref());
    form
}

/// Creates a monitor from the form, or changes one; returns its id.
pub async fn save(form: MonitorForm) -> Result<String, AppError> {
    let caller = signed_in()?;
    let service = monitor_service()?;
    let view = if form.id.trim().is_empty() {
        service.create(&caller, input_of(&form, None)?).await?
    } else {
        let current = service.authorize(&caller, parse_id(&form.id, "monitor")?, Write).await?;
        let input = input_of(&form, Some(current.view()))?;
        service.update(current, input).await?
    };
    Ok(view.id.to_string())
}

/// The form's text as a monitor input; an edit keeps what the form does
/// not show (headers, body, redirects…).
fn input_of(form: &MonitorForm, current: Option<&MonitorView>) -> Result<MonitorInput, AppError> {
    let kind = match current {
        Some(view) => view.kind,
        None => form.kind.trim().parse().map_err(|_| {
            invalid(
                "kind",
                "Kind must be HTTP, TCP, GitHub runners, TLS, domain, ping, heartbeat or DNS",
            )
        })?,
    };
    let mut input = MonitorInput {
        name: Some(form.name.clone()),
        kind: Some(kind.as_str().to_owned()),
        interval_seconds: number("interval_seconds", &form.interval_seconds)?,
        timeout_ms: number("timeout_ms", &form.timeout_ms)?,
        confirmations: number("confirmations", &form.confirmations)?,
        recoveries: number("recoveries", &form.recoveries)?,
        channel_ids: Some(
            form.channel_ids
                .iter()
                .map(|raw| {
                    raw.parse().map_err(|_| invalid("channel_ids", "Channels: unknown channel"))
                })
                .collect::<Result<_, _>>()?,
        ),
        tags: Some(domain::monitors::tags::split(&form.tags)),
        ..Default::default()
    };
    match kind {
        MonitorKind::Http => {
            // Headers, body and the rest are absent: an edit keeps them.
            let method = match form.method.trim() {
                "" => HttpMethod::default().as_str(),
                given => given,
            };
            let keyword = Some(form.keyword.clone()).filter(|k| !k.is_empty());
            let absent = current.and_then(|v| v.http.as_ref()).is_some_and(|h| h.keyword_absent);
            input.http = Some(HttpInput {
                url: Some(form.url.trim().to_owned()),
                method: Some(method.to_owned()),
                expected_status: Some(status_ranges(&form.expected_status)?),
                keyword_absent: Some(absent && keyword.is_some()),
                keyword: Some(keyword),
                assertions: Some(convert::assertion_inputs(&form.assertions)),
                http_version: Some(form.http_version.clone()).filter(|v| !v.trim().is_empty()),
                accept_invalid_certs: Some(form.accept_invalid_certs == "true"),
                resolver: Some(Some(form.resolver.trim().to_owned()).filter(|r| !r.is_empty())),
                proxy: Some(Some(form.proxy.trim().to_owned()).filter(|p| !p.is_empty())),
                cert_expiry_days: Some(days_list("expiry_days", &form.expiry_days)?),
                cert_notify_on_change: Some(form.notify_on_change == "true"),
                ..Default::default()
            });
        }
        MonitorKind::Tcp => {
            let port = form
                .port
                .trim()
                .parse()
                .map_err(|_| invalid("port", "Port must be a number from 1 to 65535"))?;
            input.tcp = Some(TcpSpec { host: form.host.trim().to_owned(), port });
        }
        MonitorKind::GithubRunners => input.github_runners = Some(github_input(form)),
        MonitorKind::Tls => input.tls = Some(tls_input(form)?),
        MonitorKind::Domain => input.domain = Some(domain_input(form)?),
        MonitorKind::Icmp => {
            input.icmp = Some(IcmpInput {
                host: Some(form.host.trim().to_owned()),
                count: number("icmp_count", &form.icmp_count)?,
                degraded_after_ms: None,
            });
        }
        MonitorKind::Heartbeat => input.heartbeat = Some(heartbeat_input(form)?),
        MonitorKind::Dns => {
            input.dns = Some(super::dns::input_of(form, current.and_then(|v| v.dns.as_ref())));
        }
    }
    Ok(input)
}

/// The TLS fields as the API's input: an empty port is 443.
fn tls_input(form: &MonitorForm) -> Result<TlsInput, AppError> {
    let port = match form.port.trim() {
        "" => None,
        raw => Some(
            raw.parse().map_err(|_| invalid("port", "Port must be a number from 1 to 65535"))?,
        ),
    };
    Ok(TlsInput {
        host: Some(form.host.trim().to_owned()),
        port,
        expiry_days: Some(days_list("expiry_days", &form.expiry_days)?),
        notify_on_change: Some(form.notify_on_change == "true"),
    })
}

/// The domain fields as the API's input: an empty RDAP server means the
/// bootstrap file's.
fn domain_input(form: &MonitorForm) -> Result<DomainInput, AppError> {
    Ok(DomainInput {
        name: Some(form.domain_name.trim().to_owned()),
        expiry_days: Some(days_list("domain_expiry_days", &form.domain_expiry_days)?),
        rdap_url: Some(Some(form.rdap_url.trim().to_owned()).filter(|u| !u.is_empty())),
    })
}

/// `14, 7, 1` as numbers.
fn days_list(field: &str, raw: &str) -> Result<Vec<i64>, AppError> {
    raw.split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            d.parse().map_err(|_| invalid(field, "Warn at days left: whole numbers, e.g. 14, 7, 1"))
        })
        .collect()
}

/// `14, 7, 1`.
fn days_text(days: &[u32]) -> String {
    days.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

/// The heartbeat fields as the API's input; an empty field is absent (an
/// edit keeps it; a new monitor gets the default).
fn heartbeat_input(form: &MonitorForm) -> Result<HeartbeatInput, AppError> {
    let given = |raw: &str| Some(raw.trim().to_owned()).filter(|v| !v.is_empty());
    let secs = |field: &str, raw: &str| -> Result<Option<u64>, AppError> {
        number(field, raw)?
            .map(|n| u64::try_from(n).map_err(|_| invalid(field, "must not be negative")))
            .transpose()
    };
    Ok(HeartbeatInput {
        every: secs("heartbeat_every", &form.heartbeat_every)?,
        schedule: given(&form.heartbeat_schedule),
        tz: given(&form.heartbeat_tz),
        grace: secs("heartbeat_grace", &form.heartbeat_grace)?,
        max_runtime: secs("heartbeat_max_runtime", &form.heartbeat_max_runtime)?,
        min_runtime: secs("heartbeat_min_runtime", &form.heartbeat_min_runtime)?,
    })
}

/// The runner fields as the API's input: an empty token keeps the stored
/// one, an empty repository means the organisation's runners.
fn github_input(form: &MonitorForm) -> GithubRunnersInput {
    let given = |raw: &str| Some(raw.trim().to_owned()).filter(|v| !v.is_empty());
    GithubRunnersInput {
        owner: given(&form.github_owner),
        repo: Some(given(&form.github_repo)),
        token: given(&form.github_token),
        api_url: given(&form.github_api_url),
    }
}

fn status_ranges(raw: &str) -> Result<Vec<StatusRange>, AppError> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| StatusRange::try_from(s.to_owned()).map_err(|e| invalid("expected_status", &e)))
        .collect()
}

fn number(field: &str, raw: &str) -> Result<Option<i64>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse()
        .map(Some)
        .map_err(|_| invalid(field, &format!("{} must be a whole number", label(field))))
}

fn invalid(field: &str, message: &str) -> AppError {
    AppError::invalid(field, message)
}

/// Pauses or resumes a monitor; returns whether it is paused.
pub async fn set_paused(id: String, paused: bool) -> Result<bool, AppError> {
    let caller = signed_in()?;
    let service = monitor_service()?;
    let monitor = service.authorize(&caller, parse_id(&id, "monitor")?, Write).await?;
    let input = MonitorInput { paused: Some(paused), ..Default::default() };
    let view = service.update(monitor, input).await?;
    Ok(view.paused)
}

/// Deletes a monitor with its history.
pub async fn delete(id: String) -> Result<(), AppError> {
    let caller = signed_in()?;
    let service = monitor_service()?;
    let monitor = service.authorize(&caller, parse_id(&id, "monitor")?, Write).await?;
    service.delete(monitor).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use domain::monitors::{HttpInput, MonitorSettings};

    use super::*;

    fn from_form(form: MonitorForm) -> MonitorSettings {
        input_of(&form, None).unwrap().into_settings().unwrap()
    }

    /// A new monitor's form submitted with only its target filled in makes
    /// the same monitor as the API given only the target: the form starts
    /// from the domain's defaults, not from its own copy of them.
    #[test]
    fn the_new_form_starts_from_the_domains_defaults() {
        let url = "https://example.com/health";
        let http = from_form(MonitorForm { url: url.into(), ..new_form() });
        let api = MonitorInput {
            kind: Some("http".into()),
            http: Some(HttpInput { url: Some(url.into()), ..Default::default() }),
            ..Default::default()
        };
        assert_eq!(http, api.into_settings().unwrap());

        let github = MonitorForm {
            kind: "github_runners".into(),
            github_owner: "acme".into(),
            github_token: "ghp_token0123456789".into(),
            ..new_form()
        };
        let api = MonitorInput {
            kind: Some("github_runners".into()),
            github_runners: Some(GithubRunnersInput {
                owner: Some("acme".into()),
                token: Some("ghp_token0123456789".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(from_form(github), api.into_settings().unwrap());
    }

    #[test]
    fn the_interval_hint_names_the_domains_default_per_kind() {
        assert_eq!(
            interval_hint(),
            "Empty: 60 (1m), 300 (5m) for GitHub runners, 86400 (1d) for TLS and domains."
        );
        assert_eq!(new_form().interval_seconds, "", "empty: the kind's default");
    }
}
