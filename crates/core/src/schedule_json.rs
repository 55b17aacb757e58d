//! The project's own JSON schedule format (`assets/schedule.schema.json`,
//! documented in `docs/schedule-format.md`). The embedded demo is stored in it,
//! and `--schedule FILE` reads it.

use std::collections::HashSet;

use jiff::{civil, Timestamp};
use serde::Deserialize;

use crate::draft::{
    clean_opt, validate, Draft, DraftConference, DraftSession, DraftTime, Problems, Validated,
};
use crate::error::{Error, Result};
use crate::model::{
    Day, Link, LinkKind, Recording, Room, SessionInfo, SessionKind, Speaker, Track,
};

pub const FORMAT_NAME: &str = "summit-kiosk/schedule";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileV1 {
    /// Editors' hint to the JSON Schema; ignored.
    #[serde(default, rename = "$schema")]
    _schema: Option<String>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    version: Option<u32>,
    conference: ConferenceV1,
    #[serde(default)]
    days: Vec<DayV1>,
    rooms: Vec<RoomV1>,
    #[serde(default)]
    tracks: Vec<TrackV1>,
    #[serde(default)]
    speakers: Vec<SpeakerV1>,
    sessions: Vec<SessionV1>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConferenceV1 {
    #[serde(default)]
    id: Option<String>,
    name: String,
    timezone: String,
    #[serde(default)]
    venue: Option<String>,
    /// `HH:MM`: when one conference day turns into the next (default 04:00).
    #[serde(default)]
    day_change: Option<civil::Time>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DayV1 {
    date: civil::Date,
    #[serde(default)]
    label: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoomV1 {
    #[serde(default)]
    id: Option<String>,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrackV1 {
    #[serde(default)]
    id: Option<String>,
    name: String,
    #[serde(default)]
    colour: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpeakerV1 {
    #[serde(default)]
    id: Option<String>,
    name: String,
    #[serde(default)]
    affiliation: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum SpeakerRef {
    Id(String),
    Inline(SpeakerV1),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionV1 {
    id: String,
    title: String,
    #[serde(default)]
    subtitle: Option<String>,
    #[serde(default, rename = "abstract")]
    abstract_text: Option<String>,
    /// Before typed links: read as a slides link.
    #[serde(default)]
    slides_url: Option<String>,
    #[serde(default)]
    links: Vec<LinkV1>,
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    recording: Recording,
    #[serde(default)]
    captions: bool,
    #[serde(default)]
    sign_language: Option<String>,
    room: String,
    #[serde(default)]
    track: Option<String>,
    #[serde(default = "default_kind")]
    kind: SessionKind,
    start: String,
    end: String,
    #[serde(default)]
    speakers: Vec<SpeakerRef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkV1 {
    kind: LinkKind,
    url: String,
}

fn default_kind() -> SessionKind {
    SessionKind::Talk
}

/// `2020-02-26T09:10:00-05:00` / `…Z` is an instant; `2020-02-26T09:10` is a
/// wall-clock time in the venue's zone.
fn parse_time(s: &str) -> std::result::Result<DraftTime, String> {
    DraftTime::parse(s).ok_or_else(|| {
        format!(
            "{:?} is not a time; write \"2020-02-26T09:10\" (venue time) or \
             \"2020-02-26T14:10:00Z\" / \"2020-02-26T09:10:00-05:00\"",
            s.trim()
        )
    })
}

/// Parse and validate a schedule from bytes; `origin` names the source in errors.
pub fn parse(origin: &str, bytes: &[u8]) -> Result<Validated> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty {
            origin: origin.to_string(),
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let file: FileV1 = serde_json::from_slice(bytes)
        .map_err(|e| Error::json_syntax(origin, &e, "a Summit Kiosk schedule"))?;
    let draft = into_draft(origin, file)?;
    validate(origin, draft)
}

fn into_draft(origin: &str, file: FileV1) -> Result<Draft> {
    let mut p = Problems::default();
    if let Some(format) = &file.format {
        if format != FORMAT_NAME {
            p.error("format", format!("{format:?} is not {FORMAT_NAME:?}"));
        }
    }
    if let Some(version) = file.version {
        if version != 1 {
            p.error(
                "version",
                format!("version {version} is not supported; this kiosk reads version 1"),
            );
        }
    }
    let rooms: Vec<Room> = file
        .rooms
        .into_iter()
        .map(|r| Room {
            id: id_or_name(r.id, &r.name),
            name: r.name.trim().to_string(),
        })
        .collect();
    let tracks: Vec<Track> = file
        .tracks
        .into_iter()
        .map(|t| Track {
            id: id_or_name(t.id, &t.name),
            name: t.name.trim().to_string(),
            colour: clean_opt(t.colour),
        })
        .collect();
    let mut speakers: Vec<Speaker> = file.speakers.into_iter().map(speaker).collect();
    let mut known_speakers: HashSet<String> = speakers.iter().map(|s| s.id.clone()).collect();
    let sessions = file
        .sessions
        .into_iter()
        .enumerate()
        .map(|(i, s)| session(i, s, &mut speakers, &mut known_speakers, &mut p))
        .collect();
    p.check(origin)?;
    let conference = DraftConference {
        id: clean_opt(file.conference.id)
            .unwrap_or_else(|| file.conference.name.trim().to_string()),
        name: file.conference.name.trim().to_string(),
        timezone: file.conference.timezone.trim().to_string(),
        venue: clean_opt(file.conference.venue),
        day_change: file.conference.day_change,
    };
    Ok(Draft {
        warnings: Vec::new(),
        conference,
        days: file
            .days
            .into_iter()
            .map(|d| Day {
                date: d.date,
                label: clean_opt(d.label),
            })
            .collect(),
        rooms,
        tracks,
        speakers,
        sessions,
    })
}

fn session(
    i: usize,
    s: SessionV1,
    speakers: &mut Vec<Speaker>,
    known_speakers: &mut HashSet<String>,
    p: &mut Problems,
) -> DraftSession {
    let place = format!("sessions[{i}] ({:?})", s.id.trim());
    let start = time(p, &place, "start", &s.start);
    let end = time(p, &place, "end", &s.end);
    let mut speaker_ids = Vec::with_capacity(s.speakers.len());
    for sp in s.speakers {
        match sp {
            SpeakerRef::Id(id) => speaker_ids.push(id.trim().to_string()),
            SpeakerRef::Inline(inline) => {
                let inline = speaker(inline);
                speaker_ids.push(inline.id.clone());
                if known_speakers.insert(inline.id.clone()) {
                    speakers.push(inline);
                }
            }
        }
    }
    DraftSession {
        place,
        id: s.id.trim().to_string(),
        title: s.title.trim().to_string(),
        subtitle: clean_opt(s.subtitle),
        abstract_text: clean_opt(s.abstract_text),
        room: s.room.trim().to_string(),
        track: clean_opt(s.track),
        kind: s.kind,
        start,
        end,
        speakers: speaker_ids,
        info: SessionInfo {
            links: clean_opt(s.slides_url)
                .map(|url| Link {
                    kind: LinkKind::Slides,
                    url,
                })
                .into_iter()
                .chain(s.links.into_iter().map(|l| Link {
                    kind: l.kind,
                    url: l.url.trim().to_string(),
                }))
                .collect(),
            languages: s.languages,
            recording: s.recording,
            captions: s.captions,
            sign_language: s.sign_language,
        },
    }
}

/// An id as written, else the name: a hand-written file may leave ids out.
fn id_or_name(id: Option<String>, name: &str) -> String {
    id.map_or_else(|| name.trim().to_string(), |i| i.trim().to_string())
}

fn speaker(s: SpeakerV1) -> Speaker {
    Speaker {
        id: id_or_name(s.id, &s.name),
        name: s.name.trim().to_string(),
        affiliation: clean_opt(s.affiliation),
    }
}

/// A session's start or end; a bad one is recorded and stands in as the
/// epoch, so every other problem of the file is still found.
pub(crate) fn time(p: &mut Problems, place: &str, field: &str, text: &str) -> DraftTime {
    parse_time(text).unwrap_or_else(|m| {
        p.error(format!("{place}.{field}"), m);
        DraftTime::Instant(Timestamp::UNIX_EPOCH)
    })
}
