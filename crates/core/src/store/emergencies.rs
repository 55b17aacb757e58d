//! Emergency messages: posted and cleared with an audit entry each. Neither
//! is undone by "undo": an evacuation notice must not come back, or go, by
//! a slip on the wrong button; clearing is its own explicit step.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::edits::{EditError, Emergency};
use crate::error::Result;

impl Store {
    /// Post an emergency message (validated: [`Emergency::validate`]) in one
    /// transaction, audited. An empty id gets `emergency-<n>`.
    pub fn add_emergency(
        &mut self,
        emergency: Emergency,
        origin: &str,
        now: Timestamp,
    ) -> Result<Emergency> {
        self.in_transaction(|store, _| {
            let schedule = store.effective_schedule()?;
            let mut e = emergency.validate(schedule.as_ref(), now)?;
            let seq: i64 = store.sql(store.conn.query_row(
                "SELECT coalesce(max(seq), 0) + 1 FROM emergencies",
                [],
                |r| r.get(0),
            ))?;
            if e.id.trim().is_empty() {
                e.id = format!("emergency-{seq}");
            }
            let json = serde_json::to_string(&e).expect("an emergency serialises");
            let inserted = store.conn.execute(
                "INSERT INTO emergencies (seq, id, emergency, created_at, origin) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![seq, e.id, json, now.as_second(), origin],
            );
            if let Err(rusqlite::Error::SqliteFailure(f, _)) = &inserted {
                if f.code == rusqlite::ErrorCode::ConstraintViolation {
                    return Err(EditError::InvalidEmergency {
                        id: e.id.clone(),
                        message: "an emergency message with this id exists already".into(),
                    }
                    .into());
                }
            }
            store.sql(inserted)?;
            let scope = match &e.rooms {
                None => "every screen".to_string(),
                Some(rooms) => rooms
                    .iter()
                    .map(|id| {
                        schedule
                            .as_ref()
                            .and_then(|s| s.room(id))
                            .map_or(id.clone(), |r| r.name.clone())
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            store.audit_insert(
                now,
                origin,
                "emergency",
                &format!("Emergency message “{}” on {scope}", e.headline),
                None,
            )?;
            Ok(e)
        })
    }

    /// Take an emergency message off the screens (audited). False if there
    /// is no such message on.
    pub fn clear_emergency(&mut self, id: &str, origin: &str, now: Timestamp) -> Result<bool> {
        self.in_transaction(|store, _| {
            let json: Option<String> = store.sql(
                store
                    .conn
                    .query_row(
                        "SELECT emergency FROM emergencies WHERE id = ?1 AND cleared = 0",
                        [id],
                        |r| r.get(0),
                    )
                    .optional(),
            )?;
            let Some(json) = json else {
                return Ok(false);
            };
            let e: Emergency = serde_json::from_str(&json)
                .map_err(|err| store.corrupt(format!("emergency {id:?}: {err}")))?;
            store.sql(
                store
                    .conn
                    .execute("UPDATE emergencies SET cleared = 1 WHERE id = ?1", [id]),
            )?;
            store.audit_insert(
                now,
                origin,
                "clear_emergency",
                &format!("Cleared the emergency message “{}”", e.headline),
                None,
            )?;
            Ok(true)
        })
    }

    /// The emergency messages not cleared (expired ones included), oldest
    /// first; what a screen shows is [`crate::edits::current_emergency`].
    pub fn emergencies(&self) -> Result<Vec<Emergency>> {
        let rows = self.sql(self.collect(
            "SELECT id, emergency FROM emergencies WHERE cleared = 0 ORDER BY seq",
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        ))?;
        rows.into_iter()
            .map(|(id, json)| {
                serde_json::from_str(&json)
                    .map_err(|e| self.corrupt(format!("emergency {id:?}: {e}")))
            })
            .collect()
    }
}
