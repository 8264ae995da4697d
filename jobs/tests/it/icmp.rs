//! ICMP echo (`Outbound::ping`, `check_icmp`) to 127.0.0.2, allowed
//! explicitly: replies and round trips; the guard refusing every other
//! loopback spelling before a packet leaves.

use std::time::Duration;

use domain::monitors::{IcmpInput, Status};
use jobs::checks::check_icmp;
use jobs::outbound::{Outbound, OutboundOptions, PingError};
use jobs::testing::{STAND_IN_ALLOW, STAND_IN_HOST};

const TIMEOUT: Duration = Duration::from_secs(3);

fn outbound() -> Outbound {
    Outbound::new(OutboundOptions {
        allow: vec![STAND_IN_ALLOW.parse().expect("CIDR")],
        ..OutboundOptions::default()
    })
    .expect("outbound")
}

#[tokio::test]
async fn an_allowed_host_answers_every_echo_request() {
    let report = outbound().ping(STAND_IN_HOST, 3, TIMEOUT).await.expect("ping");
    assert_eq!(report.address.to_string(), STAND_IN_HOST);
    assert_eq!((report.sent, report.replies.len()), (3, 3));
    assert!(report.replies.iter().all(|rtt| *rtt < TIMEOUT));

    let spec = IcmpInput { host: Some(STAND_IN_HOST.into()), count: Some(2), ..Default::default() }
        .validated()
        .expect("valid");
    let outcome = check_icmp(&outbound(), &spec, TIMEOUT).await;
    assert_eq!((outcome.status, outcome.error), (Status::Up, None));
    assert!(outcome.latency_ms.is_some_and(|ms| ms >= 1));
}

#[tokio::test]
async fn the_guard_refuses_other_loopback_addresses_before_sending() {
    for host in ["127.0.0.1", "localhost", "127.0.0.3", "::1"] {
        match outbound().ping(host, 1, TIMEOUT).await {
            Err(PingError::Outbound(err)) => {
                assert!(err.to_string().contains("refused"), "{host}: {err}")
            }
            other => panic!("{host}: expected the guard to refuse, got {other:?}"),
        }
    }
    let spec = IcmpInput { host: Some("127.0.0.1".into()), ..Default::default() }
        .validated()
        .expect("valid");
    let outcome = check_icmp(&outbound(), &spec, TIMEOUT).await;
    assert_eq!(outcome.status, Status::Down);
    assert!(outcome.error.expect("why").contains("refused"));
}
