//! frab / pretalx `schedule.json`, read with serde into a [`FrabSchedule`].
//! Fields the kiosk does not use are ignored (real exports carry many); the
//! fields it uses may be strings, numbers or `null`.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::{into_draft, FrabDay, FrabEvent, FrabLink, FrabPerson, FrabRoom, FrabSchedule};
use crate::draft::Draft;
use crate::error::{Error, Result};
use crate::import::common;
use crate::import::ImportOptions;

#[derive(Deserialize)]
struct FileJ {
    schedule: ScheduleJ,
}

#[derive(Deserialize)]
struct ScheduleJ {
    conference: ConferenceJ,
}

#[derive(Deserialize)]
struct ConferenceJ {
    #[serde(default, deserialize_with = "text")]
    acronym: Option<String>,
    #[serde(default, deserialize_with = "text")]
    title: Option<String>,
    #[serde(default, deserialize_with = "text")]
    time_zone_name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    day_change: Option<String>,
    #[serde(default)]
    rooms: Option<Vec<RoomJ>>,
    #[serde(default)]
    tracks: Option<Vec<TrackJ>>,
    #[serde(default)]
    days: Option<Vec<DayJ>>,
}

#[derive(Deserialize)]
struct RoomJ {
    #[serde(default, deserialize_with = "text")]
    name: Option<String>,
}

#[derive(Deserialize)]
struct TrackJ {
    #[serde(default, deserialize_with = "text")]
    name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    color: Option<String>,
}

#[derive(Deserialize)]
struct DayJ {
    #[serde(default, deserialize_with = "text")]
    index: Option<String>,
    #[serde(default, deserialize_with = "text")]
    date: Option<String>,
    #[serde(default)]
    rooms: Option<OrderedRooms>,
}

#[derive(Deserialize)]
struct EventJ {
    #[serde(default, deserialize_with = "text")]
    guid: Option<String>,
    #[serde(default, deserialize_with = "text")]
    id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    date: Option<String>,
    #[serde(default, deserialize_with = "text")]
    start: Option<String>,
    #[serde(default, deserialize_with = "text")]
    duration: Option<String>,
    #[serde(default, deserialize_with = "text")]
    title: Option<String>,
    #[serde(default, deserialize_with = "text")]
    subtitle: Option<String>,
    #[serde(default, deserialize_with = "text")]
    track: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "text")]
    kind: Option<String>,
    #[serde(default, rename = "abstract", deserialize_with = "text")]
    abstract_text: Option<String>,
    #[serde(default, deserialize_with = "text")]
    description: Option<String>,
    #[serde(default)]
    persons: Option<Vec<PersonJ>>,
    #[serde(default)]
    links: Option<Vec<LinkJ>>,
    #[serde(default)]
    attachments: Option<Vec<LinkJ>>,
    #[serde(default, deserialize_with = "text")]
    url: Option<String>,
    #[serde(default, deserialize_with = "text")]
    language: Option<String>,
    #[serde(default, deserialize_with = "text")]
    do_not_record: Option<String>,
    #[serde(default)]
    tags: Option<Vec<TagJ>>,
}

/// pretalx writes tags as strings or as `{"tag": …}` objects.
#[derive(Deserialize)]
#[serde(untagged)]
enum TagJ {
    Text(String),
    Object {
        #[serde(default, alias = "name", deserialize_with = "text")]
        tag: Option<String>,
    },
    Other(serde::de::IgnoredAny),
}

#[derive(Deserialize)]
struct PersonJ {
    #[serde(default, deserialize_with = "text")]
    id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    public_name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    full_public_name: Option<String>,
}

#[derive(Deserialize)]
struct LinkJ {
    #[serde(default, deserialize_with = "text")]
    url: Option<String>,
    #[serde(default, deserialize_with = "text")]
    href: Option<String>,
    #[serde(default, deserialize_with = "text")]
    title: Option<String>,
}

/// A string, number or boolean as text; `null` as `None`.
fn text<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    struct TextVisitor;
    impl<'de> Visitor<'de> for TextVisitor {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string, a number or null")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_none<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(
            self,
            d: D2,
        ) -> std::result::Result<Self::Value, D2::Error> {
            d.deserialize_any(TextVisitor)
        }
    }
    d.deserialize_option(TextVisitor)
}

/// A day's `rooms` object (`{"Ada": [events], …}`) in the order written.
struct OrderedRooms(Vec<(String, Vec<EventJ>)>);

impl<'de> Deserialize<'de> for OrderedRooms {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct RoomsVisitor;
        impl<'de> Visitor<'de> for RoomsVisitor {
            type Value = OrderedRooms;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of room names to lists of events")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut rooms = Vec::new();
                while let Some((name, events)) = map.next_entry::<String, Option<Vec<EventJ>>>()? {
                    rooms.push((name, events.unwrap_or_default()));
                }
                Ok(OrderedRooms(rooms))
            }
        }
        d.deserialize_map(RoomsVisitor)
    }
}

/// Parse a frab/pretalx `schedule.json` into a draft.
pub fn parse(origin: &str, bytes: &[u8], options: &ImportOptions) -> Result<Draft> {
    let file: FileJ = serde_json::from_str(common::text(origin, bytes)?)
        .map_err(|e| Error::json_syntax(origin, &e, "a frab/pretalx schedule"))?;
    into_draft(origin, convert(file.schedule.conference), options)
}

fn convert(c: ConferenceJ) -> FrabSchedule {
    FrabSchedule {
        acronym: c.acronym,
        title: c.title,
        time_zone_name: c.time_zone_name,
        day_change: c.day_change,
        rooms: c
            .rooms
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| r.name)
            .collect(),
        track_colours: c
            .tracks
            .unwrap_or_default()
            .into_iter()
            .filter_map(|t| Some((t.name?, t.color?)))
            .collect(),
        days: c.days.unwrap_or_default().into_iter().map(day).collect(),
    }
}

fn day(d: DayJ) -> FrabDay {
    FrabDay {
        index: d.index,
        date: d.date,
        rooms: d
            .rooms
            .map(|r| r.0)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, events)| FrabRoom {
                name,
                events: events.into_iter().map(event).collect(),
            })
            .collect(),
    }
}

fn event(e: EventJ) -> FrabEvent {
    let link = |l: LinkJ| FrabLink {
        href: l.url.or(l.href).unwrap_or_default(),
        title: l.title.unwrap_or_default(),
    };
    // pretalx fills `public_name`; older frab exports only `name` or
    // `full_public_name`.
    let person = |p: PersonJ| FrabPerson {
        id: p.id,
        name: p
            .public_name
            .filter(|n| !n.trim().is_empty())
            .or(p.name.filter(|n| !n.trim().is_empty()))
            .or(p.full_public_name)
            .unwrap_or_default(),
    };
    FrabEvent {
        guid: e.guid,
        id: e.id,
        date: e.date,
        start: e.start,
        duration: e.duration,
        title: e.title,
        subtitle: e.subtitle,
        track: e.track,
        kind: e.kind,
        abstract_text: e.abstract_text,
        description: e.description,
        persons: e
            .persons
            .unwrap_or_default()
            .into_iter()
            .map(person)
            .collect(),
        links: e
            .links
            .unwrap_or_default()
            .into_iter()
            .chain(e.attachments.unwrap_or_default())
            .map(link)
            .collect(),
        url: e.url,
        language: e.language,
        do_not_record: e.do_not_record,
        tags: e
            .tags
            .unwrap_or_default()
            .into_iter()
            .filter_map(|t| match t {
                TagJ::Text(s) => Some(s),
                TagJ::Object { tag } => tag,
                TagJ::Other(_) => None,
            })
            .collect(),
    }
}
