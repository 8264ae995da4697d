//! Custom domains (decision 126): a page may name hostnames; a request whose
//! `Host` is one of them is served that page at `/`. A [`Hostname`] is
//! parsed once, in the form a `Host` header is compared in; the owner
//! replaces a page's list as a whole; the [`HostMap`] answers "which page is
//! this host?" from memory, reading the table again at most every
//! [`HOSTS_TTL`] (and at once in the process that changed it).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;

use super::service::{PageRef, StatusPageService};
use super::PageError;
use crate::clock::Clock;
use crate::entities::{status_page_domains as domains, status_pages as pages};
use crate::monitors::{Access, Write};

/// The most hostnames a page may have.
pub const MAX_DOMAINS: usize = 10;
/// How stale the map of hosts may be in a process that did not make the change.
pub const HOSTS_TTL: Duration = Duration::seconds(10);

/// A DNS name a page is served at: lower case, no trailing dot, no port, at
/// least two labels, not an IP address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Hostname(String);

impl Hostname {
    /// Checks `raw`; errors name `field`.
    pub fn parse(raw: &str, field: &str) -> Result<Self, PageError> {
        let invalid = |message: &str| PageError::invalid(field, message);
        let name = raw.trim().trim_end_matches('.').to_ascii_lowercase();
        if name.parse::<IpAddr>().is_ok() {
            return Err(invalid("must be a DNS name, not an IP address"));
        }
        if name.is_empty() || name.len() > 253 {
            return Err(invalid("must be 1 to 253 characters"));
        }
        let labels: Vec<&str> = name.split('.').collect();
        if labels.len() < 2 {
            return Err(invalid("must be a full domain name such as status.example.com"));
        }
        let label_ok = |l: &&str| {
            (1..=63).contains(&l.len())
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        if !labels.iter().all(label_ok) {
            return Err(invalid(
                "each part must be 1 to 63 letters, digits or '-' (IDNs in punycode: xn--…)",
            ));
        }
        Ok(Self(name))
    }

    /// A request's `Host` header value in the same form (port dropped), if
    /// it can be one.
    pub fn of_header(value: &str) -> Option<String> {
        let host = match value.rsplit_once(':') {
            // `[::1]:80` and `::1` are addresses: never a page's domain.
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => value,
        };
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        (!host.is_empty() && !host.contains(['[', ':'])).then_some(host)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Hostname → slug, as read at a time.
type Snapshot = (DateTime<Utc>, Arc<HashMap<String, String>>);

/// Hostname → slug, for the request router; cheap to share.
pub struct HostMap {
    clock: Clock,
    read: RwLock<Option<Snapshot>>,
    loading: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for HostMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostMap").finish_non_exhaustive()
    }
}

impl HostMap {
    /// An empty map, read on first use, timed by `clock`.
    pub fn new(clock: Clock) -> Self {
        Self { clock, read: RwLock::new(None), loading: tokio::sync::Mutex::new(()) }
    }

    /// The slug of the page served at `host`, if any.
    pub async fn slug_for(
        &self,
        db: &DatabaseConnection,
        host: &str,
    ) -> Result<Option<String>, DbErr> {
        if let Some(map) = self.fresh() {
            return Ok(map.get(host).cloned());
        }
        // One reader at a time; the others find its result when they get in.
        let _loading = self.loading.lock().await;
        if let Some(map) = self.fresh() {
            return Ok(map.get(host).cloned());
        }
        let map = Arc::new(load(db).await?);
        if let Ok(mut slot) = self.read.write() {
            *slot = Some((self.clock.now(), map.clone()));
        }
        Ok(map.get(host).cloned())
    }

    /// Drops what was read, so the next request reads the table again.
    pub fn forget(&self) {
        if let Ok(mut slot) = self.read.write() {
            *slot = None;
        }
    }

    fn fresh(&self) -> Option<Arc<HashMap<String, String>>> {
        let now = self.clock.now();
        let slot = self.read.read().ok()?;
        let (at, map) = slot.as_ref()?;
        (now - *at < HOSTS_TTL && now >= *at).then(|| map.clone())
    }
}

async fn load(db: &DatabaseConnection) -> Result<HashMap<String, String>, DbErr> {
    let rows = domains::Entity::find().all(db).await?;
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    let slugs: HashMap<Uuid, String> = pages::Entity::find()
        .filter(pages::Column::Id.is_in(rows.iter().map(|r| r.page_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.slug))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|r| slugs.get(&r.page_id).map(|slug| (r.hostname, slug.clone())))
        .collect())
}

impl StatusPageService {
    /// A page's hostnames, sorted.
    pub async fn domains(&self, page: &PageRef<impl Access>) -> Result<Vec<String>, PageError> {
        Ok(domains::Entity::find()
            .filter(domains::Column::PageId.eq(page.view().id))
            .order_by_asc(domains::Column::Hostname)
            .all(self.db())
            .await?
            .into_iter()
            .map(|d| d.hostname)
            .collect())
    }

    /// Replaces a page's hostnames with `list`. `own_host` (the
    /// installation's own) and a host another page has are refused.
    pub async fn replace_domains(
        &self,
        page: &PageRef<Write>,
        list: Vec<String>,
        own_host: Option<&str>,
    ) -> Result<Vec<String>, PageError> {
        if list.len() > MAX_DOMAINS {
            return Err(PageError::invalid(
                "custom_domains",
                format!("at most {MAX_DOMAINS} domains"),
            ));
        }
        let mut names: Vec<Hostname> = Vec::with_capacity(list.len());
        for (i, raw) in list.iter().enumerate() {
            let name = Hostname::parse(raw, &format!("custom_domains[{i}]"))?;
            if Some(name.as_str()) == own_host {
                return Err(PageError::invalid(
                    format!("custom_domains[{i}]"),
                    "is this installation's own address",
                ));
            }
            if !names.contains(&name) {
                names.push(name);
            }
        }
        let page_id = page.view().id;
        let txn = self.db().begin().await?;
        let held = domains::Entity::find()
            .filter(domains::Column::Hostname.is_in(names.iter().map(|n| n.as_str().to_owned())))
            .filter(domains::Column::PageId.ne(page_id))
            .one(&txn)
            .await?;
        if let Some(other) = held {
            return Err(PageError::DomainTaken(other.hostname));
        }
        domains::Entity::delete_many()
            .filter(domains::Column::PageId.eq(page_id))
            .exec(&txn)
            .await?;
        let now = Utc::now();
        for name in &names {
            let row = domains::ActiveModel {
                hostname: Set(name.as_str().to_owned()),
                page_id: Set(page_id),
                created_at: Set(now),
            };
            // Two owners claiming one host at once: the key refuses the second.
            domains::Entity::insert(row).exec(&txn).await.map_err(|err| match err.sql_err() {
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                    PageError::DomainTaken(name.as_str().to_owned())
                }
                _ => PageError::Database(err),
            })?;
        }
        txn.commit().await?;
        self.hosts().forget();
        self.domains(page).await
    }

    /// The slug of the page whose custom domain `host` is (a `Host` header
    /// in [`Hostname::of_header`] form).
    pub async fn slug_for_host(&self, host: &str) -> Result<Option<String>, PageError> {
        Ok(self.hosts().slug_for(self.db(), host).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostnames_are_full_dns_names_in_lower_case() {
        let ok = |raw: &str| Hostname::parse(raw, "d").map(|h| h.as_str().to_owned());
        assert_eq!(ok("Status.Example.COM.").unwrap(), "status.example.com");
        assert_eq!(ok("xn--bcher-kva.example").unwrap(), "xn--bcher-kva.example");
        for bad in ["localhost", "192.0.2.1", "::1", "a..b", "-a.example", "a_b.example", ""] {
            assert!(ok(bad).is_err(), "{bad} was accepted");
        }
        assert!(ok(&format!("{}.example", "a".repeat(64))).is_err());
    }

    #[test]
    fn a_host_header_loses_its_port_and_case_and_addresses_are_none() {
        assert_eq!(
            Hostname::of_header("Status.Example.com:8443").as_deref(),
            Some("status.example.com")
        );
        assert_eq!(
            Hostname::of_header("status.example.com").as_deref(),
            Some("status.example.com")
        );
        assert_eq!(Hostname::of_header("[::1]:3000"), None);
        assert_eq!(Hostname::of_header("::1"), None);
    }
}
