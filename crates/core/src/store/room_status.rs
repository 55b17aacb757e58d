//! Room statuses ("filling up", "full"): each change is a row, the latest
//! row of a room not undone is what holds, a row without a status clears
//! it. So undo is marking the row undone, and the one before shows again.

use jiff::Timestamp;
use rusqlite::params;

use super::audit::UndoAction;
use super::Store;
use crate::edits::{RoomStatus, RoomStatusRequest};
use crate::error::{Error, Result};
use crate::model::Schedule;

impl Store {
    /// Set a room's status (checked against the effective schedule; see
    /// [`RoomStatus::new`]) in one transaction, audited and undoable.
    pub fn set_room_status(
        &mut self,
        request: RoomStatusRequest,
        origin: &str,
        now: Timestamp,
    ) -> Result<RoomStatus> {
        self.in_transaction(|store, _| {
            let schedule = store.effective_schedule()?.ok_or_else(|| Error::NoSchedule {
                path: store.name.clone(),
            })?;
            let status = RoomStatus::new(&schedule, request, now)?;
            let json = serde_json::to_string(&status).expect("a room status serialises");
            store.sql(store.conn.execute(
                "INSERT INTO room_status (room, status, created_at, origin) VALUES (?1, ?2, ?3, ?4)",
                params![status.room, json, now.as_second(), origin],
            ))?;
            let seq = store.conn.last_insert_rowid();
            store.audit_insert(
                now,
                origin,
                "room_status",
                &describe(&schedule, &status),
                Some(&UndoAction::RoomStatus { seq }),
            )?;
            Ok(status)
        })
    }

    /// Clear a room's status (audited, undoable). False if it had none.
    pub fn clear_room_status(&mut self, room: &str, origin: &str, now: Timestamp) -> Result<bool> {
        self.in_transaction(|store, _| {
            let schedule = store.effective_schedule()?;
            let room_id = schedule
                .as_ref()
                .and_then(|s| s.room_by_name(room))
                .map_or_else(|| room.to_string(), |r| r.id.clone());
            if !store.room_statuses()?.iter().any(|s| s.room == room_id) {
                return Ok(false);
            }
            store.sql(store.conn.execute(
                "INSERT INTO room_status (room, status, created_at, origin) VALUES (?1, NULL, ?2, ?3)",
                params![room_id, now.as_second(), origin],
            ))?;
            let seq = store.conn.last_insert_rowid();
            let name = schedule
                .as_ref()
                .and_then(|s| s.room(&room_id))
                .map_or(room_id.clone(), |r| r.name.clone());
            store.audit_insert(
                now,
                origin,
                "room_status",
                &format!("Cleared the status of {name}"),
                Some(&UndoAction::RoomStatus { seq }),
            )?;
            Ok(true)
        })
    }

    /// Each room's status as last set and not cleared or undone (whether it
    /// still shows depends on the time: see [`crate::edits::active_status`]).
    pub fn room_statuses(&self) -> Result<Vec<RoomStatus>> {
        let rows = self.sql(self.collect(
            "SELECT r.seq, r.status FROM room_status r
             WHERE r.undone = 0 AND r.seq = (SELECT max(seq) FROM room_status
                                             WHERE room = r.room AND undone = 0)
             ORDER BY r.seq",
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?)),
        ))?;
        rows.into_iter()
            .filter_map(|(seq, json)| Some((seq, json?)))
            .map(|(seq, json)| {
                serde_json::from_str(&json)
                    .map_err(|e| self.corrupt(format!("room status {seq}: {e}")))
            })
            .collect()
    }
}

/// `Main hall: Full (overflow: Breakout A)` for the audit log.
fn describe(schedule: &Schedule, status: &RoomStatus) -> String {
    let name = |id: &str| schedule.room(id).map_or(id.to_string(), |r| r.name.clone());
    let mut text = format!("{}: {}", name(&status.room), status.occupancy.text());
    if let Some(overflow) = &status.overflow {
        text.push_str(&format!(" (overflow: {})", name(overflow)));
    }
    if let Some(url) = &status.stream_url {
        text.push_str(&format!(" (stream: {url})"));
    }
    text
}
