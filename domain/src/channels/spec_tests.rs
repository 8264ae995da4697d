use base64::Engine;

use super::super::fields::channel_name;
use super::*;

const SLACK: &str = "https://hooks.slack.com/services/T0001/B0002/abcdefghijklmnopXXXX";

fn input(kind: ChannelKind) -> ChannelInput {
    ChannelInput { name: "Ops".into(), kind, slack: None, webhook: None, email: None }
}

fn slack(url: &str) -> ChannelInput {
    ChannelInput {
        slack: Some(SlackInput { webhook_url: url.into() }),
        ..input(ChannelKind::Slack)
    }
}

fn field_of(result: Result<impl std::fmt::Debug, ChannelError>) -> String {
    match result {
        Err(ChannelError::Invalid { field, .. }) => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn a_slack_url_is_masked_to_scheme_host_and_last_four() {
    let (target, generated) = Target::parse(&slack(SLACK)).unwrap();
    assert!(generated.is_none());
    assert_eq!(
        target.display(),
        ChannelDisplay::Slack { webhook_url: "https://hooks.slack.com/…XXXX".into() }
    );
    assert!(!format!("{target:?}").contains("abcdefgh"), "Debug must not show the URL");
}

#[test]
fn short_paths_show_no_characters_and_credentials_never_show() {
    assert_eq!(mask_url("https://example.com/"), "https://example.com/…");
    assert_eq!(
        mask_url("http://user:pass@127.0.0.1:8080/hooks/abcdef123"),
        "http://127.0.0.1:8080/…f123"
    );
}

#[test]
fn slack_takes_http_or_https_and_the_error_names_the_field() {
    assert!(Target::parse(&slack("http://chat.internal/hooks/x")).is_ok());
    let err = Target::parse(&slack("ftp://hooks.slack.com/services/x")).unwrap_err();
    assert!(err.to_string().starts_with("slack.webhook_url: must be a "), "{err}");
    assert_eq!(field_of(Target::parse(&slack("not a url"))), "slack.webhook_url");
}

#[test]
fn the_block_for_the_kind_is_required_and_others_are_refused() {
    assert_eq!(field_of(Target::parse(&input(ChannelKind::Webhook))), "webhook");
    let mut mixed = slack(SLACK);
    mixed.email = Some(EmailInput { to: vec!["a@example.org".into()] });
    assert_eq!(field_of(Target::parse(&mixed)), "email");
}

#[test]
fn a_webhook_without_secret_gets_a_generated_standard_webhooks_secret() {
    let mut hook = input(ChannelKind::Webhook);
    hook.webhook = Some(WebhookInput { url: "https://example.com/hook".into(), secret: None });
    let (target, generated) = Target::parse(&hook).unwrap();
    let secret = generated.expect("a generated secret");
    assert!(secret.starts_with("whsec_"));
    assert_eq!(webhook_secret(&secret).unwrap(), secret, "the generated secret is valid");
    let Target::Webhook { secret: stored, .. } = &target else { panic!("webhook") };
    assert_eq!(stored, &secret);
    let ChannelDisplay::Webhook { secret: masked, .. } = target.display() else { panic!() };
    assert_eq!(masked, format!("whsec_…{}", &secret[secret.len() - 4..]));
}

#[test]
fn webhook_secrets_must_be_whsec_base64_of_24_to_64_bytes() {
    let encode = |n: usize| base64::engine::general_purpose::STANDARD.encode(vec![7u8; n]);
    assert!(webhook_secret(&format!("whsec_{}", encode(24))).is_ok());
    assert!(webhook_secret(&format!("whsec_{}", encode(64))).is_ok());
    for bad in [encode(32), format!("whsec_{}", encode(23)), format!("whsec_{}", encode(65))] {
        assert_eq!(field_of(webhook_secret(&bad)), "webhook.secret", "{bad}");
    }
    assert_eq!(field_of(webhook_secret("whsec_not base64!")), "webhook.secret");
}

#[test]
fn email_takes_1_to_10_valid_addresses_and_names_the_bad_one() {
    let to = |list: &[&str]| recipients(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(to(&["A@Example.org", "a@example.org", "b@example.org"]).unwrap().len(), 2);
    assert_eq!(field_of(to(&[])), "email.to");
    assert_eq!(field_of(to(&["ok@example.org", "nope"])), "email.to[1]");
    let eleven: Vec<String> = (0..11).map(|i| format!("u{i}@example.org")).collect();
    assert_eq!(field_of(recipients(&eleven)), "email.to");
}

#[test]
fn names_are_trimmed_and_bounded() {
    assert_eq!(channel_name("  Ops  ").unwrap(), "Ops");
    assert_eq!(field_of(channel_name("   ")), "name");
    assert_eq!(field_of(channel_name(&"x".repeat(101))), "name");
}

#[test]
fn a_patch_keeps_values_sent_back_masked_and_replaces_new_ones() {
    let (target, _) = Target::parse(&slack(SLACK)).unwrap();
    let echo = ChannelPatch {
        slack: Some(SlackPatch { webhook_url: Some("https://hooks.slack.com/…XXXX".into()) }),
        ..Default::default()
    };
    assert_eq!(target.patched(&echo).unwrap(), target);
    let new = ChannelPatch {
        slack: Some(SlackPatch {
            webhook_url: Some("https://hooks.slack.com/services/new".into()),
        }),
        ..Default::default()
    };
    assert_eq!(
        target.patched(&new).unwrap(),
        Target::Slack { webhook_url: "https://hooks.slack.com/services/new".into() }
    );
}

#[test]
fn a_patch_cannot_change_the_kind() {
    let (target, _) = Target::parse(&slack(SLACK)).unwrap();
    let patch = ChannelPatch {
        email: Some(EmailInput { to: vec!["a@example.org".into()] }),
        ..Default::default()
    };
    assert_eq!(field_of(target.patched(&patch)), "email");
    let patch = ChannelPatch { kind: Some(ChannelKind::Webhook), ..Default::default() };
    assert_eq!(field_of(target.patched(&patch)), "kind");
    let same = ChannelPatch { kind: Some(ChannelKind::Slack), ..Default::default() };
    assert_eq!(target.patched(&same).unwrap(), target);
}

#[test]
fn kinds_round_trip_through_storage() {
    for kind in [ChannelKind::Slack, ChannelKind::Webhook, ChannelKind::Email] {
        assert_eq!(kind.as_str().parse(), Ok(kind));
    }
    assert!("pager".parse::<ChannelKind>().is_err());
}
