//! frab / pretalx `schedule.xml`, read into a [`FrabSchedule`].
//!
//! The XML is read as a stream of events (quick-xml), keeping only the
//! elements the kiosk uses; nothing else is held in memory. Elements nest at
//! most [`MAX_DEPTH`] deep, entity declarations (`<!DOCTYPE … <!ENTITY`) are
//! refused, and only the five XML entities and character references are
//! resolved.

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::{into_draft, FrabDay, FrabEvent, FrabLink, FrabPerson, FrabRoom, FrabSchedule};
use crate::draft::Draft;
use crate::error::{Error, Result};
use crate::import::common::{line_column, text};
use crate::import::ImportOptions;

/// Deepest element nesting accepted (a schedule needs 6).
pub const MAX_DEPTH: usize = 64;

/// Parse a frab/pretalx `schedule.xml` into a draft.
pub fn parse(origin: &str, bytes: &[u8], options: &ImportOptions) -> Result<Draft> {
    let text = text(origin, bytes)?;
    let frab = Reading::new(origin, text).read()?;
    into_draft(origin, frab, options)
}

/// What an open element feeds when it closes.
enum Slot {
    Other,
    Day,
    Room,
    Event,
    Person,
    Link,
    ConferenceField(&'static str),
    EventField(&'static str),
}

struct Open {
    name: String,
    at: usize,
    slot: Slot,
}

const CONFERENCE_FIELDS: [&str; 4] = ["acronym", "title", "time_zone_name", "day_change"];
const EVENT_FIELDS: [&str; 12] = [
    "date",
    "start",
    "duration",
    "title",
    "subtitle",
    "track",
    "type",
    "abstract",
    "description",
    "room",
    "url",
    "language",
];

fn field(list: &[&'static str], name: &str) -> Option<&'static str> {
    list.iter().copied().find(|f| *f == name)
}

/// The reader's state: the open elements, and the parts being filled in
/// until their element closes.
struct Reading<'a> {
    origin: &'a str,
    text: &'a str,
    stack: Vec<Open>,
    frab: FrabSchedule,
    day: Option<FrabDay>,
    room: Option<FrabRoom>,
    event: Option<FrabEvent>,
    person: Option<FrabPerson>,
    link: Option<FrabLink>,
    /// The text of the element being captured, if any.
    capture: Option<String>,
    seen_root: bool,
}

impl<'a> Reading<'a> {
    fn new(origin: &'a str, text: &'a str) -> Reading<'a> {
        Reading {
            origin,
            text,
            stack: Vec::new(),
            frab: FrabSchedule::default(),
            day: None,
            room: None,
            event: None,
            person: None,
            link: None,
            capture: None,
            seen_root: false,
        }
    }

    fn syntax(&self, at: usize, message: impl Into<String>) -> Error {
        let (line, column) = line_column(self.text.as_bytes(), at);
        Error::Syntax {
            origin: self.origin.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    fn read(mut self) -> Result<FrabSchedule> {
        let mut reader = Reader::from_str(self.text);
        reader.config_mut().expand_empty_elements = true;
        loop {
            let at = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
            let ev = reader.read_event().map_err(|err| {
                let pos = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
                self.syntax(pos, format!("not well-formed XML: {err}"))
            })?;
            match ev {
                Event::Start(e) => self.open(at, &e)?,
                Event::End(_) => self.close(at)?,
                Event::Text(t) => self.captured(&t.xml10_content()),
                Event::CData(t) => self.captured(&t.xml10_content()),
                Event::GeneralRef(r) => self.reference(at, &r)?,
                Event::DocType(d) => {
                    if d.xml10_content().to_ascii_uppercase().contains("<!ENTITY") {
                        return Err(self.syntax(
                            at,
                            "the <!DOCTYPE> declares entities; they are refused (they can expand without bound), \
                             and a frab schedule needs none",
                        ));
                    }
                }
                Event::Eof => return self.end(),
                // `Empty` does not occur: empty elements are expanded.
                Event::Empty(_) | Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            }
        }
    }

    fn attribute(&self, at: usize, e: &BytesStart, key: &str) -> Result<Option<String>> {
        for a in e.attributes() {
            let a = a.map_err(|err| self.syntax(at, format!("not well-formed XML: {err}")))?;
            if a.key.as_ref() == key {
                let value = a
                    .normalized_value(XmlVersion::Implicit1_0)
                    .map_err(|err| self.syntax(at, format!("not well-formed XML: {err}")))?;
                return Ok(Some(value.into_owned()));
            }
        }
        Ok(None)
    }

    fn open(&mut self, at: usize, e: &BytesStart) -> Result<()> {
        let name = e.name().as_ref().to_string();
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.syntax(
                at,
                format!(
                    "elements are nested more than {MAX_DEPTH} deep; a schedule needs far fewer"
                ),
            ));
        }
        if self.stack.is_empty() {
            if self.seen_root {
                return Err(self.syntax(
                    at,
                    format!(
                        "<{name}> after the end of <schedule>: an XML file has one root element"
                    ),
                ));
            }
            if name != "schedule" {
                return Err(self.syntax(
                    at,
                    format!(
                        "not a frab/pretalx schedule: the root element is <{name}>, not <schedule>"
                    ),
                ));
            }
            self.seen_root = true;
        }
        let slot = self.slot(at, e, &name)?;
        if !matches!(slot, Slot::Other | Slot::Day | Slot::Room | Slot::Event) {
            self.capture = Some(String::new());
        }
        self.stack.push(Open { name, at, slot });
        Ok(())
    }

    /// What the element at this path feeds; the parts it starts are begun
    /// from its attributes.
    fn slot(&mut self, at: usize, e: &BytesStart, name: &str) -> Result<Slot> {
        let mut path: Vec<&str> = self.stack.iter().map(|o| o.name.as_str()).collect();
        path.push(name);
        Ok(match path.as_slice() {
            ["schedule", "conference", "track"] => {
                let name = self.attribute(at, e, "name")?;
                let colour = self.attribute(at, e, "color")?;
                if let (Some(name), Some(colour)) = (name, colour) {
                    self.frab.track_colours.push((name, colour));
                }
                Slot::Other
            }
            ["schedule", "conference", f] => {
                field(&CONFERENCE_FIELDS, f).map_or(Slot::Other, Slot::ConferenceField)
            }
            ["schedule", "day"] => {
                self.day = Some(FrabDay {
                    index: self.attribute(at, e, "index")?,
                    date: self.attribute(at, e, "date")?,
                    rooms: Vec::new(),
                });
                Slot::Day
            }
            ["schedule", "day", "room"] => {
                self.room = Some(FrabRoom {
                    name: self.attribute(at, e, "name")?.unwrap_or_default(),
                    events: Vec::new(),
                });
                Slot::Room
            }
            ["schedule", "day", "room", "event"] => {
                self.event = Some(FrabEvent {
                    guid: self.attribute(at, e, "guid")?,
                    id: self.attribute(at, e, "id")?,
                    ..FrabEvent::default()
                });
                Slot::Event
            }
            ["schedule", "day", "room", "event", "persons", "person"] => {
                self.person = Some(FrabPerson {
                    id: self.attribute(at, e, "id")?,
                    name: String::new(),
                });
                Slot::Person
            }
            ["schedule", "day", "room", "event", "links", "link"]
            | ["schedule", "day", "room", "event", "attachments", "attachment"] => {
                self.link = Some(FrabLink {
                    href: self.attribute(at, e, "href")?.unwrap_or_default(),
                    title: String::new(),
                });
                Slot::Link
            }
            ["schedule", "day", "room", "event", "recording", "optout"] => {
                Slot::EventField("optout")
            }
            ["schedule", "day", "room", "event", f] => {
                field(&EVENT_FIELDS, f).map_or(Slot::Other, Slot::EventField)
            }
            _ => Slot::Other,
        })
    }

    /// An element closes: what it held goes into its parent.
    fn close(&mut self, at: usize) -> Result<()> {
        let Some(open) = self.stack.pop() else {
            return Err(self.syntax(at, "a closing tag without an opening one"));
        };
        match open.slot {
            Slot::Other => {}
            Slot::Day => self.frab.days.extend(self.day.take()),
            Slot::Room => {
                if let (Some(d), Some(r)) = (self.day.as_mut(), self.room.take()) {
                    d.rooms.push(r);
                }
            }
            Slot::Event => {
                if let (Some(r), Some(ev)) = (self.room.as_mut(), self.event.take()) {
                    r.events.push(ev);
                }
            }
            Slot::Person => {
                if let (Some(ev), Some(mut p)) = (self.event.as_mut(), self.person.take()) {
                    p.name = self.capture.take().unwrap_or_default();
                    ev.persons.push(p);
                }
            }
            Slot::Link => {
                if let (Some(ev), Some(mut l)) = (self.event.as_mut(), self.link.take()) {
                    l.title = self.capture.take().unwrap_or_default();
                    ev.links.push(l);
                }
            }
            Slot::ConferenceField(f) => {
                let value = self.capture.take();
                let frab = &mut self.frab;
                match f {
                    "acronym" => frab.acronym = value,
                    "title" => frab.title = value,
                    "time_zone_name" => frab.time_zone_name = value,
                    _ => frab.day_change = value,
                }
            }
            Slot::EventField(f) => {
                let value = self.capture.take();
                if let Some(ev) = self.event.as_mut() {
                    match f {
                        "date" => ev.date = value,
                        "start" => ev.start = value,
                        "duration" => ev.duration = value,
                        "title" => ev.title = value,
                        "subtitle" => ev.subtitle = value,
                        "track" => ev.track = value,
                        "type" => ev.kind = value,
                        "abstract" => ev.abstract_text = value,
                        "description" => ev.description = value,
                        "url" => ev.url = value,
                        "language" => ev.language = value,
                        "optout" => ev.do_not_record = value,
                        // The room is the enclosing <room>'s.
                        _ => {}
                    }
                }
            }
        }
        Ok(())
    }

    fn captured(&mut self, text: &str) {
        if let Some(c) = self.capture.as_mut() {
            c.push_str(text);
        }
    }

    /// `&amp;` and the like, and character references; any other entity is
    /// refused rather than left out, so no text silently goes missing.
    fn reference(&mut self, at: usize, r: &BytesRef) -> Result<()> {
        let resolved: Option<String> = match r.resolve_char_ref() {
            Ok(Some(ch)) => Some(ch.to_string()),
            Ok(None) => quick_xml::escape::resolve_predefined_entity(r).map(str::to_string),
            Err(err) => return Err(self.syntax(at, format!("not well-formed XML: {err}"))),
        };
        let Some(resolved) = resolved else {
            return Err(self.syntax(
                at,
                format!("unknown entity &{};: only &amp; &lt; &gt; &quot; &apos; and character references are read", &**r),
            ));
        };
        self.captured(&resolved);
        Ok(())
    }

    fn end(self) -> Result<FrabSchedule> {
        let len = self.text.len();
        if let Some(open) = self.stack.last() {
            let (line, column) = line_column(self.text.as_bytes(), open.at);
            return Err(self.syntax(
                len,
                format!(
                    "the file ends before <{}> (line {line}, column {column}) is closed; is it cut short?",
                    open.name
                ),
            ));
        }
        if !self.seen_root {
            return Err(self.syntax(len, "not a frab/pretalx schedule: no <schedule> element"));
        }
        Ok(self.frab)
    }
}
