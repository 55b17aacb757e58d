//! The one schedule model every source is parsed into and the store holds.
//!
//! Times are UTC instants ([`Timestamp`]); the conference has one IANA zone
//! (`venue_tz`), and everything shown is computed in that zone.

use jiff::{civil, tz::TimeZone, SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// Default venue-local time at which one conference day turns into the next.
/// Sessions that run past midnight (a congress's late talks) still belong to
/// the day they started in.
pub const DEFAULT_DAY_CHANGE: SignedDuration = SignedDuration::from_hours(4);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    Talk,
    Break,
    WorkingSession,
    Social,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Talk => "talk",
            SessionKind::Break => "break",
            SessionKind::WorkingSession => "working_session",
            SessionKind::Social => "social",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "talk" => SessionKind::Talk,
            "break" => SessionKind::Break,
            "working_session" => SessionKind::WorkingSession,
            "social" => SessionKind::Social,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conference {
    /// Stable identifier of the event (e.g. `dask-summit-2020`).
    pub id: String,
    pub name: String,
    /// The IANA name of the venue's zone, e.g. `America/New_York`.
    pub timezone: String,
    pub venue: Option<String>,
    /// Time after local midnight at which the conference day changes
    /// (default 04:00); always within [0, 24 h).
    pub day_change: SignedDuration,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Day {
    pub date: civil::Date,
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Room {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Track {
    pub id: String,
    pub name: String,
    /// `#rrggbb`.
    pub colour: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Speaker {
    pub id: String,
    pub name: String,
    pub affiliation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Stable across imports: the key later local changes hang on.
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub abstract_text: Option<String>,
    /// A [`Room::id`].
    pub room: String,
    /// A [`Track::id`].
    pub track: Option<String>,
    pub kind: SessionKind,
    pub start: Timestamp,
    pub end: Timestamp,
    /// [`Speaker::id`]s, in billing order.
    pub speakers: Vec<String>,
    /// Cancelled by the organizer (a local edit, see [`crate::edits`]): it
    /// stays on screens, marked as cancelled, and is never "now". Imports
    /// always give `false`.
    #[serde(default)]
    pub cancelled: bool,
    /// Links, languages, recording and access: what attendees ask about
    /// beyond the title and the time (flat in the JSON forms).
    #[serde(flatten)]
    pub info: SessionInfo,
}

/// What a link leads to; the QR code on screen picks one by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// The talk's page in the programme.
    Page,
    Slides,
    /// A live stream.
    Stream,
    /// A recording.
    Video,
    Other,
}

impl LinkKind {
    pub const ALL: [LinkKind; 5] = [
        LinkKind::Page,
        LinkKind::Slides,
        LinkKind::Stream,
        LinkKind::Video,
        LinkKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Page => "page",
            LinkKind::Slides => "slides",
            LinkKind::Stream => "stream",
            LinkKind::Video => "video",
            LinkKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        LinkKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Link {
    pub kind: LinkKind,
    /// An http(s) address.
    pub url: String,
}

/// Whether a session is recorded or streamed, as the schedule says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Recording {
    Recorded,
    /// Streamed live (and usually recorded too).
    Streamed,
    /// The speaker asked not to be recorded (frab's `do_not_record`).
    NotRecorded,
    #[default]
    Unknown,
}

impl Recording {
    pub fn as_str(self) -> &'static str {
        match self {
            Recording::Recorded => "recorded",
            Recording::Streamed => "streamed",
            Recording::NotRecorded => "not_recorded",
            Recording::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Recording::Recorded,
            Recording::Streamed,
            Recording::NotRecorded,
            Recording::Unknown,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// A session's links and access information. Read from the JSON forms
/// (the kiosk's schedule, the feed, stored revisions) with the old
/// `slides_url` field still understood: it becomes a slides link.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(from = "SessionInfoWire")]
pub struct SessionInfo {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// Spoken languages as BCP 47 tags (`en`, `de`, `pt-BR`), the main one
    /// first; two for a two-language talk.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    #[serde(skip_serializing_if = "is_unknown")]
    pub recording: Recording,
    /// Live captions on a screen in the room.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub captions: bool,
    /// Sign-language interpretation, by the language's short name (`DGS`, `ASL`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_language: Option<String>,
}

fn is_unknown(r: &Recording) -> bool {
    *r == Recording::Unknown
}

impl SessionInfo {
    /// The first link of `kind`.
    pub fn link(&self, kind: LinkKind) -> Option<&str> {
        self.links
            .iter()
            .find(|l| l.kind == kind)
            .map(|l| l.url.as_str())
    }

    pub fn is_empty(&self) -> bool {
        *self == SessionInfo::default()
    }
}

#[derive(Deserialize)]
struct SessionInfoWire {
    #[serde(default)]
    links: Vec<Link>,
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    recording: Recording,
    #[serde(default)]
    captions: bool,
    #[serde(default)]
    sign_language: Option<String>,
    /// Before typed links (stores and feeds written by earlier versions).
    #[serde(default)]
    slides_url: Option<String>,
}

impl From<SessionInfoWire> for SessionInfo {
    fn from(w: SessionInfoWire) -> Self {
        let mut links = w.links;
        if let Some(url) = w.slides_url {
            if !links.iter().any(|l| l.url == url) {
                links.insert(
                    0,
                    Link {
                        kind: LinkKind::Slides,
                        url,
                    },
                );
            }
        }
        SessionInfo {
            links,
            languages: w.languages,
            recording: w.recording,
            captions: w.captions,
            sign_language: w.sign_language,
        }
    }
}

impl Session {
    /// Half-open: a session ending at 12:45 does not contain 12:45.
    pub fn contains(&self, at: Timestamp) -> bool {
        self.start <= at && at < self.end
    }
}

/// A validated schedule. Build one with [`Schedule::new`], which checks the
/// references between its parts, so the rest of the code can rely on them.
///
/// Serialises (for the store's revision history) as its parts without the
/// zone object, which is rebuilt from `conference.timezone` when read back.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(into = "ScheduleData", try_from = "ScheduleData")]
pub struct Schedule {
    pub conference: Conference,
    pub venue_tz: TimeZone,
    pub days: Vec<Day>,
    pub rooms: Vec<Room>,
    pub tracks: Vec<Track>,
    pub speakers: Vec<Speaker>,
    /// Sorted by (start, end, id).
    pub sessions: Vec<Session>,
}

impl PartialEq for Schedule {
    fn eq(&self, other: &Self) -> bool {
        self.conference == other.conference
            && self.days == other.days
            && self.rooms == other.rooms
            && self.tracks == other.tracks
            && self.speakers == other.speakers
            && self.sessions == other.sessions
    }
}

/// The serialised form of a [`Schedule`].
#[derive(Serialize, Deserialize)]
struct ScheduleData {
    conference: Conference,
    days: Vec<Day>,
    rooms: Vec<Room>,
    tracks: Vec<Track>,
    speakers: Vec<Speaker>,
    sessions: Vec<Session>,
}

impl From<Schedule> for ScheduleData {
    fn from(s: Schedule) -> Self {
        ScheduleData {
            conference: s.conference,
            days: s.days,
            rooms: s.rooms,
            tracks: s.tracks,
            speakers: s.speakers,
            sessions: s.sessions,
        }
    }
}

impl TryFrom<ScheduleData> for Schedule {
    type Error = String;

    fn try_from(d: ScheduleData) -> Result<Self, Self::Error> {
        let tz = venue_zone(&d.conference.timezone)
            .map_err(|e| format!("time zone {:?}: {e}", d.conference.timezone))?;
        Ok(Schedule::new(
            d.conference,
            tz,
            d.days,
            d.rooms,
            d.tracks,
            d.speakers,
            d.sessions,
        ))
    }
}

impl Schedule {
    /// Assemble a schedule whose parts are already validated (see
    /// [`crate::validate`]); sorts the sessions and fills in the days when the
    /// source gave none.
    pub fn new(
        conference: Conference,
        venue_tz: TimeZone,
        mut days: Vec<Day>,
        rooms: Vec<Room>,
        tracks: Vec<Track>,
        speakers: Vec<Speaker>,
        mut sessions: Vec<Session>,
    ) -> Self {
        sessions.sort_by(|a, b| (a.start, a.end, &a.id).cmp(&(b.start, b.end, &b.id)));
        let mut schedule = Schedule {
            conference,
            venue_tz,
            days: Vec::new(),
            rooms,
            tracks,
            speakers,
            sessions,
        };
        if days.is_empty() {
            days = schedule.derived_days();
        }
        days.sort_by_key(|d| d.date);
        schedule.days = days;
        schedule
    }

    /// The conference day an instant belongs to, in the venue's zone.
    pub fn conference_day(&self, at: Timestamp) -> civil::Date {
        conference_day(&self.venue_tz, self.conference.day_change, at)
    }

    /// The instant the conference day holding `at` ends (the next day change).
    pub fn day_end(&self, at: Timestamp) -> Timestamp {
        let next_day = self
            .conference_day(at)
            .tomorrow()
            .expect("conference days are far from the end of time");
        let change = next_day
            .to_datetime(civil::Time::midnight())
            .checked_add(self.conference.day_change)
            .expect("a day change is within a day");
        self.venue_tz
            .to_ambiguous_timestamp(change)
            .compatible()
            .expect("a day change is a representable instant")
    }

    fn derived_days(&self) -> Vec<Day> {
        let mut dates: Vec<civil::Date> = self
            .sessions
            .iter()
            .map(|s| self.conference_day(s.start))
            .collect();
        dates.dedup();
        dates.sort();
        dates.dedup();
        dates
            .into_iter()
            .map(|date| Day { date, label: None })
            .collect()
    }

    pub fn room_by_name(&self, name: &str) -> Option<&Room> {
        let wanted = name.trim();
        self.rooms
            .iter()
            .find(|r| r.name == wanted)
            .or_else(|| self.rooms.iter().find(|r| r.id == wanted))
            .or_else(|| {
                self.rooms
                    .iter()
                    .find(|r| r.name.to_lowercase() == wanted.to_lowercase())
            })
    }

    pub fn room_names(&self) -> Vec<String> {
        self.rooms.iter().map(|r| r.name.clone()).collect()
    }

    pub fn speaker(&self, id: &str) -> Option<&Speaker> {
        self.speakers.iter().find(|s| s.id == id)
    }

    pub fn track(&self, id: &str) -> Option<&Track> {
        self.tracks.iter().find(|t| t.id == id)
    }

    pub fn room(&self, id: &str) -> Option<&Room> {
        self.rooms.iter().find(|r| r.id == id)
    }

    pub fn session(&self, id: &str) -> Option<&Session> {
        self.sessions.iter().find(|s| s.id == id)
    }

    /// Put the sessions back in schedule order (start, end, id) after
    /// changing them in place.
    pub fn sort_sessions(&mut self) {
        self.sessions
            .sort_by(|a, b| (a.start, a.end, &a.id).cmp(&(b.start, b.end, &b.id)));
    }

    /// Every session moved by `by`, and the day change with them, so each
    /// session stays on its conference day; used to re-base the demo.
    pub fn shifted(&self, by: SignedDuration) -> Schedule {
        let day = SignedDuration::from_hours(24).as_secs();
        let day_change = SignedDuration::from_secs(
            (self.conference.day_change.as_secs() + by.as_secs()).rem_euclid(day),
        );
        let sessions = self
            .sessions
            .iter()
            .map(|s| Session {
                start: s.start + by,
                end: s.end + by,
                ..s.clone()
            })
            .collect();
        let labels: Vec<Option<String>> = self.days.iter().map(|d| d.label.clone()).collect();
        let mut shifted = Schedule::new(
            Conference {
                day_change,
                ..self.conference.clone()
            },
            self.venue_tz.clone(),
            Vec::new(),
            self.rooms.clone(),
            self.tracks.clone(),
            self.speakers.clone(),
            sessions,
        );
        for (day, label) in shifted.days.iter_mut().zip(labels) {
            day.label = label;
        }
        shifted
    }

    /// A session's local start and end as `HH:MM` in the venue's zone.
    pub fn local_hm(&self, at: Timestamp) -> String {
        at.to_zoned_datetime(self.venue_tz.clone())
            .strftime("%H:%M")
            .to_string()
    }

    /// RFC 3339 with the venue's offset, e.g. `2020-02-26T10:20:00-05:00`.
    pub fn local_rfc3339(&self, at: Timestamp) -> String {
        at.to_zoned_datetime(self.venue_tz.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    }
}

pub fn conference_day(tz: &TimeZone, day_change: SignedDuration, at: Timestamp) -> civil::Date {
    let local = at.to_zoned_datetime(tz.clone()).datetime();
    let shifted = local.checked_sub(day_change).unwrap_or(local);
    shifted.date()
}

/// The venue's zone from its name: an IANA name (`Europe/Berlin`), or, for a
/// schedule that only has fixed offsets, an offset (`+01:00`, `UTC`).
pub fn venue_zone(name: &str) -> Result<TimeZone, jiff::Error> {
    match TimeZone::get(name) {
        Ok(tz) => Ok(tz),
        Err(e) => parse_offset(name).map(TimeZone::fixed).ok_or(e),
    }
}

/// frab's bare city names (`Berlin`): the one IANA zone whose last part is
/// that name, if exactly one is.
pub fn zone_for_city(city: &str) -> Option<String> {
    let wanted = city.trim().replace(' ', "_");
    let mut found = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_string())
        .filter(|n| {
            n.rsplit('/')
                .next()
                .is_some_and(|last| last.eq_ignore_ascii_case(&wanted))
                && n.contains('/')
        });
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// `+01:00`, `-05:30`, `+0100`, `Z` or `UTC`.
pub fn parse_offset(text: &str) -> Option<jiff::tz::Offset> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("utc") {
        return Some(jiff::tz::Offset::UTC);
    }
    let (sign, rest) = match t.as_bytes().first()? {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    if hours > 18 || minutes > 59 {
        return None;
    }
    jiff::tz::Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok()
}

/// `#rrggbb`.
pub fn is_hex_colour(c: &str) -> bool {
    c.len() == 7 && c.starts_with('#') && c[1..].bytes().all(|b| b.is_ascii_hexdigit())
}
