//! Schedule revisions: the list, and rolling back to the one before.

use jiff::Timestamp;
use rusqlite::OptionalExtension;

use super::schedule::write_schedule;
use super::Store;
use crate::error::{Error, Result};
use crate::model::Schedule;

/// How many imported revisions keep their schedule for rollback.
pub const KEEP_REVISION_SCHEDULES: i64 = 5;

/// One schedule revision.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RevisionInfo {
    pub revision: i64,
    pub applied_at: String,
    pub source: String,
    pub summary: String,
    /// Its schedule is kept, so it can be rolled back to.
    pub restorable: bool,
    pub current: bool,
}

impl Store {
    /// The revision of the schedule now stored; 0 when none has been.
    pub fn revision(&self) -> Result<i64> {
        self.sql(self.conn.query_row(
            "SELECT coalesce(max(revision), 0) FROM revisions",
            [],
            |r| r.get(0),
        ))
    }

    /// Every schedule revision, newest first.
    pub fn revisions_list(&self) -> Result<Vec<RevisionInfo>> {
        let current = self.revision()?;
        self.sql(self.collect(
            "SELECT r.revision, r.applied_at, r.source, r.summary, s.revision IS NOT NULL
             FROM revisions r LEFT JOIN revision_schedules s ON s.revision = r.revision
             ORDER BY r.revision DESC",
            |r| {
                let revision: i64 = r.get(0)?;
                Ok(RevisionInfo {
                    revision,
                    applied_at: r.get(1)?,
                    source: r.get(2)?,
                    summary: r.get(3)?,
                    restorable: r.get(4)?,
                    current: revision == current,
                })
            },
        ))
    }

    /// Put back the imported schedule of the revision before the current
    /// one, as a new revision, with an audit entry, in one transaction
    /// (local edits stay and apply over it). Rolling back twice returns to
    /// where it was. Returns the new revision.
    pub fn rollback_to_previous(&mut self, origin: &str, now: Timestamp) -> Result<i64> {
        self.in_transaction(|store, tx| {
            let current = store.revision()?;
            let previous = store.sql(
                store
                    .conn
                    .query_row(
                        "SELECT s.revision, s.schedule, r.source FROM revision_schedules s
                         JOIN revisions r ON r.revision = s.revision
                         WHERE s.revision < ?1 ORDER BY s.revision DESC LIMIT 1",
                        [current],
                        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)),
                    )
                    .optional(),
            )?;
            let Some((revision, json, source)) = previous else {
                return Err(Error::NothingToRollBack {
                    path: store.name.clone(),
                });
            };
            let schedule: Schedule = serde_json::from_str(&json)
                .map_err(|e| store.corrupt(format!("revision {revision}'s schedule: {e}")))?;
            let (new, _) = store.sql(write_schedule(
                tx,
                &schedule,
                &format!("rollback to revision {revision}"),
                &json,
            ))?;
            store.audit_insert(
                now,
                origin,
                "rollback",
                &format!("Rolled the schedule back to revision {revision} (from {source}) as revision {new}"),
                None,
            )?;
            Ok(new)
        })
    }
}
