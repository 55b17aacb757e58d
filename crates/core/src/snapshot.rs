//! What a screen shows: a pure function of (schedule, instant, room).
//!
//! `now` is the session whose half-open `[start, end)` holds the instant (the
//! latest-starting one if a source overlaps two); `next` is the earliest session
//! in the room starting after the instant, `after` the one after that.
//! `next_change_at` is the first instant at which anything but the minute
//! counters changes, so the shell can push exactly then.

use std::cmp::Ordering;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::config::WallPolicy;
use crate::edits::{
    current_announcement, next_announcement_change, Announcement, AnnouncementView,
};
use crate::glance::{
    badges_in, Badge, EmergencyView, LateView, LobbyLayout, PlannedView, QrView, RoomStatusView,
};
use crate::i18n::display::{self as words, DisplayLabels, RoomTexts};
use crate::i18n::{Catalogue, Language};
use crate::model::{Schedule, Session, SessionKind};

/// Minutes before the end at which a talk's colour turns to "ending soon".
pub const WARNING_MINUTES: i64 = 5;

/// The screen counts down to the next session from this many minutes before it.
pub const COUNTDOWN_MINUTES: i64 = 180;

/// Minutes for people in English: `25 min`, `2 h`, `2 h 5 min` (hours from
/// 120 minutes on); [`Catalogue::minutes`] in other languages.
pub fn minutes_text(n: i64) -> String {
    Language::En.catalogue().minutes(n)
}

/// Speakers named on a card; more are counted (`+3 more`).
pub const MAX_SPEAKERS_SHOWN: usize = 6;

/// How large a title is set, by its length in characters, so a long one
/// still fits its lines: `s` up to 55, `m` to 90, `l` to 140, else `xl`.
pub fn title_size(title: &str) -> &'static str {
    match title.chars().count() {
        0..=55 => "s",
        56..=90 => "m",
        91..=140 => "l",
        _ => "xl",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RoomState {
    NotStarted,
    InSession,
    BetweenSessions,
    Break,
    WorkingSession,
    DayOver,
    EventOver,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeakerView {
    pub name: String,
    pub affiliation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackView {
    pub name: String,
    pub colour: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionView {
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub speakers: Vec<SpeakerView>,
    pub track: Option<TrackView>,
    pub kind: SessionKind,
    pub start: Timestamp,
    pub end: Timestamp,
    pub start_ms: i64,
    pub end_ms: i64,
    /// `HH:MM` in the venue's zone.
    pub start_local: String,
    pub end_local: String,
    /// The venue-local weekday when it is not today (`Thu`, `Do`), else `None`.
    pub weekday: Option<String>,
    /// Start and end in the language's clock (`2:30 PM`, `14:30`).
    pub start_text: String,
    pub end_text: String,
    /// When it starts, as the screen says it: `14:30`, or `Do 14:30`.
    pub when: String,
    /// `14:30–15:15`.
    pub span: String,
    /// `+3 more` when speakers are not named.
    pub more_text: Option<String>,
    /// Cancelled by the organizer: shown, marked as cancelled; never `current`.
    pub cancelled: bool,
    /// Speakers beyond the first [`MAX_SPEAKERS_SHOWN`] (not in `speakers`).
    pub more_speakers: usize,
    /// `s`, `m`, `l` or `xl`: see [`title_size`].
    pub title_size: &'static str,
    /// Languages, recording, captions, sign language.
    pub badges: Vec<Badge>,
    /// The times first published, when the organizer's changes moved it.
    pub planned: Option<PlannedView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurrentView {
    #[serde(flatten)]
    pub session: SessionView,
    /// 0.0 at the start, 1.0 at the end.
    pub progress: f64,
    /// Whole minutes left, rounded up (a talk with 30 s left has 1 minute left).
    pub minutes_left: i64,
    /// The same for people: `25 min`, `2 h 5 min` (in the screen's language).
    pub left_text: String,
    pub ending_soon: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoomSnapshot {
    pub room_id: String,
    pub room: String,
    pub state: RoomState,
    pub current: Option<CurrentView>,
    pub next: Option<SessionView>,
    pub after: Option<SessionView>,
    /// Whole minutes until `next` starts, rounded up.
    pub next_starts_in_minutes: Option<i64>,
    /// `in 25 min`, when `next` starts within [`COUNTDOWN_MINUTES`].
    pub next_starts_in_text: Option<String>,
    pub next_change_at: Option<Timestamp>,
    /// Behind the plan (organizer's delays, overruns): see [`crate::glance`].
    pub late: Option<LateView>,
    /// Beside the session on: its slides, page or stream.
    pub qr: Option<QrView>,
    /// "Filling up" or "full", as the organizer set it.
    pub status: Option<RoomStatusView>,
    /// Its lines in the screen's language (see [`words::room_texts`]).
    pub texts: RoomTexts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Selection {
    Room { room: String },
    Lobby,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisplaySnapshot {
    /// The screen's language (`display_language`).
    pub language: Language,
    /// Its fixed words.
    pub labels: DisplayLabels,
    /// The venue's time of day in the language's clock (`2:30 PM`, `14:30`),
    /// pushed at each clock minute.
    pub clock: String,
    pub has_schedule: bool,
    pub conference: String,
    pub venue: Option<String>,
    pub timezone: String,
    pub at: Timestamp,
    pub at_ms: i64,
    /// RFC 3339 in the venue's zone.
    pub at_local: String,
    pub day_label: Option<String>,
    /// How fast the display's clock runs (1 in production; more in rehearsals).
    pub speed: f64,
    pub revision: i64,
    /// `room` (one room's screen) or `lobby` (every room's now/next).
    pub view: &'static str,
    pub rooms: Vec<RoomSnapshot>,
    pub next_change_at: Option<Timestamp>,
    /// A sentence for the screen when something needs saying (never an error page).
    pub notice: Option<String>,
    /// Set when the schedule's source has failed for longer than the
    /// configured time: a discreet badge, nothing else changes.
    pub offline: Option<OfflineBadge>,
    /// How the photo wall shows now (the shell sets it from its photos and
    /// the configured [`WallPolicy`]; see [`wall_mode`]).
    pub wall: WallMode,
    /// The announcement banner, if one is on for this screen's room(s) (the
    /// shell sets it with [`set_announcements`], which also brings
    /// `next_change_at` forward to the next start or expiry).
    pub announcement: Option<AnnouncementView>,
    /// A full-screen emergency message over everything (see [`crate::glance::decorate`]).
    pub emergency: Option<EmergencyView>,
    /// The lobby's grid and page (lobby screens only).
    pub lobby: Option<LobbyLayout>,
    /// `page 2 of 3`, when the lobby has more than one.
    pub page_text: Option<String>,
    /// "Identify" from the organizer's Screens tab: this screen's name, to
    /// show large over everything (the shell sets it for a few seconds).
    pub identify: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WallMode {
    #[default]
    Off,
    /// Beside the talk on a room screen.
    Side,
    /// The whole screen below the top bar, with the next session in a strip.
    Full,
}

/// When the wall shows: full screen in breaks, working sessions and after the
/// day (on the lobby: when no room has a talk on); during and between talks a
/// side panel under [`WallPolicy::Auto`]. Never without photos or a schedule.
pub fn wall_mode(snapshot: &DisplaySnapshot, policy: WallPolicy, has_photos: bool) -> WallMode {
    if !has_photos || policy == WallPolicy::Off || !snapshot.has_schedule {
        return WallMode::Off;
    }
    let quiet = |state: RoomState| {
        matches!(
            state,
            RoomState::Break
                | RoomState::WorkingSession
                | RoomState::DayOver
                | RoomState::EventOver
        )
    };
    if snapshot.rooms.iter().all(|r| quiet(r.state)) {
        WallMode::Full
    } else if snapshot.view == "room" && policy == WallPolicy::Auto {
        WallMode::Side
    } else {
        WallMode::Off
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfflineBadge {
    /// `HH:MM` (venue time) of the last good sync, if there was one.
    pub schedule_from: Option<String>,
    /// `HH:MM` (venue time) when the failures began.
    pub offline_since: String,
    /// Both, in the screen's words and clock.
    pub text: String,
}

impl OfflineBadge {
    /// The badge for failures since `failing_since` after a last good sync
    /// at `last_success`, in the venue's zone (UTC with no schedule).
    pub fn new(
        lang: Language,
        schedule: Option<&Schedule>,
        last_success: Option<Timestamp>,
        failing_since: Timestamp,
    ) -> OfflineBadge {
        let cat = lang.catalogue();
        let hm = |t: Timestamp| match schedule {
            Some(s) => s.local_hm(t),
            None => t.strftime("%H:%M UTC").to_string(),
        };
        let shown = |t: Timestamp| match schedule {
            Some(s) => cat.time(t, &s.venue_tz),
            None => format!("{} UTC", cat.time(t, &jiff::tz::TimeZone::UTC)),
        };
        OfflineBadge {
            schedule_from: last_success.map(hm),
            offline_since: hm(failing_since),
            text: words::offline(
                cat,
                last_success.map(shown).as_deref(),
                &shown(failing_since),
            ),
        }
    }
}

fn minutes_ceil(d: SignedDuration) -> i64 {
    let secs = d.as_secs();
    let sub = d.subsec_nanos();
    let whole = if sub > 0 { secs + 1 } else { secs };
    (whole + 59).div_euclid(60)
}

fn view(cat: &Catalogue, schedule: &Schedule, s: &Session, at: Timestamp) -> SessionView {
    let today = schedule.conference_day(at);
    let weekday = (schedule.conference_day(s.start) != today).then(|| {
        let day = s
            .start
            .to_zoned_datetime(schedule.venue_tz.clone())
            .weekday();
        cat.weekday(day).to_string()
    });
    let start_text = cat.time(s.start, &schedule.venue_tz);
    let end_text = cat.time(s.end, &schedule.venue_tz);
    let speakers: Vec<SpeakerView> = s
        .speakers
        .iter()
        .filter_map(|id| schedule.speaker(id))
        .map(|sp| SpeakerView {
            name: sp.name.clone(),
            affiliation: sp.affiliation.clone(),
        })
        .collect();
    let more_speakers = speakers.len().saturating_sub(MAX_SPEAKERS_SHOWN);
    let mut view = SessionView {
        id: s.id.clone(),
        title: s.title.clone(),
        subtitle: s.subtitle.clone(),
        speakers: speakers.into_iter().take(MAX_SPEAKERS_SHOWN).collect(),
        track: s
            .track
            .as_deref()
            .and_then(|id| schedule.track(id))
            .map(|t| TrackView {
                name: t.name.clone(),
                colour: t.colour.clone(),
            }),
        kind: s.kind,
        start: s.start,
        end: s.end,
        start_ms: s.start.as_millisecond(),
        end_ms: s.end.as_millisecond(),
        start_local: schedule.local_hm(s.start),
        end_local: schedule.local_hm(s.end),
        when: match &weekday {
            Some(day) => format!("{day} {start_text}"),
            None => start_text.clone(),
        },
        span: format!("{start_text}–{end_text}"),
        weekday,
        start_text,
        end_text,
        more_text: None,
        cancelled: s.cancelled,
        more_speakers,
        title_size: title_size(&s.title),
        badges: badges_in(cat, &s.info),
        planned: None,
    };
    view.more_text = words::more_speakers(cat, &view);
    view
}

/// The sessions of one room, in schedule order (start, end, id).
fn sessions_in<'a>(schedule: &'a Schedule, room_id: &'a str) -> impl Iterator<Item = &'a Session> {
    schedule.sessions.iter().filter(move |s| s.room == room_id)
}

/// The session shown as current: of those holding `at` and not cancelled,
/// the latest to start (the first in schedule order among equals).
pub fn current_session<'a>(
    schedule: &'a Schedule,
    room_id: &'a str,
    at: Timestamp,
) -> Option<&'a Session> {
    let mut current: Option<&Session> = None;
    for s in sessions_in(schedule, room_id).filter(|s| !s.cancelled && s.contains(at)) {
        if current.is_none_or(|c| s.start.cmp(&c.start) == Ordering::Greater) {
            current = Some(s);
        }
    }
    current
}

/// [`room_snapshot_in`] in English.
pub fn room_snapshot(schedule: &Schedule, room_id: &str, at: Timestamp) -> RoomSnapshot {
    room_snapshot_in(Language::En, schedule, room_id, at)
}

/// One room's now, next and after at `at`, its words in `lang`.
pub fn room_snapshot_in(
    lang: Language,
    schedule: &Schedule,
    room_id: &str,
    at: Timestamp,
) -> RoomSnapshot {
    let cat = lang.catalogue();
    let room = schedule
        .rooms
        .iter()
        .find(|r| r.id == room_id)
        .map(|r| r.name.clone())
        .unwrap_or_default();
    let current = current_session(schedule, room_id, at);
    let mut upcoming = sessions_in(schedule, room_id).filter(|s| s.start > at);
    let next = upcoming.next();
    let after = upcoming.next();
    let today = schedule.conference_day(at);

    let state = match (current, next) {
        (Some(c), _) => match c.kind {
            SessionKind::Talk | SessionKind::Social => RoomState::InSession,
            SessionKind::Break => RoomState::Break,
            SessionKind::WorkingSession => RoomState::WorkingSession,
        },
        (None, None) => RoomState::EventOver,
        (None, Some(n)) => {
            let had_today = sessions_in(schedule, room_id)
                .any(|s| s.start <= at && schedule.conference_day(s.start) == today);
            let had_any = sessions_in(schedule, room_id).any(|s| s.start <= at);
            let next_today = schedule.conference_day(n.start) == today;
            match (next_today, had_today) {
                (true, true) => RoomState::BetweenSessions,
                (true, false) => RoomState::NotStarted,
                (false, _) if had_any => RoomState::DayOver,
                (false, _) => RoomState::NotStarted,
            }
        }
    };

    let warning = SignedDuration::from_mins(WARNING_MINUTES);
    let mut changes: Vec<Timestamp> = Vec::new();
    if let Some(c) = current {
        changes.push(c.end);
        changes.push(c.end - warning);
    }
    // An overlapped session that ends while another is current.
    changes.extend(
        sessions_in(schedule, room_id)
            .filter(|s| !s.cancelled && s.contains(at))
            .map(|s| s.end),
    );
    if let Some(n) = next {
        changes.push(n.start);
        changes.push(schedule.day_end(at));
    }
    let next_change_at = changes.into_iter().filter(|t| *t > at).min();

    let mut snapshot = RoomSnapshot {
        room_id: room_id.to_string(),
        room,
        state,
        current: current.map(|c| {
            let total = c.end.duration_since(c.start).as_secs_f64();
            let done = at.duration_since(c.start).as_secs_f64();
            CurrentView {
                session: view(cat, schedule, c, at),
                progress: (done / total).clamp(0.0, 1.0),
                minutes_left: minutes_ceil(c.end.duration_since(at)),
                left_text: cat.minutes(minutes_ceil(c.end.duration_since(at))),
                ending_soon: c.end.duration_since(at) <= warning,
            }
        }),
        next: next.map(|n| view(cat, schedule, n, at)),
        after: after.map(|n| view(cat, schedule, n, at)),
        next_starts_in_minutes: next.map(|n| minutes_ceil(n.start.duration_since(at))),
        next_starts_in_text: next
            .map(|n| minutes_ceil(n.start.duration_since(at)))
            .filter(|m| *m <= COUNTDOWN_MINUTES)
            .map(|m| cat.fill("display.starts_in", &[("duration", &cat.minutes(m))])),
        next_change_at,
        late: None,
        qr: None,
        status: None,
        texts: RoomTexts::default(),
    };
    snapshot.texts = words::room_texts(cat, &snapshot, &schedule.conference.name);
    snapshot
}

/// [`display_snapshot_in`] in English.
pub fn display_snapshot(
    schedule: Option<&Schedule>,
    selection: &Selection,
    at: Timestamp,
    revision: i64,
    speed: f64,
) -> DisplaySnapshot {
    display_snapshot_in(Language::En, schedule, selection, at, revision, speed)
}

/// The whole snapshot a display window renders, its words in `lang`.
pub fn display_snapshot_in(
    lang: Language,
    schedule: Option<&Schedule>,
    selection: &Selection,
    at: Timestamp,
    revision: i64,
    speed: f64,
) -> DisplaySnapshot {
    let cat = lang.catalogue();
    let Some(schedule) = schedule else {
        return DisplaySnapshot {
            language: lang,
            labels: DisplayLabels::new(cat),
            clock: cat.time(at, &jiff::tz::TimeZone::UTC),
            has_schedule: false,
            conference: String::new(),
            venue: None,
            timezone: "UTC".into(),
            at,
            at_ms: at.as_millisecond(),
            at_local: at.to_string(),
            day_label: None,
            speed,
            revision,
            view: "lobby",
            rooms: Vec::new(),
            next_change_at: None,
            notice: Some(words::no_schedule(cat)),
            offline: None,
            wall: WallMode::Off,
            announcement: None,
            emergency: None,
            lobby: None,
            page_text: None,
            identify: None,
        };
    };
    let (view, room_ids, notice): (&'static str, Vec<&str>, Option<String>) = match selection {
        Selection::Room { room } => match schedule.room_by_name(room) {
            Some(r) => ("room", vec![r.id.as_str()], None),
            None => (
                "lobby",
                schedule.rooms.iter().map(|r| r.id.as_str()).collect(),
                Some(words::room_missing(cat, room)),
            ),
        },
        Selection::Lobby => (
            "lobby",
            schedule.rooms.iter().map(|r| r.id.as_str()).collect(),
            None,
        ),
    };
    let rooms: Vec<RoomSnapshot> = room_ids
        .into_iter()
        .map(|id| room_snapshot_in(lang, schedule, id, at))
        .collect();
    let next_change_at = rooms.iter().filter_map(|r| r.next_change_at).min();
    let day = schedule.conference_day(at);
    let day_label = schedule.days.iter().position(|d| d.date == day).map(|i| {
        schedule.days[i]
            .label
            .clone()
            .unwrap_or_else(|| words::day(cat, i + 1))
    });
    DisplaySnapshot {
        language: lang,
        labels: DisplayLabels::new(cat),
        clock: cat.time(at, &schedule.venue_tz),
        has_schedule: true,
        conference: schedule.conference.name.clone(),
        venue: schedule.conference.venue.clone(),
        timezone: schedule.conference.timezone.clone(),
        at,
        at_ms: at.as_millisecond(),
        at_local: schedule.local_rfc3339(at),
        day_label,
        speed,
        revision,
        view,
        rooms,
        next_change_at,
        notice,
        offline: None,
        wall: WallMode::Off,
        announcement: None,
        emergency: None,
        lobby: None,
        page_text: None,
        identify: None,
    }
}

/// Put the announcement this screen shows at `snapshot.at` on the snapshot
/// (the urgent before the normal, then the newest, of those active for its
/// room, or for any room on the lobby screen), and bring `next_change_at`
/// forward to the next time an announcement for it starts or expires.
/// Call it after [`display_snapshot`], with the store's announcements.
pub fn set_announcements(snapshot: &mut DisplaySnapshot, announcements: &[Announcement]) {
    let rooms: Vec<&str> = snapshot.rooms.iter().map(|r| r.room_id.as_str()).collect();
    let at = snapshot.at;
    snapshot.announcement = current_announcement(announcements, &rooms, at).map(Into::into);
    let next = next_announcement_change(announcements, &rooms, at);
    snapshot.next_change_at = match (snapshot.next_change_at, next) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
}
