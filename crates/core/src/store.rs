//! The SQLite store: WAL, versioned migrations, an `application_id`, one
//! writer, every change one transaction, and a schedule revision number.

use std::path::Path;

use jiff::{civil, SignedDuration, Timestamp};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};

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
];

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
    /// return the new revision. On any error nothing changes.
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
        tx.execute_batch(
            "DELETE FROM session_speakers; DELETE FROM sessions; DELETE FROM speakers;
             DELETE FROM tracks; DELETE FROM rooms; DELETE FROM days; DELETE FROM conference;",
        )
        .map_err(wrap)?;
        let c = &schedule.conference;
        tx.execute(
            "INSERT INTO conference (singleton, ext_id, name, timezone, venue, day_change_minutes) VALUES (1, ?1, ?2, ?3, ?4, ?5)",
            params![c.id, c.name, c.timezone, c.venue, c.day_change.as_mins()],
        )
        .map_err(wrap)?;
        {
            let mut ins = tx
                .prepare("INSERT INTO days (date, label) VALUES (?1, ?2)")
                .map_err(wrap)?;
            for d in &schedule.days {
                ins.execute(params![d.date.to_string(), d.label])
                    .map_err(wrap)?;
            }
            let mut ins = tx
                .prepare("INSERT INTO rooms (id, name, position) VALUES (?1, ?2, ?3)")
                .map_err(wrap)?;
            for (i, r) in schedule.rooms.iter().enumerate() {
                ins.execute(params![r.id, r.name, i as i64]).map_err(wrap)?;
            }
            let mut ins = tx
                .prepare("INSERT INTO tracks (id, name, colour, position) VALUES (?1, ?2, ?3, ?4)")
                .map_err(wrap)?;
            for (i, t) in schedule.tracks.iter().enumerate() {
                ins.execute(params![t.id, t.name, t.colour, i as i64])
                    .map_err(wrap)?;
            }
            let mut ins = tx
                .prepare("INSERT INTO speakers (id, name, affiliation, position) VALUES (?1, ?2, ?3, ?4)")
                .map_err(wrap)?;
            for (i, s) in schedule.speakers.iter().enumerate() {
                ins.execute(params![s.id, s.name, s.affiliation, i as i64])
                    .map_err(wrap)?;
            }
            let mut ins = tx
                .prepare(
                    "INSERT INTO sessions (id, title, subtitle, abstract, slides_url, room_id, track_id, kind, start_utc, end_utc)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .map_err(wrap)?;
            let mut ins_sp = tx
                .prepare("INSERT INTO session_speakers (session_id, speaker_id, position) VALUES (?1, ?2, ?3)")
                .map_err(wrap)?;
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
                ])
                .map_err(wrap)?;
                for (i, sp) in s.speakers.iter().enumerate() {
                    ins_sp.execute(params![s.id, sp, i as i64]).map_err(wrap)?;
                }
            }
        }
        let summary = format!(
            "{}: {} rooms, {} sessions",
            schedule.conference.name,
            schedule.rooms.len(),
            schedule.sessions.len()
        );
        tx.execute(
            "INSERT INTO revisions (applied_at, source, summary) VALUES (?1, ?2, ?3)",
            params![Timestamp::now().to_string(), source, summary],
        )
        .map_err(wrap)?;
        let revision = tx.last_insert_rowid();
        tx.commit().map_err(wrap)?;
        tracing::info!(store = %self.name, revision, source, %summary, "schedule stored");
        Ok(revision)
    }

    /// The stored schedule, or `None` when nothing has been imported yet.
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
            });
        }
        Ok(Some(Schedule::new(
            conference, venue_tz, days, rooms, tracks, speakers, sessions,
        )))
    }

    /// Store `schedule` as a new revision if it differs from what is stored,
    /// and say what changed. Unchanged: no revision, nothing written.
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
