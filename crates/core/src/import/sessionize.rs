//! Sessionize "All data" JSON (the API view `/view/All`):
//! `{"sessions", "speakers", "questions", "categories", "rooms"}`.
//!
//! Times carry no zone: they are wall-clock times in the configured venue
//! zone (a time that does carry an offset is kept as an instant). Unknown
//! fields are ignored; unscheduled sessions (no start, end or room) are
//! skipped with a warning. See `docs/import-sessionize-csv-ical.md`.

use std::collections::HashSet;

use jiff::{civil, Timestamp};
use serde::Deserialize;
use serde_json::Value;

use crate::draft::{clean_opt, Draft, DraftConference, DraftSession, DraftTime};
use crate::error::{Error, Problem, Result};
use crate::import::csv::{name_from_origin, squash, zone_for_wall_clock};
use crate::import::ImportOptions;
use crate::model::{Room, SessionKind, Speaker, Track};

#[derive(Deserialize)]
struct AllData {
    #[serde(default)]
    sessions: Vec<SessionZ>,
    #[serde(default)]
    speakers: Vec<SpeakerZ>,
    #[serde(default)]
    categories: Vec<CategoryZ>,
    #[serde(default)]
    rooms: Vec<RoomZ>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionZ {
    #[serde(default)]
    id: Value,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    starts_at: Option<String>,
    #[serde(default)]
    ends_at: Option<String>,
    #[serde(default)]
    is_service_session: Option<bool>,
    #[serde(default)]
    speakers: Vec<SpeakerRef>,
    #[serde(default)]
    category_items: Vec<Value>,
    #[serde(default)]
    room_id: Value,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum SpeakerRef {
    /// Some views inline `{"id", "name"}`.
    Object {
        #[serde(default)]
        id: Value,
        #[serde(default)]
        name: Option<String>,
    },
    Id(Value),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpeakerZ {
    #[serde(default)]
    id: Value,
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    full_name: Option<String>,
    #[serde(default)]
    tag_line: Option<String>,
}

#[derive(Deserialize)]
struct CategoryZ {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    items: Vec<ItemZ>,
}

#[derive(Deserialize)]
struct ItemZ {
    #[serde(default)]
    id: Value,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    sort: Option<f64>,
}

#[derive(Deserialize)]
struct RoomZ {
    #[serde(default)]
    id: Value,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    sort: Option<f64>,
}

/// An id as Sessionize writes it: a string (`"123"`, a UUID) or a number.
fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `2024-05-01T09:00:00` (venue time) or with an offset (an instant).
fn parse_time(s: &str) -> std::result::Result<DraftTime, String> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Ok(DraftTime::Instant(ts));
    }
    s.parse::<civil::DateTime>()
        .map(DraftTime::Local)
        .map_err(|_| format!("{s:?} is not a time like \"2024-05-01T09:00:00\""))
}

pub fn parse(origin: &str, bytes: &[u8], options: &ImportOptions) -> Result<Draft> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty {
            origin: origin.to_string(),
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let data: AllData = serde_json::from_slice(bytes)
        .map_err(|e| Error::json_syntax(origin, &e, "a Sessionize \"All data\" export"))?;

    let mut warnings = Vec::new();
    let mut problems = Vec::new();

    // Rooms, by `sort` (stable: equal sorts keep the file's order).
    let mut rooms_z: Vec<(usize, RoomZ)> = data.rooms.into_iter().enumerate().collect();
    rooms_z.sort_by(|(ia, a), (ib, b)| {
        let (sa, sb) = (a.sort.unwrap_or(0.0), b.sort.unwrap_or(0.0));
        sa.total_cmp(&sb).then(ia.cmp(ib))
    });
    let mut rooms = Vec::with_capacity(rooms_z.len());
    for (i, r) in rooms_z {
        let Some(id) = id_text(&r.id) else {
            problems.push(Problem {
                place: format!("rooms[{i}].id"),
                message: "a room needs an id".into(),
            });
            continue;
        };
        rooms.push(Room {
            name: r.name.as_deref().map(squash).unwrap_or_default(),
            id,
        });
    }

    // Tracks: the items of the category titled "Track", else of the first.
    let track_category = data
        .categories
        .iter()
        .find(|c| {
            c.title
                .as_deref()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("track"))
        })
        .or_else(|| data.categories.first());
    let mut tracks: Vec<Track> = Vec::new();
    let mut track_ids: HashSet<String> = HashSet::new();
    if let Some(cat) = track_category {
        let mut items: Vec<(usize, &ItemZ)> = cat.items.iter().enumerate().collect();
        items.sort_by(|(ia, a), (ib, b)| {
            let (sa, sb) = (a.sort.unwrap_or(0.0), b.sort.unwrap_or(0.0));
            sa.total_cmp(&sb).then(ia.cmp(ib))
        });
        for (_, item) in items {
            if let Some(id) = id_text(&item.id) {
                if track_ids.insert(id.clone()) {
                    tracks.push(Track {
                        id,
                        name: item.name.as_deref().map(squash).unwrap_or_default(),
                        colour: None,
                    });
                }
            }
        }
    }

    let mut speakers: Vec<Speaker> = Vec::with_capacity(data.speakers.len());
    for (i, s) in data.speakers.into_iter().enumerate() {
        let Some(id) = id_text(&s.id) else {
            problems.push(Problem {
                place: format!("speakers[{i}].id"),
                message: "a speaker needs an id".into(),
            });
            continue;
        };
        let name = clean_opt(s.full_name)
            .map(|n| squash(&n))
            .unwrap_or_else(|| {
                squash(&format!(
                    "{} {}",
                    s.first_name.unwrap_or_default(),
                    s.last_name.unwrap_or_default()
                ))
            });
        speakers.push(Speaker {
            id,
            name,
            affiliation: clean_opt(s.tag_line),
        });
    }
    let mut known_speakers: HashSet<String> = speakers.iter().map(|s| s.id.clone()).collect();

    let mut sessions = Vec::with_capacity(data.sessions.len());
    for (i, s) in data.sessions.into_iter().enumerate() {
        let id = id_text(&s.id).unwrap_or_default();
        let place = format!("sessions[{i}] ({id:?})");
        let room = id_text(&s.room_id);
        let starts = s
            .starts_at
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let ends = s
            .ends_at
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let (Some(starts), Some(ends), Some(room)) = (starts, ends, room) else {
            let missing: Vec<&str> = [
                (starts.is_none(), "startsAt"),
                (ends.is_none(), "endsAt"),
                (id_text(&s.room_id).is_none(), "roomId"),
            ]
            .into_iter()
            .filter_map(|(m, n)| m.then_some(n))
            .collect();
            warnings.push(Problem {
                place,
                message: format!("not scheduled (no {}); skipped", missing.join(", ")),
            });
            continue;
        };
        let start = parse_time(starts).map_err(|m| {
            problems.push(Problem {
                place: format!("{place}.startsAt"),
                message: m,
            })
        });
        let end = parse_time(ends).map_err(|m| {
            problems.push(Problem {
                place: format!("{place}.endsAt"),
                message: m,
            })
        });
        let (Ok(start), Ok(end)) = (start, end) else {
            continue;
        };
        let mut speaker_ids = Vec::with_capacity(s.speakers.len());
        let mut session_speakers = HashSet::new();
        for sp in s.speakers {
            let (sid, name) = match sp {
                SpeakerRef::Id(v) => (id_text(&v), None),
                SpeakerRef::Object { id, name } => (id_text(&id), clean_opt(name)),
            };
            let Some(sid) = sid else { continue };
            if let Some(name) = name {
                if known_speakers.insert(sid.clone()) {
                    speakers.push(Speaker {
                        id: sid.clone(),
                        name: squash(&name),
                        affiliation: None,
                    });
                }
            }
            if session_speakers.insert(sid.clone()) {
                speaker_ids.push(sid);
            }
        }
        let track = s
            .category_items
            .iter()
            .filter_map(id_text)
            .find(|item| track_ids.contains(item));
        sessions.push(DraftSession {
            place,
            id,
            title: s.title.unwrap_or_default().trim().to_string(),
            subtitle: None,
            abstract_text: clean_opt(s.description),
            slides_url: None,
            room,
            track,
            kind: if s.is_service_session.unwrap_or(false) {
                SessionKind::Break
            } else {
                SessionKind::Talk
            },
            start,
            end,
            speakers: speaker_ids,
        });
    }
    if !problems.is_empty() {
        return Err(Error::Invalid {
            origin: origin.to_string(),
            problems,
        });
    }
    let timezone = zone_for_wall_clock(origin, "Sessionize", options, &sessions, &mut warnings)?;
    let name = name_from_origin(origin);
    Ok(Draft {
        warnings,
        conference: DraftConference {
            id: name.clone(),
            name,
            timezone,
            venue: None,
            day_change: None,
        },
        days: Vec::new(),
        rooms,
        tracks,
        speakers,
        sessions,
    })
}
