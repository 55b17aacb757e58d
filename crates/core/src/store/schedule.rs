//! The imported schedule: written whole as one revision, read back whole.

use jiff::{civil, SignedDuration, Timestamp};
use rusqlite::{params, Connection, OptionalExtension};

use super::{Store, KEEP_REVISION_SCHEDULES};
use crate::error::{Error, Result};
use crate::model::{
    Conference, Day, Room, Schedule, Session, SessionInfo, SessionKind, Speaker, Track,
};
use crate::sync::ImportSummary;

impl Store {
    /// Replace the stored schedule with `schedule` in one transaction and
    /// return the new revision. On any error nothing changes. Local edits
    /// and announcements are kept (see [`Store::effective_schedule`]).
    pub fn replace_schedule(&mut self, schedule: &Schedule, source: &str) -> Result<i64> {
        let json = serde_json::to_string(schedule).map_err(|e| Error::Store {
            path: self.name.clone(),
            message: format!("cannot keep the schedule for rollback: {e}"),
        })?;
        let (revision, summary) = self
            .in_transaction(|store, tx| store.sql(write_schedule(tx, schedule, source, &json)))?;
        tracing::info!(store = %self.name, revision, source, %summary, "schedule stored");
        Ok(revision)
    }

    /// The stored (imported) schedule, or `None` when nothing has been
    /// imported yet. Local edits are not in it: the screens show
    /// [`Store::effective_schedule`].
    pub fn load(&self) -> Result<Option<Schedule>> {
        let conference = self.sql(
            self.conn
                .query_row(
                    "SELECT ext_id, name, timezone, venue, day_change_minutes FROM conference WHERE singleton = 1",
                    [],
                    |r| {
                        Ok(Conference {
                            id: r.get(0)?,
                            name: r.get(1)?,
                            timezone: r.get(2)?,
                            venue: r.get(3)?,
                            day_change: SignedDuration::from_mins(r.get(4)?),
                        })
                    },
                )
                .optional(),
        )?;
        let Some(conference) = conference else {
            return Ok(None);
        };
        let venue_tz = crate::model::venue_zone(&conference.timezone).map_err(|e| {
            self.corrupt(format!("stored time zone {:?}: {e}", conference.timezone))
        })?;
        let days = self.load_days()?;
        let rooms = self.sql(self.collect(
            "SELECT id, name FROM rooms ORDER BY position",
            |r| {
                Ok(Room {
                    id: r.get(0)?,
                    name: r.get(1)?,
                })
            },
        ))?;
        let tracks = self.sql(self.collect(
            "SELECT id, name, colour FROM tracks ORDER BY position",
            |r| {
                Ok(Track {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    colour: r.get(2)?,
                })
            },
        ))?;
        let speakers = self.sql(self.collect(
            "SELECT id, name, affiliation FROM speakers ORDER BY position",
            |r| {
                Ok(Speaker {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    affiliation: r.get(2)?,
                })
            },
        ))?;
        let sessions = self.load_sessions()?;
        Ok(Some(Schedule::new(
            conference, venue_tz, days, rooms, tracks, speakers, sessions,
        )))
    }

    fn load_days(&self) -> Result<Vec<Day>> {
        self.sql(
            self.collect("SELECT date, label FROM days ORDER BY date", |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
            }),
        )?
        .into_iter()
        .map(|(date, label)| {
            date.parse::<civil::Date>()
                .map(|date| Day { date, label })
                .map_err(|e| self.corrupt(format!("stored day {date:?}: {e}")))
        })
        .collect()
    }

    fn load_sessions(&self) -> Result<Vec<Session>> {
        let mut links: std::collections::HashMap<String, Vec<String>> =
            std::collections::HashMap::new();
        for (session, speaker) in self.sql(self.collect(
            "SELECT session_id, speaker_id FROM session_speakers ORDER BY session_id, position",
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        ))? {
            links.entry(session).or_default().push(speaker);
        }
        let rows = self.sql(self.collect(
            "SELECT id, title, subtitle, abstract, info, room_id, track_id, kind, start_utc, end_utc FROM sessions",
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, i64>(8)?,
                    r.get::<_, i64>(9)?,
                ))
            },
        ))?;
        let mut sessions = Vec::with_capacity(rows.len());
        for (id, title, subtitle, abstract_text, info, room, track, kind, start, end) in rows {
            let kind = SessionKind::parse(&kind)
                .ok_or_else(|| self.corrupt(format!("session {id:?}: kind {kind:?}")))?;
            let info: SessionInfo = match info {
                None => SessionInfo::default(),
                Some(json) => serde_json::from_str(&json)
                    .map_err(|e| self.corrupt(format!("session {id:?}: info: {e}")))?,
            };
            let instant = |secs: i64| {
                Timestamp::from_second(secs)
                    .map_err(|e| self.corrupt(format!("session {id:?}: time {secs}: {e}")))
            };
            sessions.push(Session {
                speakers: links.remove(&id).unwrap_or_default(),
                start: instant(start)?,
                end: instant(end)?,
                id,
                title,
                subtitle,
                abstract_text,
                room,
                track,
                kind,
                cancelled: false,
                info,
            });
        }
        Ok(sessions)
    }

    /// Store `schedule` as a new revision if it differs from what is stored,
    /// and say what changed. Unchanged: no revision, nothing written. Local
    /// edits and announcements are kept and apply over the new import.
    pub fn apply(&mut self, schedule: &Schedule, source: &str) -> Result<ImportSummary> {
        let old = self.load()?;
        let mut summary = ImportSummary::between(old.as_ref(), schedule);
        if old.as_ref() != Some(schedule) {
            summary.revision = Some(self.replace_schedule(schedule, source)?);
        }
        Ok(summary)
    }
}

/// Write `schedule` over the stored one as a new revision, keeping its JSON
/// for rollback (the last [`KEEP_REVISION_SCHEDULES`]), inside the caller's
/// transaction. Returns the revision and its summary.
pub(super) fn write_schedule(
    conn: &Connection,
    schedule: &Schedule,
    source: &str,
    json: &str,
) -> rusqlite::Result<(i64, String)> {
    conn.execute_batch(
        "DELETE FROM session_speakers; DELETE FROM sessions; DELETE FROM speakers;
             DELETE FROM tracks; DELETE FROM rooms; DELETE FROM days; DELETE FROM conference;",
    )?;
    let c = &schedule.conference;
    conn.execute(
            "INSERT INTO conference (singleton, ext_id, name, timezone, venue, day_change_minutes) VALUES (1, ?1, ?2, ?3, ?4, ?5)",
            params![c.id, c.name, c.timezone, c.venue, c.day_change.as_mins()],
        )
        ?;
    {
        let mut ins = conn.prepare("INSERT INTO days (date, label) VALUES (?1, ?2)")?;
        for d in &schedule.days {
            ins.execute(params![d.date.to_string(), d.label])?;
        }
        let mut ins = conn.prepare("INSERT INTO rooms (id, name, position) VALUES (?1, ?2, ?3)")?;
        for (i, r) in schedule.rooms.iter().enumerate() {
            ins.execute(params![r.id, r.name, i as i64])?;
        }
        let mut ins = conn
            .prepare("INSERT INTO tracks (id, name, colour, position) VALUES (?1, ?2, ?3, ?4)")?;
        for (i, t) in schedule.tracks.iter().enumerate() {
            ins.execute(params![t.id, t.name, t.colour, i as i64])?;
        }
        let mut ins = conn.prepare(
            "INSERT INTO speakers (id, name, affiliation, position) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (i, s) in schedule.speakers.iter().enumerate() {
            ins.execute(params![s.id, s.name, s.affiliation, i as i64])?;
        }
        let mut ins = conn
                .prepare(
                    "INSERT INTO sessions (id, title, subtitle, abstract, info, room_id, track_id, kind, start_utc, end_utc)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                ?;
        let mut ins_sp = conn.prepare(
            "INSERT INTO session_speakers (session_id, speaker_id, position) VALUES (?1, ?2, ?3)",
        )?;
        for s in &schedule.sessions {
            ins.execute(params![
                s.id,
                s.title,
                s.subtitle,
                s.abstract_text,
                (!s.info.is_empty())
                    .then(|| serde_json::to_string(&s.info).expect("session info serialises")),
                s.room,
                s.track,
                s.kind.as_str(),
                s.start.as_second(),
                s.end.as_second()
            ])?;
            for (i, sp) in s.speakers.iter().enumerate() {
                ins_sp.execute(params![s.id, sp, i as i64])?;
            }
        }
    }
    let summary = format!(
        "{}: {} rooms, {} sessions",
        schedule.conference.name,
        schedule.rooms.len(),
        schedule.sessions.len()
    );
    conn.execute(
        "INSERT INTO revisions (applied_at, source, summary) VALUES (?1, ?2, ?3)",
        params![Timestamp::now().to_string(), source, summary],
    )?;
    let revision = conn.last_insert_rowid();
    conn.execute(
        "INSERT INTO revision_schedules (revision, schedule) VALUES (?1, ?2)",
        params![revision, json],
    )?;
    conn.execute(
        "DELETE FROM revision_schedules WHERE revision <= ?1",
        [revision - KEEP_REVISION_SCHEDULES],
    )?;
    Ok((revision, summary))
}
