//! The SQLite store: WAL, versioned migrations, an `application_id`, one
//! writer, every change one transaction, and a schedule revision number.
//!
//! The control panel's changes (migration 4) are kept apart from the
//! imported schedule: local [`Edit`]s, announcements and an audit log that
//! says how to undo each change. [`Store::load`] is the import as it came;
//! [`Store::effective_schedule`] is what the screens show (the import with
//! the edits applied). Each import also keeps its schedule as JSON for
//! [`Store::rollback_to_previous`].

use std::path::Path;

use jiff::{civil, SignedDuration, Timestamp};
use rusqlite::{
    params, Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior,
};

use crate::edits::{self, Announcement, Applied, DelayPlan, Edit, Priority};
use crate::error::{Error, Result};
use crate::fetch::Validator;
use crate::model::{Conference, Day, Room, Schedule, Session, SessionKind, Speaker, Track};
use crate::sync::{ImportSummary, SyncState};

/// `SKIO`: marks a file as a Summit Kiosk store (`PRAGMA application_id`).
pub const APPLICATION_ID: i32 = 0x534B_494F;

/// Each entry moves the schema from version `index` to `index + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: the schedule and its revisions.
    "CREATE TABLE revisions (
        revision   INTEGER PRIMARY KEY,
        applied_at TEXT NOT NULL,
        source     TEXT NOT NULL,
        summary    TEXT NOT NULL
    );
    CREATE TABLE conference (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        ext_id    TEXT NOT NULL,
        name      TEXT NOT NULL,
        timezone  TEXT NOT NULL,
        venue     TEXT,
        day_change_minutes INTEGER NOT NULL DEFAULT 240 CHECK (day_change_minutes BETWEEN 0 AND 1439)
    );
    CREATE TABLE days (
        date  TEXT PRIMARY KEY,
        label TEXT
    );
    CREATE TABLE rooms (
        id       TEXT PRIMARY KEY,
        name     TEXT NOT NULL,
        position INTEGER NOT NULL
    );
    CREATE TABLE tracks (
        id       TEXT PRIMARY KEY,
        name     TEXT NOT NULL,
        colour   TEXT,
        position INTEGER NOT NULL
    );
    CREATE TABLE speakers (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        affiliation TEXT,
        position    INTEGER NOT NULL
    );
    CREATE TABLE sessions (
        id         TEXT PRIMARY KEY,
        title      TEXT NOT NULL,
        subtitle   TEXT,
        abstract   TEXT,
        slides_url TEXT,
        room_id    TEXT NOT NULL REFERENCES rooms(id),
        track_id   TEXT REFERENCES tracks(id),
        kind       TEXT NOT NULL CHECK (kind IN ('talk', 'break', 'working_session', 'social')),
        start_utc  INTEGER NOT NULL,
        end_utc    INTEGER NOT NULL CHECK (end_utc > start_utc)
    );
    CREATE INDEX sessions_room_start ON sessions(room_id, start_utc);
    CREATE TABLE session_speakers (
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        speaker_id TEXT NOT NULL REFERENCES speakers(id),
        position   INTEGER NOT NULL,
        PRIMARY KEY (session_id, position)
    );",
    // 2: the state of each sync source.
    "CREATE TABLE sync_state (
        source        TEXT PRIMARY KEY,
        last_attempt  INTEGER,
        last_success  INTEGER,
        failing_since INTEGER,
        failures      INTEGER NOT NULL DEFAULT 0,
        last_error    TEXT,
        etag          TEXT,
        last_modified TEXT,
        fingerprint   TEXT
    );",
    // 3: photos (by content hash), the files they came from (or why a file
    // was refused), and the USB bundles already applied.
    "CREATE TABLE photos (
        hash      TEXT PRIMARY KEY,
        width     INTEGER NOT NULL,
        height    INTEGER NOT NULL,
        credit    TEXT,
        origin    TEXT NOT NULL,
        added_at  INTEGER NOT NULL,
        hidden    INTEGER NOT NULL DEFAULT 0,
        approved  INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE photo_files (
        path        TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        hash        TEXT REFERENCES photos(hash),
        quarantine  TEXT,
        checked_at  INTEGER NOT NULL,
        CHECK ((hash IS NULL) <> (quarantine IS NULL))
    );
    CREATE TABLE applied_bundles (
        id          TEXT PRIMARY KEY,
        conference  TEXT NOT NULL,
        version     INTEGER NOT NULL,
        applied_at  INTEGER NOT NULL,
        origin      TEXT NOT NULL,
        outcome     TEXT NOT NULL
    );",
    // 4: the control panel: local edits (kept apart from the imported
    // schedule and re-applied over each import), announcements, the audit
    // log (with how to undo each change), and each imported revision's
    // schedule as JSON (for rollback).
    "CREATE TABLE edits (
        id         INTEGER PRIMARY KEY,
        created_at INTEGER NOT NULL,
        origin     TEXT NOT NULL,
        edit       TEXT NOT NULL,
        undone     INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE announcements (
        seq        INTEGER PRIMARY KEY,
        id         TEXT NOT NULL UNIQUE,
        text       TEXT NOT NULL,
        rooms      TEXT,
        priority   TEXT NOT NULL CHECK (priority IN ('normal', 'urgent')),
        starts     TEXT NOT NULL,
        expires    TEXT,
        created_at INTEGER NOT NULL,
        origin     TEXT NOT NULL,
        removed    INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE audit (
        id     INTEGER PRIMARY KEY,
        at     INTEGER NOT NULL,
        origin TEXT NOT NULL,
        action TEXT NOT NULL,
        what   TEXT NOT NULL,
        undo   TEXT,
        undone INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE revision_schedules (
        revision INTEGER PRIMARY KEY REFERENCES revisions(revision),
        schedule TEXT NOT NULL
    );",
];

/// How many imported revisions keep their schedule for rollback.
pub const KEEP_REVISION_SCHEDULES: i64 = 5;

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

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: Timestamp,
    pub origin: String,
    /// `edit`, `announce`, `remove_announcement`, `undo` or `rollback`.
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

/// How to undo an audited change (the audit table's `undo` JSON).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(tag = "undo", rename_all = "snake_case")]
enum UndoAction {
    /// Mark the edit undone.
    Edit { id: i64 },
    /// Take the announcement off (it was added).
    AddAnnouncement { id: String },
    /// Put the announcement back (it was removed).
    RemoveAnnouncement { id: String },
}

/// A photo file as the store last saw it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PhotoFile {
    pub path: String,
    pub fingerprint: String,
    /// The photo it holds, or `None` if quarantined.
    pub hash: Option<String>,
    /// Why the file was quarantined.
    pub quarantine: Option<String>,
    pub checked_at: Timestamp,
}

fn photo_file_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PhotoFile> {
    Ok(PhotoFile {
        path: r.get(0)?,
        fingerprint: r.get(1)?,
        hash: r.get(2)?,
        quarantine: r.get(3)?,
        checked_at: Timestamp::from_second(r.get(4)?).unwrap_or_default(),
    })
}

/// A photo about to be recorded.
#[derive(Debug, Clone)]
pub struct NewPhoto {
    pub hash: String,
    pub width: u32,
    pub height: u32,
    pub credit: Option<String>,
    /// `folder`, `upload` or `usb`.
    pub origin: String,
    /// In approve mode a new photo waits for the organizer.
    pub needs_approval: bool,
}

/// A photo on (or held back from) the wall.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Photo {
    pub hash: String,
    pub width: u32,
    pub height: u32,
    pub credit: Option<String>,
    pub origin: String,
    pub added_at: Timestamp,
    pub hidden: bool,
    pub approved: bool,
    /// One file that holds it.
    pub path: Option<String>,
}

/// The one writer of the store. Wrap it in a mutex to share it.
pub struct Store {
    conn: Connection,
    name: String,
}

impl Store {
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::Store {
                path: path.display().to_string(),
                message: format!("cannot create its folder: {e}"),
            })?;
        }
        let name = path.display().to_string();
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| Error::Sqlite {
            path: name.clone(),
            source,
        })?;
        Store::init(conn, name, true)
    }

    /// A store that lives in memory only (the demo and one-off commands).
    pub fn open_in_memory() -> Result<Store> {
        let name = ":memory:".to_string();
        let conn = Connection::open_in_memory().map_err(|source| Error::Sqlite {
            path: name.clone(),
            source,
        })?;
        Store::init(conn, name, false)
    }

    fn sql<T>(&self, r: rusqlite::Result<T>) -> Result<T> {
        r.map_err(|source| Error::Sqlite {
            path: self.name.clone(),
            source,
        })
    }

    fn init(conn: Connection, name: String, wal: bool) -> Result<Store> {
        let mut store = Store { conn, name };
        let app_id: i32 = store.sql(
            store
                .conn
                .query_row("PRAGMA application_id", [], |r| r.get(0)),
        )?;
        let version: i64 = store.sql(
            store
                .conn
                .query_row("PRAGMA user_version", [], |r| r.get(0)),
        )?;
        let has_tables: bool = store.sql(store.conn.query_row(
            "SELECT count(*) > 0 FROM sqlite_schema",
            [],
            |r| r.get(0),
        ))?;
        if app_id != APPLICATION_ID && (app_id != 0 || has_tables) {
            return Err(Error::Store {
                path: store.name.clone(),
                message: "this file is not a Summit Kiosk store (its application_id differs); \
                          choose another data folder"
                    .into(),
            });
        }
        if version as usize > MIGRATIONS.len() {
            return Err(Error::Store {
                path: store.name.clone(),
                message: format!(
                    "the store is at schema version {version}, newer than this program knows ({}); \
                     upgrade Summit Kiosk",
                    MIGRATIONS.len()
                ),
            });
        }
        store.sql(store.conn.busy_timeout(std::time::Duration::from_secs(5)))?;
        if wal {
            let mode: String = store.sql(store.conn.query_row(
                "PRAGMA journal_mode = WAL",
                [],
                |r| r.get(0),
            ))?;
            if !mode.eq_ignore_ascii_case("wal") {
                tracing::warn!(store = %store.name, %mode, "WAL is not available; using {mode}");
            }
        }
        store.sql(store.conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA trusted_schema = OFF;",
        ))?;
        store.migrate(version as usize)?;
        Ok(store)
    }

    fn migrate(&mut self, from: usize) -> Result<()> {
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(from) {
            let name = self.name.clone();
            let wrap = |source| Error::Sqlite {
                path: name.clone(),
                source,
            };
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(wrap)?;
            tx.execute_batch(sql).map_err(wrap)?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(wrap)?;
            tx.pragma_update(None, "user_version", (index + 1) as i64)
                .map_err(wrap)?;
            tx.commit().map_err(wrap)?;
            tracing::info!(store = %self.name, version = index + 1, "store migrated");
        }
        Ok(())
    }

    pub fn schema_version(&self) -> Result<i64> {
        self.sql(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)))
    }

    /// The revision of the schedule now stored; 0 when none has been.
    pub fn revision(&self) -> Result<i64> {
        self.sql(self.conn.query_row(
            "SELECT coalesce(max(revision), 0) FROM revisions",
            [],
            |r| r.get(0),
        ))
    }

    /// Replace the stored schedule with `schedule` in one transaction and
    /// return the new revision. On any error nothing changes. Local edits
    /// and announcements are kept (see [`Store::effective_schedule`]).
    pub fn replace_schedule(&mut self, schedule: &Schedule, source: &str) -> Result<i64> {
        let name = self.name.clone();
        let wrap = |source| Error::Sqlite {
            path: name.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(wrap)?;
        let json = serde_json::to_string(schedule).map_err(|e| Error::Store {
            path: self.name.clone(),
            message: format!("cannot keep the schedule for rollback: {e}"),
        })?;
        let (revision, summary) = write_schedule(&tx, schedule, source, &json).map_err(wrap)?;
        tx.commit().map_err(wrap)?;
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
        let corrupt = |message: String| Error::Store {
            path: self.name.clone(),
            message,
        };
        let venue_tz = crate::model::venue_zone(&conference.timezone)
            .map_err(|e| corrupt(format!("stored time zone {:?}: {e}", conference.timezone)))?;
        let days = self
            .sql(
                self.collect("SELECT date, label FROM days ORDER BY date", |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
                }),
            )?
            .into_iter()
            .map(|(date, label)| {
                date.parse::<civil::Date>()
                    .map(|date| Day { date, label })
                    .map_err(|e| corrupt(format!("stored day {date:?}: {e}")))
            })
            .collect::<Result<Vec<_>>>()?;
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
        let mut links: std::collections::HashMap<String, Vec<String>> =
            std::collections::HashMap::new();
        for (session, speaker) in self.sql(self.collect(
            "SELECT session_id, speaker_id FROM session_speakers ORDER BY session_id, position",
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        ))? {
            links.entry(session).or_default().push(speaker);
        }
        let rows = self.sql(self.collect(
            "SELECT id, title, subtitle, abstract, slides_url, room_id, track_id, kind, start_utc, end_utc FROM sessions",
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
        for (id, title, subtitle, abstract_text, slides_url, room, track, kind, start, end) in rows
        {
            let kind = SessionKind::parse(&kind)
                .ok_or_else(|| corrupt(format!("session {id:?}: kind {kind:?}")))?;
            let instant = |secs: i64| {
                Timestamp::from_second(secs)
                    .map_err(|e| corrupt(format!("session {id:?}: time {secs}: {e}")))
            };
            sessions.push(Session {
                speakers: links.remove(&id).unwrap_or_default(),
                start: instant(start)?,
                end: instant(end)?,
                id,
                title,
                subtitle,
                abstract_text,
                slides_url,
                room,
                track,
                kind,
                cancelled: false,
            });
        }
        Ok(Some(Schedule::new(
            conference, venue_tz, days, rooms, tracks, speakers, sessions,
        )))
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

    /// The state of one sync source (its default when never synced).
    pub fn sync_state(&self, source: &str) -> Result<SyncState> {
        let at = |v: Option<i64>| v.and_then(|s| Timestamp::from_second(s).ok());
        let state = self.sql(
            self.conn
                .query_row(
                    "SELECT last_attempt, last_success, failing_since, failures, last_error, etag, last_modified, fingerprint
                     FROM sync_state WHERE source = ?1",
                    [source],
                    |r| {
                        Ok(SyncState {
                            source: source.to_string(),
                            last_attempt: at(r.get(0)?),
                            last_success: at(r.get(1)?),
                            failing_since: at(r.get(2)?),
                            failures: r.get(3)?,
                            last_error: r.get(4)?,
                            validator: Validator {
                                etag: r.get(5)?,
                                last_modified: r.get(6)?,
                            },
                            fingerprint: r.get(7)?,
                        })
                    },
                )
                .optional(),
        )?;
        Ok(state.unwrap_or_else(|| SyncState {
            source: source.to_string(),
            ..SyncState::default()
        }))
    }

    /// Record a source's state (one transaction).
    pub fn save_sync_state(&mut self, state: &SyncState) -> Result<()> {
        let secs = |t: Option<Timestamp>| t.map(|t| t.as_second());
        self.sql(self.conn.execute(
            "INSERT INTO sync_state (source, last_attempt, last_success, failing_since, failures, last_error, etag, last_modified, fingerprint)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (source) DO UPDATE SET last_attempt = ?2, last_success = ?3, failing_since = ?4,
                 failures = ?5, last_error = ?6, etag = ?7, last_modified = ?8, fingerprint = ?9",
            params![
                state.source,
                secs(state.last_attempt),
                secs(state.last_success),
                secs(state.failing_since),
                state.failures,
                state.last_error,
                state.validator.etag,
                state.validator.last_modified,
                state.fingerprint
            ],
        ))?;
        Ok(())
    }

    /// What the store knows of a photo file: its fingerprint when last
    /// looked at, whether it was quarantined, and why.
    pub fn photo_file(&self, path: &str) -> Result<Option<PhotoFile>> {
        self.sql(
            self.conn
                .query_row(
                    "SELECT path, fingerprint, hash, quarantine, checked_at FROM photo_files WHERE path = ?1",
                    [path],
                    photo_file_row,
                )
                .optional(),
        )
    }

    /// Every photo file known, by path.
    pub fn photo_files(&self) -> Result<Vec<PhotoFile>> {
        self.sql(self.collect(
            "SELECT path, fingerprint, hash, quarantine, checked_at FROM photo_files ORDER BY path",
            photo_file_row,
        ))
    }

    /// Record the outcome for a photo file (one transaction): a photo (added
    /// if its content is new; `true` is returned then) or a quarantine reason.
    pub fn record_photo_file(
        &mut self,
        path: &str,
        fingerprint: &str,
        outcome: std::result::Result<&NewPhoto, &str>,
    ) -> Result<bool> {
        let name = self.name.clone();
        let sql = |e| Error::Sqlite {
            path: name.clone(),
            source: e,
        };
        let tx = self.conn.transaction().map_err(sql)?;
        let now = Timestamp::now().as_second();
        let mut added = false;
        let (hash, reason) = match outcome {
            Ok(photo) => {
                added = tx
                    .execute(
                        "INSERT OR IGNORE INTO photos (hash, width, height, credit, origin, added_at, approved)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        params![
                            photo.hash,
                            photo.width,
                            photo.height,
                            photo.credit,
                            photo.origin,
                            now,
                            !photo.needs_approval
                        ],
                    )
                    .map_err(sql)?
                    > 0;
                (Some(photo.hash.as_str()), None)
            }
            Err(reason) => (None, Some(reason)),
        };
        tx.execute(
            "INSERT INTO photo_files (path, fingerprint, hash, quarantine, checked_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (path) DO UPDATE SET fingerprint = ?2, hash = ?3, quarantine = ?4, checked_at = ?5",
            params![path, fingerprint, hash, reason, now],
        )
        .map_err(sql)?;
        tx.execute(
            "DELETE FROM photos WHERE hash NOT IN (SELECT hash FROM photo_files WHERE hash IS NOT NULL)",
            [],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(added)
    }

    /// Forget files that are gone (and photos no file holds any more).
    /// Returns how many files were forgotten.
    pub fn forget_photo_files(&mut self, gone: &[String]) -> Result<usize> {
        if gone.is_empty() {
            return Ok(0);
        }
        let name = self.name.clone();
        let sql = |e| Error::Sqlite {
            path: name.clone(),
            source: e,
        };
        let tx = self.conn.transaction().map_err(sql)?;
        let mut count = 0;
        for path in gone {
            count += tx
                .execute("DELETE FROM photo_files WHERE path = ?1", [path])
                .map_err(sql)?;
        }
        tx.execute(
            "DELETE FROM photos WHERE hash NOT IN (SELECT hash FROM photo_files WHERE hash IS NOT NULL)",
            [],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(count)
    }

    /// Every photo, newest first.
    pub fn photos(&self) -> Result<Vec<Photo>> {
        self.sql(self.collect(
            "SELECT p.hash, p.width, p.height, p.credit, p.origin, p.added_at, p.hidden, p.approved,
                    (SELECT MIN(path) FROM photo_files f WHERE f.hash = p.hash)
             FROM photos p ORDER BY p.added_at DESC, p.hash",
            |r| {
                Ok(Photo {
                    hash: r.get(0)?,
                    width: r.get(1)?,
                    height: r.get(2)?,
                    credit: r.get(3)?,
                    origin: r.get(4)?,
                    added_at: Timestamp::from_second(r.get(5)?).unwrap_or_default(),
                    hidden: r.get(6)?,
                    approved: r.get(7)?,
                    path: r.get(8)?,
                })
            },
        ))
    }

    /// Hide or show a photo on the wall (one transaction). False if unknown.
    pub fn set_photo_hidden(&mut self, hash: &str, hidden: bool) -> Result<bool> {
        self.sql(self.conn.execute(
            "UPDATE photos SET hidden = ?2 WHERE hash = ?1",
            params![hash, hidden],
        ))
        .map(|n| n > 0)
    }

    /// Approve (or withdraw) a photo waiting in approve mode. False if unknown.
    pub fn set_photo_approved(&mut self, hash: &str, approved: bool) -> Result<bool> {
        self.sql(self.conn.execute(
            "UPDATE photos SET approved = ?2 WHERE hash = ?1",
            params![hash, approved],
        ))
        .map(|n| n > 0)
    }

    /// Whether the USB bundle `id` (the SHA-256 of its manifest) was applied
    /// or refused before: each bundle is acted on at most once.
    pub fn bundle_seen(&self, id: &str) -> Result<bool> {
        self.sql(
            self.conn
                .query_row("SELECT 1 FROM applied_bundles WHERE id = ?1", [id], |_| {
                    Ok(())
                })
                .optional(),
        )
        .map(|found| found.is_some())
    }

    /// The highest bundle version applied for `conference`, if any.
    pub fn latest_bundle_version(&self, conference: &str) -> Result<Option<u64>> {
        let v: Option<i64> = self.sql(self.conn.query_row(
            "SELECT MAX(version) FROM applied_bundles WHERE conference = ?1 AND outcome = 'applied'",
            [conference],
            |r| r.get(0),
        ))?;
        Ok(v.map(|v| v as u64))
    }

    /// Record what was done with a bundle (`outcome` is `applied` or a reason
    /// it was refused). One transaction.
    pub fn record_bundle(
        &mut self,
        id: &str,
        conference: &str,
        version: u64,
        origin: &str,
        outcome: &str,
    ) -> Result<()> {
        self.sql(self.conn.execute(
            "INSERT OR REPLACE INTO applied_bundles (id, conference, version, applied_at, origin, outcome)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, conference, version as i64, Timestamp::now().as_second(), origin, outcome],
        ))?;
        Ok(())
    }

    /// Run `f` in one `BEGIN IMMEDIATE` transaction, in which it may read
    /// through `self` (e.g. [`Store::load`]) and write; committed if it
    /// returns `Ok`, rolled back otherwise (and on panic).
    fn in_transaction<T>(
        &mut self,
        f: impl FnOnce(&Store, &Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let tx = self.sql(Transaction::new_unchecked(
            &self.conn,
            TransactionBehavior::Immediate,
        ))?;
        let value = f(self, &tx)?;
        self.sql(tx.commit())?;
        Ok(value)
    }

    fn corrupt(&self, message: String) -> Error {
        Error::Store {
            path: self.name.clone(),
            message,
        }
    }

    fn audit_insert(
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
        Error::Store {
            path: self.name.clone(),
            message: "no schedule has been imported yet; import one before changing it".into(),
        }
    }

    /// Record an edit made at `now` from `origin` (e.g. `control panel on
    /// kiosk-3`), with its audit entry, in one transaction. Refused
    /// ([`Error::Invalid`], naming the session) if it does not apply to the
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
            let what = edit.describe(&effective);
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
            store.audit_insert(now, origin, "undo", &format!("Undid: {what}"), None)?;
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
                return Err(store.corrupt(
                    "there is no earlier imported schedule kept to roll back to".into(),
                ));
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

    fn collect<T>(
        &self,
        sql: &str,
        row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<Vec<T>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([], row)?;
        rows.collect()
    }
}

/// Write `schedule` over the stored one as a new revision, keeping its JSON
/// for rollback (the last [`KEEP_REVISION_SCHEDULES`]), inside the caller's
/// transaction. Returns the revision and its summary.
fn write_schedule(
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
                    "INSERT INTO sessions (id, title, subtitle, abstract, slides_url, room_id, track_id, kind, start_utc, end_utc)
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
                s.slides_url,
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
