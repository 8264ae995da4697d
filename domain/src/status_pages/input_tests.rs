use super::*;

fn field(err: PageError) -> String {
    match err {
        PageError::Invalid { field, .. } => field,
        other => panic!("not a validation error: {other:?}"),
    }
}

#[test]
fn slugs_are_short_lower_case_words_joined_by_dashes() {
    assert_eq!(Slug::parse("acme-status").map(|s| s.0), Ok("acme-status".into()));
    assert!(Slug::parse("a1b").is_ok());
    for bad in ["ab", "Acme", "acme_status", "-acme", "acme-", "api", "status", "acme status"] {
        assert_eq!(Slug::parse(bad).map_err(field), Err("slug".into()), "{bad}");
    }
    assert!(Slug::parse(&"a".repeat(61)).is_err());
    assert!(Slug::parse(&"a".repeat(60)).is_ok());
}

#[test]
fn a_new_page_needs_a_slug_and_a_title_and_defaults_the_rest() {
    let missing = PageInput { title: Some("Acme".into()), ..Default::default() };
    assert_eq!(missing.into_settings().map_err(field), Err("slug".into()));
    let blank =
        PageInput { slug: Some("acme".into()), title: Some("  ".into()), ..Default::default() };
    assert_eq!(blank.into_settings().map_err(field), Err("title".into()));
    let page =
        PageInput { slug: Some("acme".into()), title: Some("Acme".into()), ..Default::default() }
            .into_settings()
            .expect("valid");
    assert_eq!((page.theme, page.published, page.indexable), (PageTheme::Auto, false, true));
}

#[test]
fn a_patch_keeps_what_it_does_not_name_and_an_empty_logo_removes_it() {
    let page = PageInput {
        slug: Some("acme".into()),
        title: Some("Acme".into()),
        logo_url: Some("https://cdn.example.org/logo.png".into()),
        ..Default::default()
    }
    .into_settings()
    .expect("valid");
    let published = PageInput { published: Some(true), ..Default::default() }.patch(&page);
    let published = published.expect("valid");
    assert!(published.published);
    assert_eq!(published.logo_url.as_deref(), Some("https://cdn.example.org/logo.png"));
    let cleared = PageInput { logo_url: Some(String::new()), ..Default::default() }.patch(&page);
    assert_eq!(cleared.expect("valid").logo_url, None);
    let bad = PageInput { logo_url: Some("javascript:alert(1)".into()), ..Default::default() };
    assert_eq!(bad.patch(&page).map_err(field), Err("logo_url".into()));
}

fn component(kind: ComponentKind) -> ComponentInput {
    ComponentInput {
        id: None,
        kind,
        public_name: "API".into(),
        description: None,
        monitor_id: None,
        static_state: None,
        show_latency: false,
        members: Vec::new(),
    }
}

#[test]
fn each_kind_takes_its_own_fields_and_errors_name_their_path() {
    let monitor =
        ComponentInput { monitor_id: Some(Uuid::new_v4()), ..component(ComponentKind::Monitor) };
    let fixed = ComponentInput {
        static_state: Some(ComponentState::Operational),
        ..component(ComponentKind::Static)
    };
    let group = ComponentInput {
        members: vec![monitor.clone(), component(ComponentKind::Monitor)],
        ..component(ComponentKind::Group)
    };
    let err = validated_components(vec![fixed.clone(), group]).map_err(field);
    assert_eq!(err, Err("components[1].members[1].monitor_id".into()));

    let nested = ComponentInput {
        members: vec![ComponentInput { members: vec![], ..component(ComponentKind::Group) }],
        ..component(ComponentKind::Group)
    };
    assert_eq!(
        validated_components(vec![nested]).map_err(field),
        Err("components[0].members[0].kind".into())
    );

    let stray = ComponentInput { monitor_id: Some(Uuid::new_v4()), ..fixed.clone() };
    assert_eq!(
        validated_components(vec![stray]).map_err(field),
        Err("components[0].monitor_id".into())
    );
    let no_data = ComponentInput { static_state: Some(ComponentState::NoData), ..fixed.clone() };
    assert_eq!(
        validated_components(vec![no_data]).map_err(field),
        Err("components[0].static_state".into())
    );

    let valid = validated_components(vec![monitor, fixed]).expect("valid");
    assert_eq!(valid[1].spec, ComponentSpec::Static { state: ComponentState::Operational });
}

#[test]
fn a_page_holds_at_most_a_hundred_components_members_included() {
    let fixed = ComponentInput {
        static_state: Some(ComponentState::Operational),
        ..component(ComponentKind::Static)
    };
    let group =
        ComponentInput { members: vec![fixed.clone(); 99], ..component(ComponentKind::Group) };
    assert!(validated_components(vec![group.clone()]).is_ok());
    assert_eq!(validated_components(vec![group, fixed]).map_err(field), Err("components".into()));
}
