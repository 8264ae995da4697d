//! A DNS monitor's stored answers: the baseline a changed answer is compared
//! with, and the last answer seen. The checker reads the baseline and writes
//! the last answer (and, once, the first passing answer as the baseline); a
//! user with write access accepts the last answer as the new baseline. Both
//! are kept with the question they answer, so a monitor changed to ask
//! something else starts without a baseline.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::{AnswerSet, DnsSpec};
use crate::entities::dns_answers;
use crate::monitors::{Access, MonitorRef, Write};

/// What the monitor page and the API show of a DNS monitor's answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DnsAnswers {
    pub baseline: Option<AnswerSet>,
    pub baseline_at: Option<DateTime<Utc>>,
    pub last_answer: Option<AnswerSet>,
    pub last_answer_at: Option<DateTime<Utc>>,
}

impl DnsAnswers {
    /// Whether the last answer differs from the baseline (accepting it would change something).
    pub fn differs(&self) -> bool {
        matches!((&self.baseline, &self.last_answer), (Some(b), Some(l)) if b != l)
            || (self.baseline.is_none() && self.last_answer.is_some())
    }
}

/// Why accepting the current answer did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AcceptError {
    /// The monitor is not a DNS monitor.
    #[error("only DNS monitors have an answer to accept")]
    NotDns,
    /// No answer to the monitor's question was seen yet.
    #[error("the monitor has no answer yet; wait for its next check")]
    NoAnswer,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// The question both answers are to.
fn question(spec: &DnsSpec) -> String {
    format!("{} {}", spec.record_type, spec.name)
}

fn read(raw: Option<&str>) -> Option<AnswerSet> {
    raw.and_then(|json| serde_json::from_str(json).ok())
}

fn json(answer: &AnswerSet) -> String {
    serde_json::to_string(answer).unwrap_or_default()
}

/// The stored row if it answers the spec's question.
async fn row(
    db: &DatabaseConnection,
    monitor_id: Uuid,
    spec: &DnsSpec,
) -> Result<Option<dns_answers::Model>, DbErr> {
    let found = dns_answers::Entity::find_by_id(monitor_id).one(db).await?;
    Ok(found.filter(|row| row.query == question(spec)))
}

/// The baseline the checker compares with (for the pipeline: by id).
pub async fn baseline(
    db: &DatabaseConnection,
    monitor_id: Uuid,
    spec: &DnsSpec,
) -> Result<Option<AnswerSet>, DbErr> {
    Ok(row(db, monitor_id, spec).await?.and_then(|row| read(row.baseline.as_deref())))
}

/// Stores the answer a check saw; with `adopt`, it also becomes the baseline
/// unless one was set meanwhile (a user's accept is never overwritten).
pub async fn record_answer(
    db: &DatabaseConnection,
    monitor_id: Uuid,
    spec: &DnsSpec,
    answer: &AnswerSet,
    adopt: bool,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let query = question(spec);
    let stale = dns_answers::Entity::find_by_id(monitor_id)
        .one(db)
        .await?
        .is_some_and(|row| row.query != query);
    if stale {
        // Asked something else before: the old baseline answers another question.
        dns_answers::Entity::delete_by_id(monitor_id).exec(db).await?;
    }
    let fresh = dns_answers::ActiveModel {
        monitor_id: Set(monitor_id),
        query: Set(query.clone()),
        baseline: Set(None),
        baseline_at: Set(None),
        last_answer: Set(Some(json(answer))),
        last_answer_at: Set(Some(at)),
    };
    dns_answers::Entity::insert(fresh)
        .on_conflict(
            OnConflict::column(dns_answers::Column::MonitorId)
                .update_columns([
                    dns_answers::Column::LastAnswer,
                    dns_answers::Column::LastAnswerAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    if adopt {
        dns_answers::Entity::update_many()
            .col_expr(dns_answers::Column::Baseline, Expr::value(json(answer)))
            .col_expr(dns_answers::Column::BaselineAt, Expr::value(at))
            .filter(dns_answers::Column::MonitorId.eq(monitor_id))
            .filter(dns_answers::Column::Query.eq(query))
            .filter(dns_answers::Column::Baseline.is_null())
            .exec(db)
            .await?;
    }
    Ok(())
}

/// The monitor's baseline and last answer; empty for a monitor not checked yet.
pub async fn answers<A: Access>(monitor: &MonitorRef<A>) -> Result<DnsAnswers, AcceptError> {
    let spec = monitor.view().dns.as_ref().ok_or(AcceptError::NotDns)?;
    let Some(row) = row(monitor.db(), monitor.id(), spec).await? else {
        return Ok(DnsAnswers::default());
    };
    Ok(DnsAnswers {
        baseline: read(row.baseline.as_deref()),
        baseline_at: row.baseline_at,
        last_answer: read(row.last_answer.as_deref()),
        last_answer_at: row.last_answer_at,
    })
}

/// Makes the last answer the baseline: the next check compares with it (and,
/// if that was all that differed, comes back up).
pub async fn accept(
    monitor: &MonitorRef<Write>,
    at: DateTime<Utc>,
) -> Result<DnsAnswers, AcceptError> {
    let current = answers(monitor).await?;
    let last = current.last_answer.clone().ok_or(AcceptError::NoAnswer)?;
    dns_answers::Entity::update_many()
        .col_expr(dns_answers::Column::Baseline, Expr::value(json(&last)))
        .col_expr(dns_answers::Column::BaselineAt, Expr::value(at))
        .filter(dns_answers::Column::MonitorId.eq(monitor.id()))
        .exec(monitor.db())
        .await?;
    tracing::info!(monitor_id = %monitor.id(), by = %monitor.caller().user_id, "accepted the current DNS answer as the baseline");
    Ok(DnsAnswers { baseline: Some(last), baseline_at: Some(at), ..current })
}
