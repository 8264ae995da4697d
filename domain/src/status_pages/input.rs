//! What a request may say about a page and its components, and the checks
//! that make it valid: the slug's shape, the texts' bounds, the logo's URL,
//! the component tree's shape. Pure; errors name the request's field.

use kinds::{ComponentKind, ComponentState, PageTheme};
use serde::Deserialize;
use uuid::Uuid;

use super::PageError;

/// The most components a page holds, groups and their members together.
pub const MAX_COMPONENTS: usize = 100;

/// Words a slug may not be: paths the public routes use or may use.
const RESERVED_SLUGS: &[&str] = &[
    "admin", "api", "assets", "badge", "badges", "edit", "feed", "new", "pkg", "public", "rpc",
    "static", "status", "www",
];

const MAX_TITLE: usize = 100;
const MAX_TEXT: usize = 2_000;
const MAX_NAME: usize = 100;
const MAX_COMPONENT_DESCRIPTION: usize = 500;
const MAX_URL: usize = 2_000;
/// A new page's drafts publish themselves after five minutes.
pub const DEFAULT_AUTO_PUBLISH_DELAY: u32 = 300;
/// At most a day.
const MAX_AUTO_PUBLISH_DELAY: u32 = 86_400;

/// A page's public address: 3 to 60 of `[a-z0-9-]`, not starting or ending
/// with `-`, not a reserved word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    /// Checks `raw` (as given: no case folding, so the page's address is
    /// exactly what its owner typed).
    pub fn parse(raw: &str) -> Result<Self, PageError> {
        let invalid = |message: &str| PageError::invalid("slug", message);
        if !(3..=60).contains(&raw.len()) {
            return Err(invalid("must be 3 to 60 characters"));
        }
        if !raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(invalid("may hold only lower-case letters, digits and '-'"));
        }
        if raw.starts_with('-') || raw.ends_with('-') {
            return Err(invalid("may not start or end with '-'"));
        }
        if RESERVED_SLUGS.contains(&raw) {
            return Err(invalid("is reserved; choose another"));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The slug as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A page to create, or the changes to one: absent fields stay (on create,
/// `slug` and `title` are required, the rest default). An empty
/// `logo_url` removes the logo.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageInput {
    pub slug: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub logo_url: Option<String>,
    pub theme: Option<PageTheme>,
    pub footer: Option<String>,
    pub published: Option<bool>,
    pub indexable: Option<bool>,
    /// Seconds before a draft from a monitor's incident publishes itself.
    pub auto_publish_delay_secs: Option<u32>,
}

/// A page's settings, valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSettings {
    pub slug: Slug,
    pub title: String,
    pub description: String,
    pub logo_url: Option<String>,
    pub theme: PageTheme,
    pub footer: String,
    pub published: bool,
    pub indexable: bool,
    pub auto_publish_delay_secs: u32,
}

impl PageInput {
    /// The settings of a new page.
    pub fn into_settings(self) -> Result<PageSettings, PageError> {
        let slug = self.slug.as_deref().ok_or_else(|| PageError::invalid("slug", "is required"))?;
        let title =
            self.title.as_deref().ok_or_else(|| PageError::invalid("title", "is required"))?;
        let defaults = PageSettings {
            slug: Slug::parse(slug)?,
            title: title.to_owned(),
            description: String::new(),
            logo_url: None,
            theme: PageTheme::default(),
            footer: String::new(),
            published: false,
            indexable: true,
            auto_publish_delay_secs: DEFAULT_AUTO_PUBLISH_DELAY,
        };
        self.patch(&defaults)
    }

    /// `current` with the fields this input names changed.
    pub fn patch(self, current: &PageSettings) -> Result<PageSettings, PageError> {
        let slug = match self.slug {
            Some(raw) => Slug::parse(&raw)?,
            None => current.slug.clone(),
        };
        let title = self.title.map_or_else(|| current.title.clone(), |t| t.trim().to_owned());
        bounded("title", &title, 1, MAX_TITLE)?;
        let description = self.description.unwrap_or_else(|| current.description.clone());
        bounded("description", &description, 0, MAX_TEXT)?;
        let footer = self.footer.unwrap_or_else(|| current.footer.clone());
        bounded("footer", &footer, 0, MAX_TEXT)?;
        let logo_url = match self.logo_url {
            Some(raw) if raw.trim().is_empty() => None,
            Some(raw) => Some(logo_url(raw.trim())?),
            None => current.logo_url.clone(),
        };
        Ok(PageSettings {
            slug,
            title,
            description,
            logo_url,
            theme: self.theme.unwrap_or(current.theme),
            footer,
            published: self.published.unwrap_or(current.published),
            indexable: self.indexable.unwrap_or(current.indexable),
            auto_publish_delay_secs: match self.auto_publish_delay_secs {
                Some(secs) if secs > MAX_AUTO_PUBLISH_DELAY => {
                    return Err(PageError::invalid(
                        "auto_publish_delay_secs",
                        "must be 0 to 86400 seconds",
                    ))
                }
                Some(secs) => secs,
                None => current.auto_publish_delay_secs,
            },
        })
    }
}

/// An `https://` or `http://` URL the visitor's browser loads the logo from.
fn logo_url(raw: &str) -> Result<String, PageError> {
    let invalid = |message: &str| PageError::invalid("logo_url", message);
    if raw.len() > MAX_URL {
        return Err(invalid("must be at most 2000 characters"));
    }
    let url = url::Url::parse(raw).map_err(|_| invalid("must be an absolute http(s) URL"))?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
        return Err(invalid("must be an absolute http(s) URL"));
    }
    Ok(url.to_string())
}

fn bounded(field: &str, text: &str, min: usize, max: usize) -> Result<(), PageError> {
    let len = text.chars().count();
    if len < min {
        return Err(PageError::invalid(field, "is required"));
    }
    if len > max {
        return Err(PageError::invalid(field, format!("must be at most {max} characters")));
    }
    Ok(())
}

/// One component of the list a page's components are replaced with; a
/// group holds its members (monitor and static components, no groups).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentInput {
    /// The id of one of the page's current components, to keep it (badge
    /// addresses name components by id); any other id gets a new one.
    #[serde(default)]
    pub id: Option<Uuid>,
    pub kind: ComponentKind,
    pub public_name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// A monitor component's monitor: one of the page owner's.
    #[serde(default)]
    pub monitor_id: Option<Uuid>,
    /// A static component's state.
    #[serde(default)]
    pub static_state: Option<ComponentState>,
    /// A monitor component: show its recent response times.
    #[serde(default)]
    pub show_latency: bool,
    /// A group's members, in order.
    #[serde(default)]
    pub members: Vec<ComponentInput>,
}

/// What a component is, valid: what it shows depends on its kind only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComponentSpec {
    Monitor { monitor_id: Uuid, show_latency: bool },
    Static { state: ComponentState },
    Group { members: Vec<ValidComponent> },
}

/// A component, valid, with the request's field path (for the monitor check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidComponent {
    /// The id it asks to keep.
    pub id: Option<Uuid>,
    pub field: String,
    pub public_name: String,
    pub description: Option<String>,
    pub spec: ComponentSpec,
}

/// Checks a whole component list: at most [`MAX_COMPONENTS`] in all, groups
/// only at the top level, each kind with its own fields and no others.
pub fn validated_components(list: Vec<ComponentInput>) -> Result<Vec<ValidComponent>, PageError> {
    let total: usize = list.iter().map(|c| 1 + c.members.len()).sum();
    if total > MAX_COMPONENTS {
        return Err(PageError::invalid(
            "components",
            format!("a page holds at most {MAX_COMPONENTS} components (groups and members)"),
        ));
    }
    list.into_iter()
        .enumerate()
        .map(|(i, c)| validated(c, format!("components[{i}]"), true))
        .collect()
}

fn validated(
    input: ComponentInput,
    path: String,
    top_level: bool,
) -> Result<ValidComponent, PageError> {
    let at = |field: &str| format!("{path}.{field}");
    let public_name = input.public_name.trim().to_owned();
    bounded(&at("public_name"), &public_name, 1, MAX_NAME)?;
    let description = input.description.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty());
    if let Some(text) = &description {
        bounded(&at("description"), text, 0, MAX_COMPONENT_DESCRIPTION)?;
    }
    let refuse = |field: &str, message: &str| Err(PageError::invalid(at(field), message));
    let kind = input.kind;
    if kind != ComponentKind::Monitor && input.monitor_id.is_some() {
        return refuse("monitor_id", "only a monitor component names a monitor");
    }
    if kind != ComponentKind::Monitor && input.show_latency {
        return refuse("show_latency", "only a monitor component shows response times");
    }
    if kind != ComponentKind::Static && input.static_state.is_some() {
        return refuse("static_state", "only a static component has a state set by hand");
    }
    if kind != ComponentKind::Group && !input.members.is_empty() {
        return refuse("members", "only a group has members");
    }
    let spec = match kind {
        ComponentKind::Monitor => {
            let Some(monitor_id) = input.monitor_id else {
                return refuse("monitor_id", "is required for a monitor component");
            };
            ComponentSpec::Monitor { monitor_id, show_latency: input.show_latency }
        }
        ComponentKind::Static => match input.static_state {
            None => return refuse("static_state", "is required for a static component"),
            Some(ComponentState::NoData) => {
                return refuse("static_state", "must be a state, not no_data");
            }
            Some(state) => ComponentSpec::Static { state },
        },
        ComponentKind::Group if !top_level => {
            return refuse("kind", "a group cannot hold another group");
        }
        ComponentKind::Group => {
            let members = input
                .members
                .into_iter()
                .enumerate()
                .map(|(i, m)| validated(m, format!("{path}.members[{i}]"), false))
                .collect::<Result<_, _>>()?;
            ComponentSpec::Group { members }
        }
    };
    Ok(ValidComponent { id: input.id, field: path, public_name, description, spec })
}

#[cfg(test)]
#[path = "input_tests.rs"]
mod tests;
