-- Summit Kiosk SQLite exchange file, version 1.
--
-- An organizer can write a schedule with sqlite3, Python or a spreadsheet
-- export into a file with these tables, and point a kiosk at it
-- (`--schedule FILE` or `summit-kiosk import FILE`). The kiosk opens the file
-- read-only and defensively, reads these named columns only, and copies
-- nothing else. Columns marked "required" must be non-NULL; the others may be
-- left out of the table entirely.
--
-- Times (sessions.start, sessions.end) are text, as in the JSON format:
-- '2020-02-26T09:10' is a wall-clock time in conference.timezone;
-- '2020-02-26T14:10:00Z' or '2020-02-26T09:10:00-05:00' is an instant.

PRAGMA user_version = 1;

CREATE TABLE conference (          -- exactly one row
    name       TEXT NOT NULL,      -- required
    timezone   TEXT NOT NULL,      -- required: IANA name, e.g. 'Europe/Berlin'
    id         TEXT,               -- stable event id (default: name)
    venue      TEXT,
    day_change TEXT                -- 'HH:MM', default '04:00'
);

CREATE TABLE rooms (
    id       TEXT PRIMARY KEY,     -- required
    name     TEXT NOT NULL,        -- required
    position INTEGER               -- order on the lobby screen (default: id order)
);

CREATE TABLE tracks (
    id     TEXT PRIMARY KEY,       -- required
    name   TEXT NOT NULL,          -- required
    colour TEXT                    -- '#rrggbb'
);

CREATE TABLE speakers (
    id          TEXT PRIMARY KEY,  -- required
    name        TEXT NOT NULL,     -- required
    affiliation TEXT
);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,   -- required, stable across versions
    title      TEXT NOT NULL,      -- required
    room_id    TEXT NOT NULL,      -- required: a rooms.id
    start      TEXT NOT NULL,      -- required
    "end"      TEXT NOT NULL,      -- required, after start
    kind       TEXT,               -- 'talk' (default), 'break', 'working_session', 'social'
    track_id   TEXT,               -- a tracks.id
    subtitle   TEXT,
    abstract   TEXT,
    slides_url TEXT,               -- http(s) links: slides, the talk's page, a live stream
    page_url   TEXT,
    stream_url TEXT,
    languages  TEXT,               -- BCP 47 tags, comma-separated: 'en', 'de,en'
    recording  TEXT,               -- 'recorded', 'streamed', 'not_recorded', 'unknown' (default)
    captions   INTEGER,            -- 1: live captions
    sign_language TEXT             -- e.g. 'DGS', 'ASL'
);

CREATE TABLE session_speakers (
    session_id TEXT NOT NULL,      -- a sessions.id
    speaker_id TEXT NOT NULL,      -- a speakers.id
    position   INTEGER             -- billing order
);
