//! The Screens tab: one row per screen, every value already in words
//! (status with its reasons, "Behind by 2 revisions", "12 s ago", the
//! clock's offset, memory), worst first. A pure function of the fleet and
//! the leader's clock; the panel asks for it every poll, so "last seen"
//! stays live.

use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;
use ts_rs::TS;

use super::heartbeat::{Role, ShownSession, SyncLevel};
use super::inbox::Screen;
use super::status::{self, clock_text, revisions_text, span, Behind, Level, StatusInput};

/// The scheme the panel loads thumbnails from: `screen://localhost/<id>-<seq>.jpg`.
pub const THUMBNAIL_SCHEME: &str = "screen";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct ScreensView {
    /// Worst first, then by name.
    pub rows: Vec<ScreenRow>,
    pub total: u32,
    /// Screens amber or red: the number on the tab.
    pub not_green: u32,
    pub red: u32,
    /// Identify and Reload are signed with the organizer's key.
    pub commands_signed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ScreenRow {
    pub id: String,
    pub name: String,
    /// `Room: Main hall`, `Lobby`.
    pub role: String,
    pub level: Level,
    /// `OK`, `Check`, `Problem`: the colour said in a word.
    pub status: String,
    /// Why it is not green, worst first.
    pub reasons: Vec<String>,
    /// `Now: Title (10:20–10:45)`, `Next: Title at 10:45`; a lobby's rooms.
    pub showing: Vec<String>,
    /// `Up to date`, `Behind by 2 revisions`, `—` (it follows no feed).
    pub schedule: String,
    pub up_to_date: bool,
    /// `3 s ago`, `before this kiosk started (10:02)`.
    pub last_seen: String,
    /// `in step (± 2 ms)`, `30.0 s ahead of the leader's (± 1 ms)`.
    pub clock: String,
    /// `251 MB`, `—`.
    pub memory: String,
    pub version: String,
    /// `Up 2 h 5 min`.
    pub uptime: String,
    /// `OK`, `Failing: …`, `Offline`, `No source`.
    pub sync: String,
    pub thumbnail_url: Option<String>,
    /// `40 s old`.
    pub thumbnail_age: Option<String>,
    /// It is connected now (no last will, heard from within 4 intervals).
    pub online: bool,
    /// The kiosk this panel runs on.
    pub this_kiosk: bool,
}

/// The rows for `screens`, the leader having published `published`
/// (version, when; oldest first), at `now` on its clock.
pub fn screens_view(
    screens: &[&Screen],
    published: &[(u64, Timestamp)],
    now: Timestamp,
    this_kiosk: Option<&str>,
    commands_signed: bool,
) -> ScreensView {
    let mut rows: Vec<ScreenRow> = screens
        .iter()
        .map(|s| row(s, published, now, this_kiosk))
        .collect();
    rows.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then_with(|| a.id.cmp(&b.id))
    });
    ScreensView {
        total: rows.len() as u32,
        not_green: rows.iter().filter(|r| r.level != Level::Green).count() as u32,
        red: rows.iter().filter(|r| r.level == Level::Red).count() as u32,
        rows,
        commands_signed,
    }
}

/// How far behind the leader's versions `version` is.
pub fn behind(version: Option<u64>, published: &[(u64, Timestamp)]) -> Option<Behind> {
    let version = version?;
    let newer: Vec<&(u64, Timestamp)> = published.iter().filter(|(v, _)| *v > version).collect();
    let since = newer.iter().map(|(_, at)| *at).min()?;
    Some(Behind {
        revisions: newer.len() as u32,
        since,
    })
}

fn row(
    s: &Screen,
    published: &[(u64, Timestamp)],
    now: Timestamp,
    this_kiosk: Option<&str>,
) -> ScreenRow {
    let hb = &s.heartbeat;
    let behind = behind(hb.schedule.feed_version, published);
    let interval = Duration::from_secs(hb.interval_secs.max(1) as u64);
    let render_age = if s.restored {
        // Nothing heard since this kiosk started: say only that.
        Some(Duration::ZERO)
    } else {
        hb.last_render_age_ms.map(Duration::from_millis)
    };
    let st = status::status(&StatusInput {
        now,
        last_seen: s.last_seen,
        interval,
        offline_since: s.offline_since,
        render_age,
        clock: hb.clock,
        behind,
        sync: hb.sync.state,
    });
    let silent = Duration::try_from(now.duration_since(s.last_seen)).unwrap_or_default();
    let schedule = match (hb.schedule.feed_version, behind) {
        (None, _) => "—".to_string(),
        (Some(_), None) => "Up to date".into(),
        (Some(_), Some(b)) => format!("Behind by {}", revisions_text(b.revisions)),
    };
    ScreenRow {
        id: hb.screen_id.clone(),
        name: if hb.screen_name.is_empty() {
            hb.screen_id.clone()
        } else {
            hb.screen_name.clone()
        },
        role: match &hb.role {
            Role::Room { room } => format!("Room: {room}"),
            Role::Lobby => "Lobby".into(),
        },
        level: st.level,
        status: match st.level {
            Level::Green => "OK",
            Level::Amber => "Check",
            Level::Red => "Problem",
        }
        .into(),
        reasons: st.reasons,
        showing: showing(hb),
        up_to_date: behind.is_none(),
        schedule,
        last_seen: if s.restored {
            format!("{} ago, before this kiosk started", span(silent))
        } else if silent < Duration::from_secs(2) {
            "just now".into()
        } else {
            format!("{} ago", span(silent))
        },
        clock: match (&hb.clock, this_kiosk == Some(hb.screen_id.as_str())) {
            (_, true) => "the leader's clock".into(),
            (Some(c), false) => clock_text(c),
            (None, false) => "not measured yet".into(),
        },
        memory: hb
            .memory_pss_bytes
            .map_or_else(|| "—".into(), |b| format!("{} MB", b / 1_000_000)),
        version: if hb.version.is_empty() {
            "—".into()
        } else {
            hb.version.clone()
        },
        uptime: if s.restored {
            "—".into()
        } else {
            format!("Up {}", span(Duration::from_secs(hb.uptime_secs)))
        },
        sync: match hb.sync.state {
            SyncLevel::None => "No source".into(),
            SyncLevel::Ok => "OK".into(),
            SyncLevel::Failing => match &hb.sync.error {
                Some(e) => format!("Failing: {e}"),
                None => "Failing".into(),
            },
            SyncLevel::Offline => "Offline".into(),
        },
        thumbnail_url: s.thumbnail.as_ref().map(|t| {
            format!(
                "{THUMBNAIL_SCHEME}://localhost/{}-{}.jpg",
                hb.screen_id, t.seq
            )
        }),
        thumbnail_age: s.thumbnail.as_ref().map(|t| {
            let age = Duration::try_from(now.duration_since(t.at)).unwrap_or_default();
            format!("{} old", span(age))
        }),
        online: s.offline_since.is_none() && !s.restored && silent < interval * super::MISSED_RED,
        this_kiosk: this_kiosk == Some(hb.screen_id.as_str()),
    }
}

fn showing(hb: &super::Heartbeat) -> Vec<String> {
    let line = |s: &ShownSession| format!("{} ({}–{})", s.title, s.start_local, s.end_local);
    match (&hb.role, hb.showing.as_slice()) {
        (Role::Room { .. }, [room]) => {
            let mut out = Vec::new();
            if let Some(now) = &room.now {
                out.push(format!("Now: {}", line(now)));
            }
            if let Some(next) = &room.next {
                out.push(format!("Next: {} at {}", next.title, next.start_local));
            }
            if out.is_empty() {
                out.push("Nothing more today".into());
            }
            out
        }
        (_, rooms) => rooms
            .iter()
            .map(|r| match (&r.now, &r.next) {
                (Some(now), _) => format!("{}: {}", r.room, line(now)),
                (None, Some(next)) => {
                    format!("{}: next {} at {}", r.room, next.title, next.start_local)
                }
                (None, None) => format!("{}: nothing more today", r.room),
            })
            .collect(),
    }
}

/// What changed colour since `before` (updated): one line per screen, for
/// the log of a leader nobody watches.
pub fn changes(
    before: &mut std::collections::HashMap<String, Level>,
    view: &ScreensView,
) -> Vec<String> {
    let mut lines = Vec::new();
    for row in &view.rows {
        let was = before.insert(row.id.clone(), row.level);
        if was.is_some_and(|w| w != row.level) || (was.is_none() && row.level != Level::Green) {
            let why = if row.reasons.is_empty() {
                String::new()
            } else {
                format!(": {}", row.reasons.join("; "))
            };
            lines.push(format!(
                "screen {:?} ({}) is {}{why}",
                row.name,
                row.id,
                match row.level {
                    Level::Green => "green",
                    Level::Amber => "amber",
                    Level::Red => "red",
                }
            ));
        }
    }
    let present: std::collections::HashSet<&str> =
        view.rows.iter().map(|r| r.id.as_str()).collect();
    before.retain(|id, _| present.contains(id.as_str()));
    lines
}

/// A thumbnail's name in its URL: (`screen id`, seq), if it is one.
pub fn parse_thumbnail_name(name: &str) -> Option<(&str, u64)> {
    let stem = name.strip_suffix(".jpg")?;
    let (id, seq) = stem.rsplit_once('-')?;
    super::heartbeat::check_screen_id(id).ok()?;
    Some((id, seq.parse().ok()?))
}
