//! Status pages for the owner's pages: list, create and change from the
//! form's text, delete, the editor's data (components, monitors to choose,
//! badge snippets), and one change at a time to the component list, which
//! is then saved whole (ids kept, so badge addresses stay).

use domain::monitors::{MonitorFilter, Read, Write};
use domain::status_pages::{
    ComponentInput, ComponentKind, ComponentState, ComponentView, PageInput, PageTheme, PageView,
    StatusPageService,
};
use leptos::prelude::*;

use super::{monitor_service, parse_id, signed_in};
use crate::dto::{
    BadgeSnippets, ComponentChange, ComponentItem, MonitorChoice, StatusPageDetail, StatusPageForm,
    StatusPageItem,
};
use crate::error::AppError;

/// The status page service and the installation's public URL, provided by
/// the server.
#[derive(Clone)]
pub struct StatusPages {
    pub service: StatusPageService,
    /// Without a trailing slash.
    pub public_url: String,
}

pub(super) fn pages() -> Result<StatusPages, AppError> {
    use_context::<StatusPages>().ok_or_else(AppError::internal)
}

fn item(v: PageView) -> StatusPageItem {
    StatusPageItem {
        id: v.id.to_string(),
        slug: v.slug,
        title: v.title,
        description: v.description,
        logo_url: v.logo_url.unwrap_or_default(),
        theme: v.theme,
        footer: v.footer,
        published: v.published,
        indexable: v.indexable,
        auto_publish_delay_secs: v.auto_publish_delay_secs,
    }
}

/// The caller's pages.
pub async fn list() -> Result<Vec<StatusPageItem>, AppError> {
    let caller = signed_in()?;
    Ok(pages()?.service.list(&caller).await?.into_iter().map(item).collect())
}

/// Creates a page from the form, or changes one (every field as posted).
pub async fn save(form: StatusPageForm) -> Result<StatusPageItem, AppError> {
    let caller = signed_in()?;
    let service = pages()?.service;
    let theme = match form.theme.trim() {
        "" => None,
        raw => Some(
            raw.parse::<PageTheme>()
                .map_err(|_| AppError::invalid("theme", "Theme must be light, dark or auto"))?,
        ),
    };
    let input = PageInput {
        slug: Some(form.slug.trim().to_owned()),
        title: Some(form.title.clone()),
        description: Some(form.description.clone()),
        logo_url: Some(form.logo_url.trim().to_owned()),
        theme,
        footer: Some(form.footer.clone()),
        published: Some(form.published == "on"),
        indexable: Some(form.indexable == "on"),
        auto_publish_delay_secs: delay(&form.auto_publish_delay_secs)?,
    };
    if form.id.trim().is_empty() {
        // A new page is indexable unless its form says otherwise; the
        // create form has no such box.
        let input = PageInput { indexable: None, ..input };
        return Ok(item(service.create(&caller, input).await?));
    }
    let page = service.authorize(&caller, parse_id(&form.id, "status page")?, Write).await?;
    Ok(item(service.update(page, input).await?))
}

/// The draft delay as typed: empty keeps the page's.
fn delay(raw: &str) -> Result<Option<u32>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        raw => raw.parse().map(Some).map_err(|_| {
            AppError::invalid("auto_publish_delay_secs", "The delay is a number of seconds")
        }),
    }
}

/// Deletes one of the caller's pages.
pub async fn delete(id: String) -> Result<(), AppError> {
    let caller = signed_in()?;
    let service = pages()?.service;
    let page = service.authorize(&caller, parse_id(&id, "status page")?, Write).await?;
    service.delete(page).await?;
    Ok(())
}

/// The editor's data of one page.
pub async fn detail(id: String) -> Result<StatusPageDetail, AppError> {
    let caller = signed_in()?;
    let StatusPages { service, public_url } = pages()?;
    let page = service.authorize(&caller, parse_id(&id, "status page")?, Read).await?;
    let components = service.components(&page).await?;
    let filter = MonitorFilter { limit: 1_000, ..Default::default() };
    let monitors: Vec<MonitorChoice> = monitor_service()?
        .list(&caller, &filter)
        .await?
        .monitors
        .into_iter()
        .map(|m| MonitorChoice { id: m.id.to_string(), name: m.name })
        .collect();
    let page_ref = page;
    let page = item(page_ref.view().clone());
    let badges = Badges { public_url: &public_url, slug: &page.slug };
    let name_of =
        |id: &uuid::Uuid| monitors.iter().find(|m| m.id == id.to_string()).map(|m| m.name.clone());
    let incidents = super::page_incidents::incidents_of(&page_ref).await?;
    let public_names = component_names(&components);
    let subscribers = super::page_incidents::followers_of(&page_ref, &|id| {
        public_names.iter().find(|(c, _)| c == id).map(|(_, n)| n.clone())
    })
    .await?;
    let components = components.iter().map(|c| component(c, &badges, &name_of)).collect();
    Ok(StatusPageDetail {
        incidents,
        subscribers,
        public_url: badges.page_url(),
        badge: badges.snippets(&page.title, "status.svg"),
        page,
        components,
        monitors,
    })
}

/// Every component's id and public name, members included.
fn component_names(list: &[ComponentView]) -> Vec<(uuid::Uuid, String)> {
    list.iter()
        .flat_map(|c| std::iter::once(c).chain(&c.members))
        .map(|c| (c.id, c.public_name.clone()))
        .collect()
}

/// Where a page's badges are.
struct Badges<'a> {
    public_url: &'a str,
    slug: &'a str,
}

impl Badges<'_> {
    fn page_url(&self) -> String {
        format!("{}/status/{}", self.public_url, self.slug)
    }

    fn snippets(&self, name: &str, tail: &str) -> BadgeSnippets {
        let preview = format!("/api/v1/public/badges/{}/{tail}", self.slug);
        let image = format!("{}{preview}", self.public_url);
        let link = self.page_url();
        let alt = name.replace(['[', ']'], "");
        BadgeSnippets {
            markdown: format!("[![{alt}]({image})]({link})"),
            html: format!(r#"<a href="{link}"><img src="{image}" alt="{}"></a>"#, attribute(name)),
            image,
            preview,
        }
    }
}

/// `text` inside a double-quoted HTML attribute.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

fn component(
    c: &ComponentView,
    badges: &Badges<'_>,
    name_of: &impl Fn(&uuid::Uuid) -> Option<String>,
) -> ComponentItem {
    ComponentItem {
        id: c.id.to_string(),
        kind: c.kind,
        public_name: c.public_name.clone(),
        monitor_name: c.monitor_id.as_ref().and_then(name_of),
        static_state: c.static_state,
        show_latency: c.show_latency,
        members: c.members.iter().map(|m| component(m, badges, name_of)).collect(),
        badge: badges.snippets(&c.public_name, &format!("components/{}/status.svg", c.id)),
    }
}

/// Applies one change to a page's component list and saves the list.
pub async fn change_components(change: ComponentChange) -> Result<(), AppError> {
    let caller = signed_in()?;
    let service = pages()?.service;
    let page = service.authorize(&caller, parse_id(&change.page_id, "status page")?, Write).await?;
    let mut list: Vec<ComponentInput> =
        service.components(&page).await?.into_iter().map(input).collect();
    match change.op.as_str() {
        "add" => add(&mut list, &change)?,
        "up" | "down" | "remove" => {
            let id = parse_id(&change.component_id, "component")?;
            edit(&mut list, id, &change.op);
        }
        _ => return Err(AppError::invalid("op", "Unknown change")),
    }
    service.replace_components(&page, list).await?;
    Ok(())
}

/// A component as saved, keeping its id.
fn input(c: ComponentView) -> ComponentInput {
    ComponentInput {
        id: Some(c.id),
        kind: c.kind,
        public_name: c.public_name,
        description: c.description,
        monitor_id: c.monitor_id,
        static_state: c.static_state,
        show_latency: c.show_latency,
        members: c.members.into_iter().map(input).collect(),
    }
}

fn add(list: &mut Vec<ComponentInput>, change: &ComponentChange) -> Result<(), AppError> {
    let kind = change
        .kind
        .parse::<ComponentKind>()
        .map_err(|_| AppError::invalid("kind", "Kind must be monitor, static or group"))?;
    let monitor_id = match (kind, change.monitor_id.trim()) {
        (ComponentKind::Monitor, "") => {
            return Err(AppError::invalid("monitor_id", "Choose a monitor"));
        }
        (ComponentKind::Monitor, raw) => {
            Some(raw.parse().map_err(|_| AppError::invalid("monitor_id", "Choose a monitor"))?)
        }
        _ => None,
    };
    let static_state = match kind {
        ComponentKind::Static => Some(
            change
                .static_state
                .parse::<ComponentState>()
                .map_err(|_| AppError::invalid("static_state", "Choose a state"))?,
        ),
        _ => None,
    };
    let new = ComponentInput {
        id: None,
        kind,
        public_name: change.public_name.clone(),
        description: None,
        monitor_id,
        static_state,
        show_latency: kind == ComponentKind::Monitor && change.show_latency == "on",
        members: Vec::new(),
    };
    let parent = change.parent_id.trim();
    if parent.is_empty() {
        list.push(new);
        return Ok(());
    }
    let parent: uuid::Uuid =
        parent.parse().map_err(|_| AppError::invalid("parent_id", "No such group"))?;
    let group = list
        .iter_mut()
        .find(|c| c.id == Some(parent) && c.kind == ComponentKind::Group)
        .ok_or_else(|| AppError::invalid("parent_id", "No such group"))?;
    group.members.push(new);
    Ok(())
}

/// Moves or removes the component `id` among its siblings.
fn edit(list: &mut Vec<ComponentInput>, id: uuid::Uuid, op: &str) {
    if let Some(at) = list.iter().position(|c| c.id == Some(id)) {
        match op {
            "up" if at > 0 => list.swap(at, at - 1),
            "down" if at + 1 < list.len() => list.swap(at, at + 1),
            "remove" => {
                list.remove(at);
            }
            _ => {}
        }
        return;
    }
    for group in list.iter_mut() {
        edit(&mut group.members, id, op);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> ComponentInput {
        ComponentInput {
            id: Some(uuid::Uuid::new_v4()),
            kind: ComponentKind::Static,
            public_name: name.into(),
            description: None,
            monitor_id: None,
            static_state: Some(ComponentState::Operational),
            show_latency: false,
            members: Vec::new(),
        }
    }

    fn names(list: &[ComponentInput]) -> Vec<&str> {
        list.iter().map(|c| c.public_name.as_str()).collect()
    }

    #[test]
    fn components_move_among_their_siblings_and_are_removed() {
        let (a, b) = (named("a"), named("b"));
        let (b_id, member) = (b.id.unwrap_or_default(), named("m"));
        let member_id = member.id.unwrap_or_default();
        let group = ComponentInput {
            kind: ComponentKind::Group,
            static_state: None,
            members: vec![named("first"), member],
            ..named("g")
        };
        let mut list = vec![a, b, group];
        edit(&mut list, b_id, "up");
        assert_eq!(names(&list), ["b", "a", "g"]);
        edit(&mut list, b_id, "up");
        assert_eq!(names(&list), ["b", "a", "g"], "the first stays first");
        edit(&mut list, member_id, "up");
        assert_eq!(names(&list[2].members), ["m", "first"]);
        edit(&mut list, member_id, "remove");
        assert_eq!(names(&list[2].members), ["first"]);
    }

    #[test]
    fn snippets_link_the_badge_to_the_public_page_and_escape_the_name() {
        let badges = Badges { public_url: "https://status.example.org", slug: "acme" };
        let s = badges.snippets("A \"quoted\" <name>", "status.svg");
        assert_eq!(s.image, "https://status.example.org/api/v1/public/badges/acme/status.svg");
        assert_eq!(
            s.markdown,
            format!(
                "[![A \"quoted\" <name>]({})](https://status.example.org/status/acme)",
                s.image
            )
        );
        assert!(s.html.contains(r#"alt="A &quot;quoted&quot; &lt;name&gt;""#), "{}", s.html);
    }
}
