//! [`validate`]: a draft checked part by part (counts, ids, names, each
//! session's references and times) and turned into a [`Schedule`], or every
//! problem found, each with its place.

use std::collections::HashSet;

use jiff::{civil, tz::TimeZone, Timestamp};

use super::{Draft, DraftConference, DraftSession, Problems, Validated};
use crate::error::Result;
use crate::limits;
use crate::model::{Conference, Room, Schedule, Session, Speaker, Track};

/// Check a draft and turn it into a schedule. `origin` names the source
/// (a file path or URL) in the error.
pub fn validate(origin: &str, draft: Draft) -> Result<Validated> {
    let Draft {
        warnings,
        conference,
        days,
        rooms,
        tracks,
        speakers,
        sessions: drafts,
    } = draft;
    let mut p = Problems {
        errors: Vec::new(),
        warnings,
    };
    let venue_tz = conference_zone(&mut p, &conference);
    for (what, count, max) in [
        ("rooms", rooms.len(), limits::MAX_ROOMS),
        ("tracks", tracks.len(), limits::MAX_TRACKS),
        ("speakers", speakers.len(), limits::MAX_SPEAKERS),
        ("sessions", drafts.len(), limits::MAX_SESSIONS),
    ] {
        if count > max {
            p.error(what, format!("{count} {what}; at most {max} are allowed"));
        }
    }
    // Over a count limit nothing else is looked at: the checks below are
    // linear, but the problem list would not be.
    p.check(origin)?;
    if rooms.is_empty() {
        p.error("rooms", "the schedule has no rooms");
    }
    unique_ids(&mut p, &rooms, &tracks, &speakers, &drafts);
    check_parts(&mut p, &rooms, &tracks, &speakers);
    let refs = Refs::new(&rooms, &tracks, &speakers);
    let sessions: Vec<Session> = drafts
        .iter()
        .filter_map(|s| session(&mut p, s, &refs, venue_tz.as_ref()))
        .collect();
    p.check(origin)?;
    let venue_tz = venue_tz.expect("no errors means the zone resolved");
    let schedule = Schedule::new(
        Conference {
            id: conference.id,
            name: conference.name,
            timezone: conference.timezone,
            venue: conference.venue,
            day_change: conference
                .day_change
                .map(|t| t.duration_since(civil::Time::midnight()))
                .unwrap_or(crate::model::DEFAULT_DAY_CHANGE),
        },
        venue_tz,
        days,
        rooms,
        tracks,
        speakers,
        sessions,
    );
    warn_overlaps(&mut p, &schedule);
    Ok(Validated {
        schedule,
        warnings: p.warnings,
    })
}

/// The conference's name, and its zone if it has a known one.
fn conference_zone(p: &mut Problems, conf: &DraftConference) -> Option<TimeZone> {
    if conf.name.is_empty() {
        p.error("conference.name", "the conference needs a name");
    }
    too_long(p, "conference", "name", &conf.name, limits::MAX_NAME_CHARS);
    if conf.timezone.is_empty() {
        p.error(
            "conference.timezone",
            "the conference needs the venue's IANA time zone, e.g. \"Europe/Berlin\"",
        );
        return None;
    }
    crate::model::venue_zone(&conf.timezone)
        .map_err(|_| {
            p.error(
                "conference.timezone",
                format!(
                    "unknown time zone {:?}; use an IANA name such as \"America/New_York\"",
                    conf.timezone
                ),
            )
        })
        .ok()
}

fn too_long(p: &mut Problems, place: &str, field: &str, value: &str, max: usize) {
    let chars = value.chars().count();
    if chars > max {
        p.error(
            format!("{place}.{field}"),
            format!("is {chars} characters long; at most {max} are allowed"),
        );
    }
}

fn unique_ids(
    p: &mut Problems,
    rooms: &[Room],
    tracks: &[Track],
    speakers: &[Speaker],
    sessions: &[DraftSession],
) {
    fn indexed<'a>(
        list: &'static str,
        ids: impl Iterator<Item = &'a str>,
    ) -> Vec<(String, &'a str)> {
        ids.enumerate()
            .map(|(i, id)| (format!("{list}[{i}]"), id))
            .collect()
    }
    let lists = [
        (
            "room",
            indexed("rooms", rooms.iter().map(|r| r.id.as_str())),
        ),
        (
            "track",
            indexed("tracks", tracks.iter().map(|t| t.id.as_str())),
        ),
        (
            "speaker",
            indexed("speakers", speakers.iter().map(|s| s.id.as_str())),
        ),
        (
            "session",
            sessions
                .iter()
                .map(|s| (s.place.clone(), s.id.as_str()))
                .collect(),
        ),
    ];
    for (what, ids) in lists {
        let mut seen = std::collections::HashMap::new();
        for (place, id) in ids {
            if id.is_empty() {
                p.error(format!("{place}.id"), format!("a {what} needs an id"));
            } else if let Some(first) = seen.insert(id, place.clone()) {
                p.error(
                    place,
                    format!("duplicate {what} id {id:?} (first used at {first})"),
                );
            }
        }
    }
}

/// Names, lengths and colours of the rooms, tracks and speakers.
fn check_parts(p: &mut Problems, rooms: &[Room], tracks: &[Track], speakers: &[Speaker]) {
    for (i, room) in rooms.iter().enumerate() {
        let place = format!("rooms[{i}]");
        if room.name.is_empty() {
            p.error(format!("{place}.name"), "a room needs a name");
        }
        too_long(p, &place, "name", &room.name, limits::MAX_NAME_CHARS);
        too_long(p, &place, "id", &room.id, limits::MAX_ID_CHARS);
    }
    for (i, track) in tracks.iter().enumerate() {
        let place = format!("tracks[{i}]");
        too_long(p, &place, "name", &track.name, limits::MAX_NAME_CHARS);
        if let Some(colour) = &track.colour {
            if !crate::model::is_hex_colour(colour) {
                p.error(
                    format!("{place}.colour"),
                    format!("{colour:?} is not a colour of the form \"#rrggbb\""),
                );
            }
        }
    }
    for (i, speaker) in speakers.iter().enumerate() {
        let place = format!("speakers[{i}]");
        if speaker.name.is_empty() {
            p.error(format!("{place}.name"), "a speaker needs a name");
        }
        too_long(p, &place, "name", &speaker.name, limits::MAX_NAME_CHARS);
        if let Some(a) = &speaker.affiliation {
            too_long(p, &place, "affiliation", a, limits::MAX_NAME_CHARS);
        }
    }
}

/// The ids a session may refer to. Sets, not scans: a 5,000-session
/// congress has thousands of speakers.
struct Refs<'a> {
    rooms: &'a [Room],
    room_ids: HashSet<&'a str>,
    track_ids: HashSet<&'a str>,
    speaker_ids: HashSet<&'a str>,
}

impl<'a> Refs<'a> {
    fn new(rooms: &'a [Room], tracks: &'a [Track], speakers: &'a [Speaker]) -> Refs<'a> {
        Refs {
            rooms,
            room_ids: rooms.iter().map(|r| r.id.as_str()).collect(),
            track_ids: tracks.iter().map(|t| t.id.as_str()).collect(),
            speaker_ids: speakers.iter().map(|s| s.id.as_str()).collect(),
        }
    }
}

/// One session checked; `None` when it has an error (recorded in `p`) or
/// there is no zone to place its times in.
fn session(
    p: &mut Problems,
    s: &DraftSession,
    refs: &Refs,
    venue_tz: Option<&TimeZone>,
) -> Option<Session> {
    session_texts(p, s);
    session_refs(p, s, refs);
    let info = super::info::check_info(p, &s.place, &s.info);
    let (start, end) = session_times(p, s, venue_tz?)?;
    Some(Session {
        id: s.id.clone(),
        title: s.title.clone(),
        subtitle: s.subtitle.clone(),
        abstract_text: s.abstract_text.clone(),
        room: s.room.clone(),
        track: s.track.clone(),
        kind: s.kind,
        start,
        end,
        speakers: s.speakers.clone(),
        cancelled: false,
        info,
    })
}

fn session_texts(p: &mut Problems, s: &DraftSession) {
    let place = s.place.as_str();
    if s.title.is_empty() {
        p.warn(format!("{place}.title"), "the title is empty");
    }
    too_long(p, place, "id", &s.id, limits::MAX_ID_CHARS);
    too_long(p, place, "title", &s.title, limits::MAX_TITLE_CHARS);
    if let Some(v) = &s.subtitle {
        too_long(p, place, "subtitle", v, limits::MAX_TITLE_CHARS);
    }
    if let Some(v) = &s.abstract_text {
        too_long(p, place, "abstract", v, limits::MAX_ABSTRACT_CHARS);
    }
}

fn session_refs(p: &mut Problems, s: &DraftSession, refs: &Refs) {
    let place = s.place.as_str();
    if !refs.room_ids.contains(s.room.as_str()) {
        let known: Vec<&str> = refs.rooms.iter().map(|r| r.id.as_str()).collect();
        p.error(
            format!("{place}.room"),
            format!(
                "unknown room {:?}; the rooms are: {}",
                s.room,
                known.join(", ")
            ),
        );
    }
    if let Some(track) = &s.track {
        if !refs.track_ids.contains(track.as_str()) {
            p.error(format!("{place}.track"), format!("unknown track {track:?}"));
        }
    }
    if s.speakers.len() > limits::MAX_SPEAKERS_PER_SESSION {
        p.error(
            format!("{place}.speakers"),
            format!(
                "{} speakers; at most {} are allowed",
                s.speakers.len(),
                limits::MAX_SPEAKERS_PER_SESSION
            ),
        );
    }
    for (j, sp) in s.speakers.iter().enumerate() {
        if !refs.speaker_ids.contains(sp.as_str()) {
            p.error(
                format!("{place}.speakers[{j}]"),
                format!("unknown speaker {sp:?}"),
            );
        }
    }
}

/// The session's start and end as instants, the end after the start.
fn session_times(
    p: &mut Problems,
    s: &DraftSession,
    tz: &TimeZone,
) -> Option<(Timestamp, Timestamp)> {
    let place = s.place.as_str();
    let start = s
        .start
        .resolve(tz)
        .map_err(|m| p.error(format!("{place}.start"), m));
    let end = s
        .end
        .resolve(tz)
        .map_err(|m| p.error(format!("{place}.end"), m));
    let (Ok(start), Ok(end)) = (start, end) else {
        return None;
    };
    if end <= start {
        let show = |t: Timestamp| {
            t.to_zoned_datetime(tz.clone())
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        };
        p.error(
            place,
            format!(
                "ends ({}) before it starts ({}): a session must end after it starts",
                show(end),
                show(start)
            ),
        );
        return None;
    }
    Some((start, end))
}

/// Overlaps in one room are allowed (a source may be wrong for a while),
/// but said; the display shows the later-starting one.
fn warn_overlaps(p: &mut Problems, schedule: &Schedule) {
    for room in &schedule.rooms {
        let mut last: Option<&Session> = None;
        for s in schedule.sessions.iter().filter(|s| s.room == room.id) {
            if let Some(prev) = last {
                if s.start < prev.end {
                    p.warn(
                        format!("session {:?}", s.id),
                        format!(
                            "overlaps {:?} in room {:?} ({}–{} and {}–{})",
                            prev.id,
                            room.name,
                            schedule.local_hm(prev.start),
                            schedule.local_hm(prev.end),
                            schedule.local_hm(s.start),
                            schedule.local_hm(s.end)
                        ),
                    );
                }
            }
            if last.is_none_or(|p| s.end > p.end) {
                last = Some(s);
            }
        }
    }
}
