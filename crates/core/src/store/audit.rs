//! The audit log: every local change, with how to undo it.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::error::Result;

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: Timestamp,
    pub origin: String,
    /// `edit`, `announce`, `remove_announcement`, `room_status`,
    /// `emergency`, `clear_emergency`, `undo` or `rollback`.
    pub action: String,
    /// A sentence, in venue time: `Delayed Main hall by 10 minutes from 10:05 (…)`.
    pub what: String,
    /// [`Store::undo_last`] can still undo it.
    pub undoable: bool,
    pub undone: bool,
}

/// What [`Store::undo_last`] undid.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Undone {
    /// The audit entry undone.
    pub audit_id: i64,
    pub what: String,
}

/// How to undo an audited change (the audit table's `undo` JSON).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(tag = "undo", rename_all = "snake_case")]
pub(super) enum UndoAction {
    /// Mark the edit undone.
    Edit { id: i64 },
    /// Take the announcement off (it was added).
    AddAnnouncement { id: String },
    /// Put the announcement back (it was removed).
    RemoveAnnouncement { id: String },
    /// Drop a room status change: the one before holds again.
    RoomStatus { seq: i64 },
}

impl Store {
    pub(super) fn audit_insert(
        &self,
        at: Timestamp,
        origin: &str,
        action: &str,
        what: &str,
        undo: Option<&UndoAction>,
    ) -> Result<i64> {
        let undo = undo.map(|u| serde_json::to_string(u).expect("an undo action serialises"));
        self.sql(self.conn.execute(
            "INSERT INTO audit (at, origin, action, what, undo) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![at.as_second(), origin, action, what, undo],
        ))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Undo the last change still undoable (an edit, or adding or removing
    /// an announcement; a rollback is undone by rolling back again), in one
    /// transaction, and log it. Repeated calls walk back further. `None`:
    /// nothing left to undo.
    pub fn undo_last(&mut self, origin: &str, now: Timestamp) -> Result<Option<Undone>> {
        self.in_transaction(|store, _| {
            let last = store.sql(
                store
                    .conn
                    .query_row(
                        "SELECT id, what, undo FROM audit WHERE undo IS NOT NULL AND undone = 0
                         ORDER BY id DESC LIMIT 1",
                        [],
                        |r| {
                            Ok((
                                r.get::<_, i64>(0)?,
                                r.get::<_, String>(1)?,
                                r.get::<_, String>(2)?,
                            ))
                        },
                    )
                    .optional(),
            )?;
            let Some((audit_id, what, undo)) = last else {
                return Ok(None);
            };
            let action: UndoAction = serde_json::from_str(&undo)
                .map_err(|e| store.corrupt(format!("audit entry {audit_id}: {e}")))?;
            let changed = match &action {
                UndoAction::Edit { id } => store.sql(
                    store
                        .conn
                        .execute("UPDATE edits SET undone = 1 WHERE id = ?1", [id]),
                )?,
                UndoAction::AddAnnouncement { id } => store.sql(
                    store
                        .conn
                        .execute("UPDATE announcements SET removed = 1 WHERE id = ?1", [id]),
                )?,
                UndoAction::RemoveAnnouncement { id } => store.sql(
                    store
                        .conn
                        .execute("UPDATE announcements SET removed = 0 WHERE id = ?1", [id]),
                )?,
                UndoAction::RoomStatus { seq } => store.sql(
                    store
                        .conn
                        .execute("UPDATE room_status SET undone = 1 WHERE seq = ?1", [seq]),
                )?,
            };
            if changed != 1 {
                return Err(store.corrupt(format!(
                    "audit entry {audit_id}: what it changed is no longer stored"
                )));
            }
            store.sql(
                store
                    .conn
                    .execute("UPDATE audit SET undone = 1 WHERE id = ?1", [audit_id]),
            )?;
            let line = store
                .language
                .catalogue()
                .fill("panel.audit.undid", &[("what", &what)]);
            store.audit_insert(now, origin, "undo", &line, None)?;
            Ok(Some(Undone { audit_id, what }))
        })
    }

    /// The audit log, newest first, at most `limit` entries.
    pub fn audit(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.sql(self.conn.prepare(
            "SELECT id, at, origin, action, what, undo IS NOT NULL AND undone = 0, undone
             FROM audit ORDER BY id DESC LIMIT ?1",
        ))?;
        let rows = self.sql(stmt.query_map([limit as i64], |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at: Timestamp::from_second(r.get(1)?).unwrap_or_default(),
                origin: r.get(2)?,
                action: r.get(3)?,
                what: r.get(4)?,
                undoable: r.get(5)?,
                undone: r.get(6)?,
            })
        }))?;
        self.sql(rows.collect())
    }
}
