//! Sessionize "All data" JSON (the API view `/view/All`):
//! `{"sessions", "speakers", "questions", "categories", "rooms"}`.
//!
//! Times carry no zone: they are wall-clock times in the configured venue
//! zone (a time that does carry an offset is kept as an instant). Unknown
//! fields are ignored; unscheduled sessions (no start, end or room) are
//! skipped with a warning. See `docs/import-sessionize-csv-ical.md`.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use serde_json::Value;

use crate::draft::{
    clean_opt, http_url, keep_within_limits, read_tag, Draft, DraftSession, DraftTime, Problems,
};
use crate::error::{Error, Result};
use crate::import::common::{conference_from_origin, squash, text, zone_for_wall_clock, Collected};
use crate::import::ImportOptions;
use crate::model::{Link, LinkKind, Room, SessionInfo, SessionKind, Speaker, Track};

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
    #[serde(default)]
    live_url: Option<String>,
    #[serde(default)]
    recording_url: Option<String>,
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
    DraftTime::parse(s)
        .ok_or_else(|| format!("{:?} is not a time like \"2024-05-01T09:00:00\"", s.trim()))
}

/// Items in the order of their `sort` (stable: equal sorts keep the
/// file's order), with their index in the file.
fn sorted<T>(
    items: impl IntoIterator<Item = T>,
    sort: impl Fn(&T) -> Option<f64>,
) -> Vec<(usize, T)> {
    let mut items: Vec<(usize, T)> = items.into_iter().enumerate().collect();
    items.sort_by(|(ia, a), (ib, b)| {
        let (sa, sb) = (sort(a).unwrap_or(0.0), sort(b).unwrap_or(0.0));
        sa.total_cmp(&sb).then(ia.cmp(ib))
    });
    items
}

pub fn parse(origin: &str, bytes: &[u8], options: &ImportOptions) -> Result<Draft> {
    let data: AllData = serde_json::from_str(text(origin, bytes)?)
        .map_err(|e| Error::json_syntax(origin, &e, "a Sessionize \"All data\" export"))?;
    let mut p = Problems::default();
    let mut parts = Collected::default();
    parts.rooms = rooms(data.rooms, &mut p);
    parts.tracks = tracks(&data.categories);
    let tags = tags(&data.categories);
    for (i, s) in data.speakers.into_iter().enumerate() {
        let Some(id) = id_text(&s.id) else {
            p.error(format!("speakers[{i}].id"), "a speaker needs an id");
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
        parts.listed_speaker(Speaker {
            id,
            name,
            affiliation: clean_opt(s.tag_line),
        });
    }
    let track_ids: HashSet<String> = parts.tracks.iter().map(|t| t.id.clone()).collect();
    for (i, s) in data.sessions.into_iter().enumerate() {
        let known = Known {
            track_ids: &track_ids,
            tags: &tags,
        };
        if let Some(session) = session(i, s, &known, &mut parts, &mut p) {
            parts.sessions.push(session);
        }
    }
    p.check(origin)?;
    let timezone = zone_for_wall_clock(origin, "Sessionize", options, &parts.sessions, &mut p)?;
    let conference = conference_from_origin(origin, None, timezone);
    Ok(parts.into_draft(p.warnings, conference))
}

/// The rooms, by `sort`.
fn rooms(rooms: Vec<RoomZ>, p: &mut Problems) -> Vec<Room> {
    let mut out = Vec::with_capacity(rooms.len());
    for (i, r) in sorted(rooms, |r| r.sort) {
        let Some(id) = id_text(&r.id) else {
            p.error(format!("rooms[{i}].id"), "a room needs an id");
            continue;
        };
        out.push(Room {
            name: r.name.as_deref().map(squash).unwrap_or_default(),
            id,
        });
    }
    out
}

/// The category titled "Track", else the first.
fn track_category(categories: &[CategoryZ]) -> Option<&CategoryZ> {
    categories
        .iter()
        .find(|c| {
            c.title
                .as_deref()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("track"))
        })
        .or_else(|| categories.first())
}

/// The items of every category but the tracks' by id, with their
/// category's title: the language, recording, captions and sign language
/// categories an event defines.
fn tags(categories: &[CategoryZ]) -> HashMap<String, (String, String)> {
    let tracks = track_category(categories);
    categories
        .iter()
        .filter(|c| !tracks.is_some_and(|t| std::ptr::eq(t, *c)))
        .flat_map(|c| {
            let title = c.title.clone().unwrap_or_default();
            c.items.iter().filter_map(move |item| {
                Some((id_text(&item.id)?, (title.clone(), item.name.clone()?)))
            })
        })
        .collect()
}

/// The items of the category titled "Track", else of the first, by `sort`.
fn tracks(categories: &[CategoryZ]) -> Vec<Track> {
    let track_category = track_category(categories);
    let mut tracks: Vec<Track> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let items = track_category.map_or(&[][..], |c| c.items.as_slice());
    for (_, item) in sorted(items, |item| item.sort) {
        if let Some(id) = id_text(&item.id) {
            if seen.insert(id.clone()) {
                tracks.push(Track {
                    id,
                    name: item.name.as_deref().map(squash).unwrap_or_default(),
                    colour: None,
                });
            }
        }
    }
    tracks
}

/// The category items a session may refer to.
struct Known<'a> {
    track_ids: &'a HashSet<String>,
    tags: &'a HashMap<String, (String, String)>,
}

/// One session; `None` when it is not scheduled (a warning) or its times
/// are wrong (an error).
fn session(
    i: usize,
    s: SessionZ,
    known: &Known,
    parts: &mut Collected,
    p: &mut Problems,
) -> Option<DraftSession> {
    let id = id_text(&s.id).unwrap_or_default();
    let place = format!("sessions[{i}] ({id:?})");
    let given = |t: &Option<String>| {
        t.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    let (starts, ends, room) = (given(&s.starts_at), given(&s.ends_at), id_text(&s.room_id));
    let (Some(starts), Some(ends), Some(room)) = (&starts, &ends, room) else {
        let missing: Vec<&str> = [
            (starts.is_none(), "startsAt"),
            (ends.is_none(), "endsAt"),
            (id_text(&s.room_id).is_none(), "roomId"),
        ]
        .into_iter()
        .filter_map(|(m, n)| m.then_some(n))
        .collect();
        p.warn(
            place,
            format!("not scheduled (no {}); skipped", missing.join(", ")),
        );
        return None;
    };
    let start = parse_time(starts).map_err(|m| p.error(format!("{place}.startsAt"), m));
    let end = parse_time(ends).map_err(|m| p.error(format!("{place}.endsAt"), m));
    let (Ok(start), Ok(end)) = (start, end) else {
        return None;
    };
    // A speaker only referred to by id stays a reference (validation names
    // it if the file lists no such speaker); an inline one is added.
    let mut speakers = Vec::with_capacity(s.speakers.len());
    let mut seen = HashSet::new();
    for sp in s.speakers {
        let (sid, name) = match sp {
            SpeakerRef::Id(v) => (id_text(&v), None),
            SpeakerRef::Object { id, name } => (id_text(&id), clean_opt(name)),
        };
        let Some(sid) = sid else { continue };
        if let Some(name) = name {
            parts.speaker(&sid, &squash(&name));
        }
        if seen.insert(sid.clone()) {
            speakers.push(sid);
        }
    }
    let track = s
        .category_items
        .iter()
        .filter_map(id_text)
        .find(|item| known.track_ids.contains(item));
    let mut info = SessionInfo::default();
    for (kind, url) in [
        (LinkKind::Stream, &s.live_url),
        (LinkKind::Video, &s.recording_url),
    ] {
        if let Some(url) = url.as_deref().and_then(http_url) {
            info.links.push(Link { kind, url });
        }
    }
    for item in s.category_items.iter().filter_map(id_text) {
        if let Some((category, name)) = known.tags.get(&item) {
            if !read_tag(&mut info, category, name) {
                p.warn(
                    format!("{place}.categoryItems"),
                    format!("{category:?} {name:?} is not a language; no language badge"),
                );
            }
        }
    }
    keep_within_limits(p, &place, &mut info);
    Some(DraftSession {
        place,
        id,
        title: s.title.unwrap_or_default().trim().to_string(),
        subtitle: None,
        abstract_text: clean_opt(s.description),
        room,
        track,
        kind: if s.is_service_session.unwrap_or(false) {
            SessionKind::Break
        } else {
            SessionKind::Talk
        },
        start,
        end,
        speakers,
        info,
    })
}
