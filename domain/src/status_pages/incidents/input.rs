//! What a request may say about a public incident and its updates, and the
//! bounds that make it valid. Pure; errors name the request's field.

use kinds::{ComponentImpact, IncidentPhase, PublicIncidentState};
use serde::Deserialize;
use uuid::Uuid;

use super::IncidentError;

const MAX_TITLE: usize = 200;
/// An update's or a postmortem's markdown, in characters.
pub const MAX_BODY: usize = 20_000;
/// Components one incident names.
const MAX_IMPACTS: usize = 100;

/// A public incident written by a person, with its first update.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentInput {
    pub title: String,
    /// `published` (the default) or `draft` (waits for a person).
    #[serde(default)]
    pub state: Option<PublicIncidentState>,
    /// The affected components of the page, each once.
    #[serde(default)]
    pub impacts: Vec<ImpactInput>,
    /// The first update's phase; `investigating` by default.
    #[serde(default)]
    pub phase: Option<IncidentPhase>,
    /// The first update's markdown.
    pub body: String,
}

/// One affected component and how badly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImpactInput {
    pub component_id: Uuid,
    pub impact: ComponentImpact,
}

/// Changes to an incident; absent fields stay.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentPatch {
    pub title: Option<String>,
    /// Replaces the list.
    pub impacts: Option<Vec<ImpactInput>>,
    /// `published` or `discarded`.
    pub state: Option<PublicIncidentState>,
    /// Markdown, only once resolved; empty removes it.
    pub postmortem: Option<String>,
}

/// An update to post.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateInput {
    pub phase: IncidentPhase,
    pub body: String,
}

/// Changes to an update; absent fields stay.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdatePatch {
    pub phase: Option<IncidentPhase>,
    pub body: Option<String>,
}

/// `raw` without control characters (a database may refuse NUL, a feed
/// cannot carry most of them); `keep_lines` keeps tabs and line breaks.
fn printable(raw: &str, keep_lines: bool) -> String {
    raw.chars()
        .filter(|&c| !c.is_control() || (keep_lines && matches!(c, '\t' | '\n' | '\r')))
        .collect()
}

/// A title, trimmed, 1 to 200 characters, on one line.
pub(super) fn title(raw: &str) -> Result<String, IncidentError> {
    let title = printable(raw, false);
    let title = title.trim();
    match title.chars().count() {
        0 => Err(IncidentError::invalid("title", "is required")),
        n if n > MAX_TITLE => {
            Err(IncidentError::invalid("title", format!("must be at most {MAX_TITLE} characters")))
        }
        _ => Ok(title.to_owned()),
    }
}

/// Markdown of an update, 1 to [`MAX_BODY`] characters after trimming.
pub(super) fn body(field: &str, raw: &str) -> Result<String, IncidentError> {
    let body = printable(raw, true);
    let body = body.trim();
    match body.chars().count() {
        0 => Err(IncidentError::invalid(field, "is required")),
        n if n > MAX_BODY => {
            Err(IncidentError::invalid(field, format!("must be at most {MAX_BODY} characters")))
        }
        _ => Ok(body.to_owned()),
    }
}

/// A postmortem: `None` for an empty one (removing it).
pub(super) fn postmortem(raw: &str) -> Result<Option<String>, IncidentError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    body("postmortem", raw).map(Some)
}

/// The state a person may set: published or discarded.
pub(super) fn settable(state: PublicIncidentState) -> Result<PublicIncidentState, IncidentError> {
    match state {
        PublicIncidentState::Draft => {
            Err(IncidentError::invalid("state", "must be published or discarded"))
        }
        other => Ok(other),
    }
}

/// The impacts, each component once, at most 100.
pub(super) fn impacts(list: &[ImpactInput]) -> Result<(), IncidentError> {
    if list.len() > MAX_IMPACTS {
        return Err(IncidentError::invalid("impacts", format!("at most {MAX_IMPACTS} components")));
    }
    for (i, impact) in list.iter().enumerate() {
        if list[..i].iter().any(|other| other.component_id == impact.component_id) {
            return Err(IncidentError::invalid(
                format!("impacts[{i}].component_id"),
                "names a component twice",
            ));
        }
    }
    Ok(())
}
