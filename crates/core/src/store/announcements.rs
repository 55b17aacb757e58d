//! Announcements: posted and taken down with an audit entry each.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};

use super::audit::UndoAction;
use super::Store;
use crate::edits::{self, Announcement, Priority};
use crate::error::Result;
use crate::model::Schedule;

impl Store {
    /// Post an announcement (validated: text, rooms, expiry; see
    /// [`Announcement::validate`]) with its audit entry, in one transaction.
    /// An empty id gets `ann-<n>`. Returns it as stored.
    pub fn add_announcement(
        &mut self,
        announcement: Announcement,
        origin: &str,
        now: Timestamp,
    ) -> Result<Announcement> {
        self.in_transaction(|store, _| {
            let schedule = store.effective_schedule()?;
            let mut a = announcement.validate(schedule.as_ref(), now)?;
            let seq: i64 = store.sql(store.conn.query_row(
                "SELECT coalesce(max(seq), 0) + 1 FROM announcements",
                [],
                |r| r.get(0),
            ))?;
            if a.id.trim().is_empty() {
                a.id = format!("ann-{seq}");
            }
            let rooms = a
                .rooms
                .as_ref()
                .map(|r| serde_json::to_string(r).expect("room ids serialise"));
            let priority = match a.priority {
                Priority::Normal => "normal",
                Priority::Urgent => "urgent",
            };
            let inserted = store.conn.execute(
                "INSERT INTO announcements (seq, id, text, rooms, priority, starts, expires, created_at, origin)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    seq,
                    a.id,
                    a.text,
                    rooms,
                    priority,
                    a.starts.to_string(),
                    a.expires.map(|t| t.to_string()),
                    now.as_second(),
                    origin
                ],
            );
            if let Err(rusqlite::Error::SqliteFailure(e, _)) = &inserted {
                if e.code == rusqlite::ErrorCode::ConstraintViolation {
                    return Err(edits::EditError::InvalidAnnouncement {
                        id: a.id.clone(),
                        message: "an announcement with this id exists already".into(),
                    }
                    .into());
                }
            }
            store.sql(inserted)?;
            let what = format!("Announced “{}”{}", a.text, announcement_scope(schedule.as_ref(), &a));
            store.audit_insert(
                now,
                origin,
                "announce",
                &what,
                Some(&UndoAction::AddAnnouncement { id: a.id.clone() }),
            )?;
            Ok(a)
        })
    }

    /// Take an announcement off the screens (one transaction, audited,
    /// undoable). False if there is no such announcement on.
    pub fn remove_announcement(&mut self, id: &str, origin: &str, now: Timestamp) -> Result<bool> {
        self.in_transaction(|store, _| {
            let text: Option<String> = store.sql(
                store
                    .conn
                    .query_row(
                        "SELECT text FROM announcements WHERE id = ?1 AND removed = 0",
                        [id],
                        |r| r.get(0),
                    )
                    .optional(),
            )?;
            let Some(text) = text else {
                return Ok(false);
            };
            store.sql(
                store
                    .conn
                    .execute("UPDATE announcements SET removed = 1 WHERE id = ?1", [id]),
            )?;
            store.audit_insert(
                now,
                origin,
                "remove_announcement",
                &format!("Took down the announcement “{text}”"),
                Some(&UndoAction::RemoveAnnouncement { id: id.to_string() }),
            )?;
            Ok(true)
        })
    }

    /// The announcements not taken down (expired ones included), oldest
    /// first; give them to [`crate::snapshot::set_announcements`].
    pub fn announcements(&self) -> Result<Vec<Announcement>> {
        let rows = self.sql(self.collect(
            "SELECT id, text, rooms, priority, starts, expires FROM announcements
             WHERE removed = 0 ORDER BY seq",
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            },
        ))?;
        rows.into_iter()
            .map(|(id, text, rooms, priority, starts, expires)| {
                let bad = |what: &str, e: &dyn std::fmt::Display| {
                    self.corrupt(format!("announcement {id:?}: {what}: {e}"))
                };
                let instant = |t: &str| t.parse::<Timestamp>().map_err(|e| bad("time", &e));
                Ok(Announcement {
                    rooms: rooms
                        .map(|r| serde_json::from_str(&r).map_err(|e| bad("rooms", &e)))
                        .transpose()?,
                    priority: if priority == "urgent" {
                        Priority::Urgent
                    } else {
                        Priority::Normal
                    },
                    starts: instant(&starts)?,
                    expires: expires.as_deref().map(instant).transpose()?,
                    text,
                    id: id.clone(),
                })
            })
            .collect()
    }
}

/// ` in Main hall, Room B` or ` on every screen`.
fn announcement_scope(schedule: Option<&Schedule>, a: &Announcement) -> String {
    match &a.rooms {
        None => " on every screen".into(),
        Some(rooms) => {
            let names: Vec<String> = rooms
                .iter()
                .map(|id| {
                    schedule
                        .and_then(|s| s.room(id))
                        .map(|r| r.name.clone())
                        .unwrap_or_else(|| id.clone())
                })
                .collect();
            format!(" in {}", names.join(", "))
        }
    }
}
