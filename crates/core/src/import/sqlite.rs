//! The SQLite exchange file (`assets/exchange-schema.sql`): an untrusted file,
//! opened read-only and defensively (no triggers, no views, no untrusted
//! schema code, limits and a time budget), of which only named columns of
//! named tables are read. Nothing of the file is copied into our store.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use jiff::civil;
use rusqlite::config::DbConfig;
use rusqlite::limits::Limit;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use crate::draft::{clean_opt, invalid, Draft, DraftConference, DraftSession, Problems};
use crate::error::{Error, Result};
use crate::import::ImportOptions;
use crate::limits;
use crate::model::{Link, LinkKind, Recording, Room, SessionInfo, SessionKind, Speaker, Track};

/// Time a whole read may take before it is interrupted.
const TIME_BUDGET: Duration = Duration::from_secs(5);

fn open(path: &Path, origin: &str) -> Result<Connection> {
    let sql_err = |source| Error::Sqlite {
        path: origin.to_string(),
        source,
    };
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql_err)?;
    for (config, on) in [
        (DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true),
        (DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false),
        (DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false),
        (DbConfig::SQLITE_DBCONFIG_ENABLE_VIEW, false),
    ] {
        conn.set_db_config(config, on).map_err(sql_err)?;
    }
    for (limit, value) in [
        (Limit::SQLITE_LIMIT_LENGTH, 1_000_000),
        (Limit::SQLITE_LIMIT_SQL_LENGTH, 100_000),
        (Limit::SQLITE_LIMIT_COLUMN, 200),
        (Limit::SQLITE_LIMIT_EXPR_DEPTH, 100),
        (Limit::SQLITE_LIMIT_COMPOUND_SELECT, 10),
        (Limit::SQLITE_LIMIT_ATTACHED, 0),
        (Limit::SQLITE_LIMIT_FUNCTION_ARG, 8),
        (Limit::SQLITE_LIMIT_TRIGGER_DEPTH, 1),
    ] {
        conn.set_limit(limit, value).map_err(sql_err)?;
    }
    conn.execute_batch("PRAGMA query_only = ON;")
        .map_err(sql_err)?;
    // Another program may be writing it (WAL): wait a little for its lock.
    conn.busy_timeout(Duration::from_secs(2)).map_err(sql_err)?;
    let deadline = Instant::now() + TIME_BUDGET;
    conn.progress_handler(10_000, Some(move || Instant::now() > deadline))
        .map_err(sql_err)?;
    Ok(conn)
}

/// Read an exchange file into a draft.
pub fn load(path: &Path, _options: &ImportOptions) -> Result<Draft> {
    let origin = path.display().to_string();
    let read_err = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(read_err)?;
    if meta.len() > limits::MAX_SCHEDULE_BYTES {
        return Err(Error::TooLarge {
            origin,
            size: meta.len(),
            limit: limits::MAX_SCHEDULE_BYTES,
        });
    }
    let mut header = [0u8; 16];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut header))
        .map_err(read_err)?;
    if n < 16 || &header != b"SQLite format 3\0" {
        return Err(Error::Syntax {
            origin,
            line: 1,
            column: 1,
            message: "not an SQLite database".into(),
        });
    }
    let conn = open(path, &origin)?;
    read(&conn, &origin).map_err(|e| match e {
        Error::Sqlite { source, .. } => invalid(&origin, "file", describe(&source)),
        other => other,
    })
}

fn describe(e: &rusqlite::Error) -> String {
    let text = e.to_string();
    if text.contains("interrupted") {
        format!(
            "reading took longer than {} s; the file is too large or damaged",
            TIME_BUDGET.as_secs()
        )
    } else if text.contains("too big") {
        "a value in it is larger than 1,000,000 bytes".into()
    } else if text.contains("malformed") || text.contains("not a database") {
        format!("the database is damaged: {text}")
    } else {
        text
    }
}

struct Reader<'a> {
    conn: &'a Connection,
    tables: HashSet<String>,
    p: Problems,
}

impl Reader<'_> {
    fn columns(&self, table: &str) -> rusqlite::Result<HashSet<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT name FROM pragma_table_info(?1)")?;
        let names = stmt.query_map([table], |r| r.get::<_, String>(0))?;
        names.map(|n| n.map(|n| n.to_lowercase())).collect()
    }

    /// Rows of `table` with `wanted` columns (those the table lacks read as NULL).
    /// `required` columns must exist.
    fn rows(
        &mut self,
        table: &str,
        wanted: &[&str],
        required: &[&str],
        order: &str,
        max: usize,
    ) -> rusqlite::Result<Vec<Row>> {
        if !self.tables.contains(table) {
            if !required.is_empty() {
                self.p.error(
                    format!("table {table}"),
                    "is missing (see assets/exchange-schema.sql)",
                );
            }
            return Ok(Vec::new());
        }
        let have = self.columns(table)?;
        for col in required {
            if !have.contains(*col) {
                self.p
                    .error(format!("table {table}"), format!("has no column {col:?}"));
            }
        }
        let count: i64 =
            self.conn
                .query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
                    r.get(0)
                })?;
        if count as usize > max {
            self.p.error(
                format!("table {table}"),
                format!("{count} rows; at most {max} are allowed"),
            );
            return Ok(Vec::new());
        }
        let select: Vec<String> = wanted
            .iter()
            .map(|c| {
                if have.contains(*c) {
                    format!("\"{c}\"")
                } else {
                    "NULL".into()
                }
            })
            .collect();
        let sql = format!("SELECT {} FROM \"{table}\" {order}", select.join(", "));
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        let mut index = 0;
        while let Some(row) = rows.next()? {
            index += 1;
            let mut values = Vec::with_capacity(wanted.len());
            for (i, col) in wanted.iter().enumerate() {
                let value = match row.get_ref(i)? {
                    ValueRef::Null => None,
                    ValueRef::Integer(v) => Some(v.to_string()),
                    ValueRef::Real(v) => Some(v.to_string()),
                    ValueRef::Text(bytes) => match std::str::from_utf8(bytes) {
                        Ok(s) => Some(s.to_string()),
                        Err(_) => {
                            self.p.error(
                                format!("{table} row {index}, column {col}"),
                                "is not UTF-8 text",
                            );
                            None
                        }
                    },
                    ValueRef::Blob(_) => {
                        self.p.error(
                            format!("{table} row {index}, column {col}"),
                            "holds binary data, not text",
                        );
                        None
                    }
                };
                values.push(value);
            }
            out.push(values);
        }
        Ok(out)
    }
}

/// The rows of every table the kiosk reads, as text.
struct Tables {
    conference: Vec<Row>,
    rooms: Vec<Row>,
    tracks: Vec<Row>,
    speakers: Vec<Row>,
    sessions: Vec<Row>,
    links: Vec<Row>,
}

type Row = Vec<Option<String>>;

fn read(conn: &Connection, origin: &str) -> Result<Draft> {
    let sql_err = |source| Error::Sqlite {
        path: origin.to_string(),
        source,
    };
    let check: String = conn
        .query_row("PRAGMA quick_check(3)", [], |r| r.get(0))
        .map_err(sql_err)?;
    if check != "ok" {
        return Err(invalid(
            origin,
            "file",
            format!("the database is damaged: {check}"),
        ));
    }
    let tables: HashSet<String> = {
        let mut stmt = conn
            .prepare("SELECT lower(name) FROM sqlite_schema WHERE type = 'table'")
            .map_err(sql_err)?;
        let names = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(sql_err)?;
        names.collect::<rusqlite::Result<_>>().map_err(sql_err)?
    };
    let mut r = Reader {
        conn,
        tables,
        p: Problems::default(),
    };
    let t = read_tables(&mut r).map_err(sql_err)?;
    let mut p = r.p;
    let conference = conference(t.conference.first(), &mut p);
    let mut by_session: std::collections::HashMap<String, Vec<String>> =
        std::collections::HashMap::new();
    for l in &t.links {
        by_session.entry(text(&l[0])).or_default().push(text(&l[1]));
    }
    let sessions: Vec<DraftSession> = t
        .sessions
        .iter()
        .enumerate()
        .map(|(i, s)| session(i, s, &mut by_session, &mut p))
        .collect();
    p.check(origin)?;
    Ok(Draft {
        warnings: Vec::new(),
        conference,
        days: Vec::new(),
        rooms: t
            .rooms
            .iter()
            .map(|r| Room {
                id: text(&r[0]),
                name: text(&r[1]),
            })
            .collect(),
        tracks: t
            .tracks
            .iter()
            .map(|t| Track {
                id: text(&t[0]),
                name: text(&t[1]),
                colour: clean_opt(t[2].clone()),
            })
            .collect(),
        speakers: t
            .speakers
            .iter()
            .map(|s| Speaker {
                id: text(&s[0]),
                name: text(&s[1]),
                affiliation: clean_opt(s[2].clone()),
            })
            .collect(),
        sessions,
    })
}

fn read_tables(r: &mut Reader) -> rusqlite::Result<Tables> {
    Ok(Tables {
        conference: r.rows(
            "conference",
            &["name", "timezone", "id", "venue", "day_change"],
            &["name", "timezone"],
            "",
            1,
        )?,
        rooms: r.rows(
            "rooms",
            &["id", "name"],
            &["id", "name"],
            "ORDER BY position, rowid",
            limits::MAX_ROOMS,
        )?,
        tracks: r.rows(
            "tracks",
            &["id", "name", "colour"],
            &[],
            "ORDER BY rowid",
            limits::MAX_TRACKS,
        )?,
        speakers: r.rows(
            "speakers",
            &["id", "name", "affiliation"],
            &[],
            "ORDER BY rowid",
            limits::MAX_SPEAKERS,
        )?,
        sessions: r.rows(
            "sessions",
            &[
                "id",
                "title",
                "room_id",
                "start",
                "end",
                "kind",
                "track_id",
                "subtitle",
                "abstract",
                "slides_url",
                "page_url",
                "stream_url",
                "languages",
                "recording",
                "captions",
                "sign_language",
            ],
            &["id", "title", "room_id", "start", "end"],
            "ORDER BY rowid",
            limits::MAX_SESSIONS,
        )?,
        links: r.rows(
            "session_speakers",
            &["session_id", "speaker_id"],
            &[],
            "ORDER BY session_id, position, rowid",
            limits::MAX_SESSIONS * 20,
        )?,
    })
}

fn text(v: &Option<String>) -> String {
    v.as_deref().map(str::trim).unwrap_or("").to_string()
}

fn conference(row: Option<&Row>, p: &mut Problems) -> DraftConference {
    let Some(c) = row else {
        p.error("table conference", "has no row");
        return DraftConference::default();
    };
    let day_change = clean_opt(c[4].clone()).and_then(|t| {
        let time = t.parse::<civil::Time>().ok();
        if time.is_none() {
            p.error(
                "conference.day_change",
                format!("{t:?} is not a time of day like \"04:00\""),
            );
        }
        time
    });
    DraftConference {
        id: clean_opt(c[2].clone()).unwrap_or_else(|| text(&c[0])),
        name: text(&c[0]),
        timezone: text(&c[1]),
        venue: clean_opt(c[3].clone()),
        day_change,
    }
}

fn session(
    i: usize,
    s: &Row,
    by_session: &mut std::collections::HashMap<String, Vec<String>>,
    p: &mut Problems,
) -> DraftSession {
    let id = text(&s[0]);
    let place = format!("sessions row {} ({id:?})", i + 1);
    let start = crate::schedule_json::time(p, &place, "start", &text(&s[3]));
    let end = crate::schedule_json::time(p, &place, "end", &text(&s[4]));
    let kind = match clean_opt(s[5].clone()) {
        None => SessionKind::Talk,
        Some(k) => SessionKind::parse(&k).unwrap_or_else(|| {
            p.error(
                format!("{place}.kind"),
                format!("{k:?} is not one of talk, break, working_session, social"),
            );
            SessionKind::Talk
        }),
    };
    let recording = match clean_opt(s[13].clone()) {
        None => Recording::Unknown,
        Some(r) => Recording::parse(&r).unwrap_or_else(|| {
            p.error(
                format!("{place}.recording"),
                format!("{r:?} is not one of recorded, streamed, not_recorded, unknown"),
            );
            Recording::Unknown
        }),
    };
    DraftSession {
        speakers: by_session.remove(&id).unwrap_or_default(),
        place,
        id,
        title: text(&s[1]),
        room: text(&s[2]),
        kind,
        track: clean_opt(s[6].clone()),
        subtitle: clean_opt(s[7].clone()),
        abstract_text: clean_opt(s[8].clone()),
        info: SessionInfo {
            links: [
                (9, LinkKind::Slides),
                (10, LinkKind::Page),
                (11, LinkKind::Stream),
            ]
            .into_iter()
            .filter_map(|(i, kind)| {
                Some(Link {
                    kind,
                    url: clean_opt(s[i].clone())?,
                })
            })
            .collect(),
            languages: clean_opt(s[12].clone())
                .map(|l| l.split(',').map(|t| t.trim().to_string()).collect())
                .unwrap_or_default(),
            recording,
            captions: clean_opt(s[14].clone()).is_some_and(|c| c != "0"),
            sign_language: clean_opt(s[15].clone()),
        },
        start,
        end,
    }
}

/// Write `schedule` as an exchange file (`assets/exchange-schema.sql`) at
/// `path`, replacing what is there: for organizers who keep their programme
/// in one, and for tests.
pub fn write_exchange(schedule: &crate::model::Schedule, path: &Path) -> Result<()> {
    use rusqlite::params;
    let origin = path.display().to_string();
    let sql_err = |source| Error::Sqlite {
        path: origin.clone(),
        source,
    };
    let _ = std::fs::remove_file(path);
    let mut conn = Connection::open(path).map_err(sql_err)?;
    let tx = conn.transaction().map_err(sql_err)?;
    tx.execute_batch(include_str!("../../../../assets/exchange-schema.sql"))
        .map_err(sql_err)?;
    let c = &schedule.conference;
    let day_change = format!(
        "{:02}:{:02}",
        c.day_change.as_hours(),
        c.day_change.as_mins() % 60
    );
    tx.execute(
        "INSERT INTO conference (name, timezone, id, venue, day_change) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![c.name, c.timezone, c.id, c.venue, day_change],
    )
    .map_err(sql_err)?;
    for (i, r) in schedule.rooms.iter().enumerate() {
        tx.execute(
            "INSERT INTO rooms VALUES (?1, ?2, ?3)",
            params![r.id, r.name, i as i64],
        )
        .map_err(sql_err)?;
    }
    for t in &schedule.tracks {
        tx.execute(
            "INSERT INTO tracks VALUES (?1, ?2, ?3)",
            params![t.id, t.name, t.colour],
        )
        .map_err(sql_err)?;
    }
    for s in &schedule.speakers {
        tx.execute(
            "INSERT INTO speakers VALUES (?1, ?2, ?3)",
            params![s.id, s.name, s.affiliation],
        )
        .map_err(sql_err)?;
    }
    for s in &schedule.sessions {
        tx.execute(
            "INSERT INTO sessions (id, title, room_id, start, \"end\", kind, track_id, subtitle, abstract,
                 slides_url, page_url, stream_url, languages, recording, captions, sign_language)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            params![
                s.id,
                s.title,
                s.room,
                schedule.local_rfc3339(s.start),
                schedule.local_rfc3339(s.end),
                s.kind.as_str(),
                s.track,
                s.subtitle,
                s.abstract_text,
                s.info.link(LinkKind::Slides),
                s.info.link(LinkKind::Page),
                s.info.link(LinkKind::Stream),
                (!s.info.languages.is_empty()).then(|| s.info.languages.join(",")),
                (s.info.recording != Recording::Unknown).then(|| s.info.recording.as_str()),
                s.info.captions.then_some(1),
                s.info.sign_language
            ],
        )
        .map_err(sql_err)?;
        for (i, sp) in s.speakers.iter().enumerate() {
            tx.execute(
                "INSERT INTO session_speakers VALUES (?1, ?2, ?3)",
                params![s.id, sp, i as i64],
            )
            .map_err(sql_err)?;
        }
    }
    tx.commit().map_err(sql_err)
}
