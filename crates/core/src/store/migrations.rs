//! The schema, one migration per version. Append only: a store at version
//! `n` runs the entries from `n` on (see `Store::migrate`), so an entry once
//! released never changes.

/// Each entry moves the schema from version `index` to `index + 1`.
pub(super) const MIGRATIONS: &[&str] = &[
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
    // 5: PIN back-off, feed versions published and accepted (security.rs).
    super::security::MIGRATION,
    // 6: this kiosk's screen id, and a leader's screens (fleet.rs).
    super::fleet::MIGRATION,
    // 7: what attendees need at a glance. A session's links, languages,
    // recording and access as JSON (the old slides_url moves into it), and
    // the organizer's room statuses (each change a row: the latest not
    // undone holds; a NULL status is "cleared") and emergency messages,
    // kept like announcements (never written into imports).
    "ALTER TABLE sessions ADD COLUMN info TEXT;
    UPDATE sessions SET info = json_object('links',
        json_array(json_object('kind', 'slides', 'url', slides_url)))
        WHERE slides_url IS NOT NULL;
    ALTER TABLE sessions DROP COLUMN slides_url;
    CREATE TABLE room_status (
        seq        INTEGER PRIMARY KEY,
        room       TEXT NOT NULL,
        status     TEXT,
        created_at INTEGER NOT NULL,
        origin     TEXT NOT NULL,
        undone     INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE emergencies (
        seq        INTEGER PRIMARY KEY,
        id         TEXT NOT NULL UNIQUE,
        emergency  TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        origin     TEXT NOT NULL,
        cleared    INTEGER NOT NULL DEFAULT 0
    );",
];
