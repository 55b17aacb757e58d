//! The iCalendar reader: a small line-based one of its own rather than the
//! `icalendar` crate's recursive parser, so that errors name the physical
//! line of the file and deeply nested or truncated input cannot exhaust the
//! stack. It unfolds lines, reads parameters (quoted or not) and unescapes
//! TEXT values (`\\`, `\;`, `\,`, `\n`).

use crate::error::{Error, Result};
use crate::import::common::squash;

/// One content line: `NAME;KEY=VAL,VAL;KEY="VAL":VALUE`.
#[derive(Debug, Clone)]
pub(super) struct Prop {
    /// Upper case.
    pub name: String,
    /// Keys upper case; values unquoted.
    params: Vec<(String, Vec<String>)>,
    /// Raw (still escaped) value.
    pub value: String,
    pub line: usize,
}

impl Prop {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
    }

    pub fn text(&self) -> String {
        unescape(&self.value)
    }

    pub fn list(&self) -> Vec<String> {
        split_list(&self.value)
    }
}

#[derive(Debug, Default)]
pub(super) struct Event {
    pub line: usize,
    props: Vec<Prop>,
}

impl Event {
    pub fn get(&self, name: &str) -> Option<&Prop> {
        self.props.iter().find(|p| p.name == name)
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Prop> + 'a {
        self.props.iter().filter(move |p| p.name == name)
    }
}

/// Unescape a TEXT value.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other @ (',' | ';' | '\\' | ':' | '"')) => out.push(other),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Split a TEXT list at unescaped commas, then unescape each part.
fn split_list(raw: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                current.push(c);
                if let Some(n) = chars.next() {
                    current.push(n);
                }
            }
            ',' => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts
        .iter()
        .map(|p| squash(&unescape(p)))
        .filter(|p| !p.is_empty())
        .collect()
}

fn syntax(origin: &str, line: usize, column: usize, message: impl Into<String>) -> Error {
    Error::Syntax {
        origin: origin.to_string(),
        line,
        column,
        message: message.into(),
    }
}

/// Parse one unfolded content line.
fn content_line(origin: &str, line: usize, text: &str) -> Result<Prop> {
    let bad = |at: usize, what: &str| {
        let column = text[..at.min(text.len())].chars().count() + 1;
        syntax(origin, line, column, what.to_string())
    };
    let name_end = text.find([';', ':']).ok_or_else(|| {
        bad(
            text.len(),
            "not an iCalendar content line (NAME:VALUE); is the file cut short or not iCalendar?",
        )
    })?;
    let name = text[..name_end].trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(bad(0, &format!("{name:?} is not a property name")));
    }
    let mut params = Vec::new();
    let mut rest = &text[name_end..];
    let mut at = name_end;
    while let Some(after) = rest.strip_prefix(';') {
        at += 1;
        let eq = after
            .find('=')
            .ok_or_else(|| bad(at, "a parameter without \"=\""))?;
        let key = after[..eq].trim().to_ascii_uppercase();
        let mut values = Vec::new();
        let mut r = &after[eq + 1..];
        at += eq + 1;
        loop {
            if let Some(q) = r.strip_prefix('"') {
                let close = q
                    .find('"')
                    .ok_or_else(|| bad(at, "a quoted parameter value without its closing quote"))?;
                values.push(q[..close].to_string());
                r = &q[close + 1..];
                at += close + 2;
            } else {
                let stop = r.find([',', ';', ':']).unwrap_or(r.len());
                values.push(r[..stop].to_string());
                r = &r[stop..];
                at += stop;
            }
            match r.strip_prefix(',') {
                Some(more) => {
                    r = more;
                    at += 1;
                }
                None => break,
            }
        }
        params.push((key, values));
        rest = r;
    }
    let value = rest
        .strip_prefix(':')
        .ok_or_else(|| bad(at, "expected \":\" before the value"))?;
    Ok(Prop {
        name: name.to_ascii_uppercase(),
        params,
        value: value.to_string(),
        line,
    })
}

/// The calendar's own properties and its top-level events; everything
/// else (`VTIMEZONE`, `VALARM`, …) is passed over.
pub(super) struct Parsed {
    pub calendar: Vec<Prop>,
    pub events: Vec<Event>,
}

impl Parsed {
    /// A calendar property's text, trimmed; `None` when absent or blank.
    pub fn calendar_text(&self, name: &str) -> Option<String> {
        self.calendar
            .iter()
            .find(|p| p.name == name)
            .map(Prop::text)
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
    }
}

pub(super) fn read(origin: &str, text: &str) -> Result<Parsed> {
    let (logical, last_line) = unfold(text);
    let mut nesting = Nesting {
        origin,
        stack: Vec::new(),
        parsed: Parsed {
            calendar: Vec::new(),
            events: Vec::new(),
        },
        current: None,
        seen_calendar: false,
    };
    for (line, text) in logical {
        let prop = content_line(origin, line, &text)?;
        match prop.name.as_str() {
            "BEGIN" => nesting.begin(line, &prop.value)?,
            "END" => nesting.end(line, &prop.value)?,
            _ => nesting.property(line, prop)?,
        }
    }
    if let Some((open, open_line)) = nesting.stack.last() {
        return Err(syntax(
            origin,
            last_line,
            1,
            format!(
                "the file ends inside BEGIN:{open} (line {open_line}): it is cut short; \
                 export it again"
            ),
        ));
    }
    if !nesting.seen_calendar {
        return Err(syntax(
            origin,
            1,
            1,
            "not an iCalendar file: no BEGIN:VCALENDAR",
        ));
    }
    Ok(nesting.parsed)
}

/// Unfold: a line starting with a space or tab continues the one before.
/// Returns the logical lines with the physical line each starts on, and
/// the number of the last physical line.
fn unfold(text: &str) -> (Vec<(usize, String)>, usize) {
    let mut logical: Vec<(usize, String)> = Vec::new();
    let mut last_line = 0;
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        last_line = i + 1;
        if let Some(cont) = raw.strip_prefix([' ', '\t']) {
            if let Some((_, prev)) = logical.last_mut() {
                prev.push_str(cont);
                continue;
            }
        }
        if raw.trim().is_empty() {
            continue;
        }
        logical.push((i + 1, raw.to_string()));
    }
    (logical, last_line)
}

/// The BEGIN/END blocks open at a line, and what has been read so far.
struct Nesting<'a> {
    origin: &'a str,
    /// Each open block's name and the line it began on.
    stack: Vec<(String, usize)>,
    parsed: Parsed,
    current: Option<Event>,
    seen_calendar: bool,
}

impl Nesting<'_> {
    fn begin(&mut self, line: usize, value: &str) -> Result<()> {
        let what = value.trim().to_ascii_uppercase();
        if self.stack.is_empty() && what != "VCALENDAR" {
            return Err(syntax(
                self.origin,
                line,
                1,
                format!("BEGIN:{what} outside BEGIN:VCALENDAR"),
            ));
        }
        if what == "VCALENDAR" {
            self.seen_calendar = true;
        }
        if what == "VEVENT" && self.stack.len() == 1 {
            self.current = Some(Event {
                line,
                props: Vec::new(),
            });
        }
        self.stack.push((what, line));
        Ok(())
    }

    fn end(&mut self, line: usize, value: &str) -> Result<()> {
        let what = value.trim().to_ascii_uppercase();
        match self.stack.pop() {
            Some((open, _)) if open == what => {}
            Some((open, open_line)) => {
                return Err(syntax(
                    self.origin,
                    line,
                    1,
                    format!("END:{what}, but BEGIN:{open} (line {open_line}) is still open"),
                ))
            }
            None => {
                return Err(syntax(
                    self.origin,
                    line,
                    1,
                    format!("END:{what} without a BEGIN:{what}"),
                ))
            }
        }
        if what == "VEVENT" && self.stack.len() == 1 {
            if let Some(e) = self.current.take() {
                self.parsed.events.push(e);
            }
        }
        Ok(())
    }

    fn property(&mut self, line: usize, prop: Prop) -> Result<()> {
        match self.stack.len() {
            0 => {
                return Err(syntax(
                    self.origin,
                    line,
                    1,
                    format!("{} outside BEGIN:VCALENDAR", prop.name),
                ))
            }
            1 => self.parsed.calendar.push(prop),
            2 if self.stack.last().is_some_and(|(n, _)| n == "VEVENT") => {
                if let Some(e) = self.current.as_mut() {
                    e.props.push(prop);
                }
            }
            _ => {}
        }
        Ok(())
    }
}
