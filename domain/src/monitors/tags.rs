//! Tags: short labels a user puts on monitors to find and group them, and
//! that maintenance windows name to cover every monitor carrying one.
//!
//! A tag is stored lowercase, trimmed, with inner runs of spaces made one,
//! so `Prod`, ` prod ` and `PROD` are one tag; at most [`MAX_TAGS`] a
//! monitor or window, each at most [`MAX_LEN`] characters of letters,
//! digits, spaces and `- _ . : /` (no comma: the form takes them
//! comma-separated; no `&`, `#`, `+` or `?`: a tag goes in a URL's query
//! as it is, spaces aside).

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::SpecError;
use crate::entities::monitor_tags;

/// The most tags one monitor or window carries.
pub const MAX_TAGS: usize = 20;
/// The longest tag, in characters (the column is 40 wide).
pub const MAX_LEN: usize = 40;

/// Normalised, deduplicated and sorted tags; `field` names the field in
/// the error.
pub fn normalize(raw: &[String], field: &str) -> Result<Vec<String>, SpecError> {
    // Bounds apply to what was sent, as the API document states them.
    if raw.len() > MAX_TAGS {
        return Err(SpecError::new(field, format!("at most {MAX_TAGS} tags")));
    }
    let mut tags = BTreeSet::new();
    for tag in raw {
        if tag.chars().count() > MAX_LEN {
            return Err(SpecError::new(field, format!("a tag is at most {MAX_LEN} characters")));
        }
        let tag = canonical(tag);
        if tag.is_empty() {
            return Err(SpecError::new(field, "a tag cannot be empty"));
        }
        if !tag.chars().all(allowed) {
            return Err(SpecError::new(
                field,
                "a tag holds letters, digits, spaces and - _ . : / only",
            ));
        }
        tags.insert(tag);
    }
    Ok(tags.into_iter().collect())
}

/// A tag as stored: inner runs of spaces made one, trimmed, lowercased.
/// A filter compares in this form too.
pub fn canonical(tag: &str) -> String {
    tag.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn allowed(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | ':' | '/')
}

/// Splits a form's comma-separated text into tags (not yet normalised).
pub fn split(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// The tags of each of `monitors`, sorted.
pub async fn of<C: ConnectionTrait>(
    db: &C,
    monitors: &[Uuid],
) -> Result<BTreeMap<Uuid, Vec<String>>, DbErr> {
    let mut out: BTreeMap<Uuid, Vec<String>> = BTreeMap::new();
    if monitors.is_empty() {
        return Ok(out);
    }
    for row in monitor_tags::Entity::find()
        .filter(monitor_tags::Column::MonitorId.is_in(monitors.to_vec()))
        .all(db)
        .await?
    {
        out.entry(row.monitor_id).or_default().push(row.tag);
    }
    out.values_mut().for_each(|tags| tags.sort_unstable());
    Ok(out)
}

/// Replaces the tags of `monitor` with `tags` (normalised already).
pub async fn set<C: ConnectionTrait>(db: &C, monitor: Uuid, tags: &[String]) -> Result<(), DbErr> {
    monitor_tags::Entity::delete_many()
        .filter(monitor_tags::Column::MonitorId.eq(monitor))
        .exec(db)
        .await?;
    if tags.is_empty() {
        return Ok(());
    }
    let rows = tags
        .iter()
        .map(|tag| monitor_tags::ActiveModel { monitor_id: Set(monitor), tag: Set(tag.clone()) });
    monitor_tags::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// A colour for a tag, the same for the same name everywhere (no palette to
/// keep): a hue from the name's FNV-1a hash, at fixed saturation and
/// lightness so the text on it stays readable in both themes.
pub fn hue(tag: &str) -> u16 {
    let hash =
        tag.bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    u16::try_from(hash % 360).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(tags: &[&str]) -> Vec<String> {
        tags.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn tags_are_trimmed_lowercased_deduplicated_and_sorted() {
        let tags = normalize(&strings(&[" Prod ", "eu  west", "PROD", "db"]), "tags").expect("ok");
        assert_eq!(tags, strings(&["db", "eu west", "prod"]));
        let kept = normalize(&strings(&["Zürich", "team/api", "v1.2:eu-west_1"]), "tags");
        assert_eq!(kept.expect("ok"), strings(&["team/api", "v1.2:eu-west_1", "zürich"]));
    }

    #[test]
    fn bad_tags_name_the_field() {
        for bad in
            ["", "   ", "a,b", "bell\u{7}", "a&b", "c#", "x+y", "q?", &"x".repeat(MAX_LEN + 1)]
        {
            let err = normalize(&strings(&[bad]), "tags").expect_err(bad);
            assert_eq!(err.field, "tags", "{bad:?}");
        }
        let many: Vec<String> = (0..=MAX_TAGS).map(|i| format!("t{i}")).collect();
        assert!(normalize(&many, "tags").is_err());
        let enough: Vec<String> = (0..MAX_TAGS).map(|i| format!("t{i}")).collect();
        assert_eq!(normalize(&enough, "tags").expect("20 tags").len(), MAX_TAGS);
    }

    #[test]
    fn a_form_splits_on_commas() {
        assert_eq!(split(" prod, eu ,, db "), strings(&["prod", "eu", "db"]));
    }

    #[test]
    fn a_tag_keeps_its_hue() {
        assert_eq!(hue("prod"), hue("prod"));
        assert_ne!(hue("prod"), hue("staging"));
        assert!(hue("anything") < 360);
    }
}
