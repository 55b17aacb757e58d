//! The organizer's local edits, kept apart from the import and applied
//! over it by stable session id.

use jiff::Timestamp;
use rusqlite::params;

use super::audit::UndoAction;
use super::Store;
use crate::edits::{self, Applied, DelayPlan, Edit};
use crate::error::{Error, Result};
use crate::model::Schedule;

/// A local edit as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoredEdit {
    /// Also the order edits apply in.
    pub id: i64,
    pub created_at: Timestamp,
    /// Where it was made, e.g. `control panel on kiosk-3`.
    pub origin: String,
    pub edit: Edit,
    pub undone: bool,
}

/// An edit just recorded.
#[derive(Debug, Clone)]
pub struct RecordedEdit {
    pub id: i64,
    /// The edit as stored (an added session's id filled in).
    pub edit: Edit,
    /// The audit log's sentence for it.
    pub what: String,
    /// The effective schedule with it (what the screens show now).
    pub schedule: Schedule,
}

impl Store {
    /// Every local edit, undone ones included, in the order they apply.
    pub fn edits(&self) -> Result<Vec<StoredEdit>> {
        let rows = self.sql(self.collect(
            "SELECT id, created_at, origin, edit, undone FROM edits ORDER BY id",
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, bool>(4)?,
                ))
            },
        ))?;
        rows.into_iter()
            .map(|(id, created_at, origin, json, undone)| {
                let edit = serde_json::from_str(&json)
                    .map_err(|e| self.corrupt(format!("edit {id}: {e}")))?;
                Ok(StoredEdit {
                    id,
                    created_at: Timestamp::from_second(created_at).unwrap_or_default(),
                    origin,
                    edit,
                    undone,
                })
            })
            .collect()
    }

    /// The edits in force (not undone), in the order they apply.
    pub fn active_edits(&self) -> Result<Vec<StoredEdit>> {
        Ok(self.edits()?.into_iter().filter(|e| !e.undone).collect())
    }

    /// The imported schedule with the active edits applied, and which
    /// edits did not apply (indexes into [`Store::active_edits`]); `None`
    /// when nothing has been imported yet.
    pub fn effective(&self) -> Result<Option<Applied>> {
        let Some(imported) = self.load()? else {
            return Ok(None);
        };
        let edits: Vec<Edit> = self.active_edits()?.into_iter().map(|e| e.edit).collect();
        Ok(Some(edits::apply(&imported, &edits)))
    }

    /// What the screens show: the imported schedule ([`Store::load`]) with
    /// the active edits applied.
    pub fn effective_schedule(&self) -> Result<Option<Schedule>> {
        Ok(self.effective()?.map(|a| a.schedule))
    }

    /// What delaying `room` by `minutes` from `from` would move, on the
    /// effective schedule (for the organizer to confirm).
    pub fn plan_delay(&self, room: &str, from: Timestamp, minutes: i64) -> Result<DelayPlan> {
        let schedule = self
            .effective_schedule()?
            .ok_or_else(|| self.no_schedule())?;
        Ok(edits::plan_delay(&schedule, room, from, minutes)?)
    }

    fn no_schedule(&self) -> Error {
        Error::NoSchedule {
            path: self.name.clone(),
        }
    }

    /// Record an edit made at `now` from `origin` (e.g. `control panel on
    /// kiosk-3`), with its audit entry, in one transaction. Refused
    /// ([`Error::Edit`], naming the session) if it does not apply to the
    /// effective schedule or would create an overlap or invalid times. An
    /// added session with an empty id gets `local-<n>`.
    pub fn record_edit(
        &mut self,
        edit: Edit,
        origin: &str,
        now: Timestamp,
    ) -> Result<RecordedEdit> {
        self.in_transaction(|store, _| {
            let imported = store.load()?.ok_or_else(|| store.no_schedule())?;
            let active: Vec<Edit> = store.active_edits()?.into_iter().map(|e| e.edit).collect();
            let effective = edits::apply(&imported, &active).schedule;
            let mut edit = edit;
            if let Edit::AddSession { session } = &mut edit {
                if session.id.trim().is_empty() {
                    let mut n: i64 = store.sql(store.conn.query_row(
                        "SELECT coalesce(max(id), 0) + 1 FROM edits",
                        [],
                        |r| r.get(0),
                    ))?;
                    while effective.session(&format!("local-{n}")).is_some() {
                        n += 1;
                    }
                    session.id = format!("local-{n}");
                }
            }
            let schedule = edits::apply_edit(&effective, &edit)?;
            let what = edit.describe_in(store.language.catalogue(), &effective);
            edit.normalize_rooms(&effective);
            let json = serde_json::to_string(&edit).expect("an edit serialises");
            store.sql(store.conn.execute(
                "INSERT INTO edits (created_at, origin, edit) VALUES (?1, ?2, ?3)",
                params![now.as_second(), origin, json],
            ))?;
            let id = store.conn.last_insert_rowid();
            store.audit_insert(now, origin, "edit", &what, Some(&UndoAction::Edit { id }))?;
            Ok(RecordedEdit {
                id,
                edit,
                what,
                schedule,
            })
        })
    }
}
