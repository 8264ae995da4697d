//! Reading RDAP, pure: which server serves a name (the IANA bootstrap file,
//! RFC 9224) and what a domain answer says (RFC 9083): the expiration event,
//! the registrar, the statuses, the name servers. Every text kept came from a
//! remote server, so each is bounded ([`crate::text::remote`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::text;

/// The most statuses and name servers kept; registries send a handful.
const LIST_KEPT: usize = 20;

/// What a registry says about a domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// The name as the registry spells it.
    pub name: String,
    /// The `expiration` event; some registries publish none.
    pub expires_at: Option<DateTime<Utc>>,
    /// The `registration` event.
    pub registered_at: Option<DateTime<Utc>>,
    /// The registrar's name (its entity's vCard `fn`).
    pub registrar: Option<String>,
    /// EPP statuses as RDAP words, e.g. `client transfer prohibited`.
    pub statuses: Vec<String>,
    pub nameservers: Vec<String>,
}

/// Why an answer could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RdapError {
    #[error("the RDAP answer is not JSON: {0}")]
    NotJson(String),
    #[error("the RDAP answer is not a domain (objectClassName {0:?})")]
    NotADomain(String),
    #[error("the bootstrap file lists no RDAP server for .{0}")]
    NoServer(String),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    #[serde(default)]
    object_class_name: String,
    #[serde(default)]
    ldh_name: Option<String>,
    #[serde(default)]
    events: Vec<Event>,
    #[serde(default)]
    status: Vec<String>,
    #[serde(default)]
    entities: Vec<Entity>,
    #[serde(default)]
    nameservers: Vec<Nameserver>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Event {
    event_action: String,
    event_date: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entity {
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    vcard_array: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Nameserver {
    #[serde(default)]
    ldh_name: Option<String>,
}

impl Registration {
    /// Reads an RDAP domain answer.
    pub fn from_json(body: &[u8]) -> Result<Self, RdapError> {
        let answer: Answer = serde_json::from_slice(body)
            .map_err(|e| RdapError::NotJson(text::remote(&e.to_string())))?;
        if answer.object_class_name != "domain" {
            return Err(RdapError::NotADomain(text::remote(&answer.object_class_name)));
        }
        let event = |action: &str| {
            answer
                .events
                .iter()
                .filter(|e| e.event_action.eq_ignore_ascii_case(action))
                .filter_map(|e| DateTime::parse_from_rfc3339(&e.event_date).ok())
                .map(|at| at.to_utc())
                .max()
        };
        let registrar = answer
            .entities
            .iter()
            .find(|e| e.roles.iter().any(|r| r == "registrar"))
            .and_then(|e| e.vcard_array.as_ref())
            .and_then(vcard_name)
            .map(|n| text::remote(&n));
        let bounded = |items: Vec<String>| -> Vec<String> {
            items.iter().take(LIST_KEPT).map(|s| text::remote(s)).collect()
        };
        Ok(Self {
            name: text::remote(&answer.ldh_name.unwrap_or_default().to_lowercase()),
            expires_at: event("expiration"),
            registered_at: event("registration"),
            registrar,
            statuses: bounded(answer.status),
            nameservers: bounded(
                answer
                    .nameservers
                    .into_iter()
                    .filter_map(|n| n.ldh_name)
                    .map(|n| n.to_lowercase())
                    .collect(),
            ),
        })
    }

    /// Whole days until the expiration, negative once past; `None` without one.
    pub fn days_left(&self, now: DateTime<Utc>) -> Option<i64> {
        self.expires_at.map(|at| (at - now).num_seconds().div_euclid(86_400))
    }
}

/// `fn` of a jCard (`["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Name"]]]`).
fn vcard_name(vcard: &serde_json::Value) -> Option<String> {
    vcard.get(1)?.as_array()?.iter().find_map(|property| {
        let property = property.as_array()?;
        (property.first()?.as_str()? == "fn")
            .then(|| property.get(3)?.as_str().map(str::to_owned))?
    })
}

/// The RDAP base URLs the IANA bootstrap file (`dns.json`) gives for `name`:
/// the entry with the longest matching label suffix (`co.uk` before `uk`).
pub fn servers_for(bootstrap: &[u8], name: &str) -> Result<Vec<url::Url>, RdapError> {
    #[derive(Deserialize)]
    struct Bootstrap {
        services: Vec<(Vec<String>, Vec<String>)>,
    }
    let file: Bootstrap = serde_json::from_slice(bootstrap)
        .map_err(|e| RdapError::NotJson(text::remote(&e.to_string())))?;
    let name = name.to_lowercase();
    let best = file
        .services
        .iter()
        .flat_map(|(suffixes, urls)| suffixes.iter().map(move |s| (s.to_lowercase(), urls)))
        .filter(|(suffix, _)| name == *suffix || name.ends_with(&format!(".{suffix}")))
        .max_by_key(|(suffix, _)| suffix.split('.').count());
    let tld = name.rsplit('.').next().unwrap_or_default().to_owned();
    let (_, urls) = best.ok_or_else(|| RdapError::NoServer(tld.clone()))?;
    let mut parsed: Vec<url::Url> = urls
        .iter()
        .filter_map(|u| url::Url::parse(u).ok())
        .filter(|u| matches!(u.scheme(), "https" | "http"))
        .map(|mut u| {
            if !u.path().ends_with('/') {
                let path = format!("{}/", u.path());
                u.set_path(&path);
            }
            u
        })
        .collect();
    // RFC 9224: prefer https when a service lists both.
    parsed.sort_by_key(|u| u.scheme() != "https");
    if parsed.is_empty() {
        return Err(RdapError::NoServer(tld));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWER: &str = r#"{
      "objectClassName": "domain", "ldhName": "EXAMPLE.COM",
      "events": [
        {"eventAction": "registration", "eventDate": "1995-08-14T04:00:00Z"},
        {"eventAction": "expiration", "eventDate": "2027-08-13T04:00:00Z"},
        {"eventAction": "last update of RDAP database", "eventDate": "2026-12-01T00:00:00Z"}
      ],
      "status": ["client delete prohibited", "client transfer prohibited"],
      "entities": [
        {"roles": ["registrant"], "vcardArray": ["vcard", [["fn", {}, "text", "Someone"]]]},
        {"roles": ["registrar"], "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "RESERVED-Internet Assigned Numbers Authority"]]]}
      ],
      "nameservers": [{"objectClassName": "nameserver", "ldhName": "A.IANA-SERVERS.NET"}, {"ldhName": "b.iana-servers.net"}]
    }"#;

    #[test]
    fn a_domain_answer_is_read() {
        let r = Registration::from_json(ANSWER.as_bytes()).expect("readable");
        assert_eq!(r.name, "example.com");
        assert_eq!(r.expires_at.expect("expiry").to_rfc3339(), "2027-08-13T04:00:00+00:00");
        assert_eq!(r.registered_at.expect("registered").to_rfc3339(), "1995-08-14T04:00:00+00:00");
        assert_eq!(r.registrar.as_deref(), Some("RESERVED-Internet Assigned Numbers Authority"));
        assert_eq!(r.statuses, ["client delete prohibited", "client transfer prohibited"]);
        assert_eq!(r.nameservers, ["a.iana-servers.net", "b.iana-servers.net"]);
        let now = DateTime::parse_from_rfc3339("2027-08-03T04:00:01Z").expect("time").to_utc();
        assert_eq!(r.days_left(now), Some(9));
    }

    #[test]
    fn other_answers_are_named() {
        assert!(matches!(Registration::from_json(b"<html>"), Err(RdapError::NotJson(_))));
        let entity = br#"{"objectClassName": "entity"}"#;
        assert_eq!(Registration::from_json(entity), Err(RdapError::NotADomain("entity".into())));
        let bare = br#"{"objectClassName": "domain", "ldhName": "x.org"}"#;
        let r = Registration::from_json(bare).expect("readable");
        assert_eq!((r.expires_at, r.days_left(Utc::now())), (None, None));
    }

    #[test]
    fn the_bootstrap_file_gives_the_longest_suffix_and_prefers_https() {
        let file = br#"{"version": "1.0", "services": [
            [["com", "net"], ["https://rdap.verisign.com/com/v1/"]],
            [["uk"], ["https://rdap.nominet.uk/uk"]],
            [["co.uk"], ["http://co.example/", "https://co.example/rdap"]]
        ]}"#;
        let urls = |name| {
            servers_for(file, name).map(|v| v.iter().map(ToString::to_string).collect::<Vec<_>>())
        };
        assert_eq!(urls("Example.COM").expect("com"), ["https://rdap.verisign.com/com/v1/"]);
        assert_eq!(urls("bbc.uk").expect("uk"), ["https://rdap.nominet.uk/uk/"]);
        assert_eq!(
            urls("x.co.uk").expect("co.uk"),
            ["https://co.example/rdap/", "http://co.example/"]
        );
        assert_eq!(urls("x.notatld"), Err(RdapError::NoServer("notatld".into())));
    }
}
