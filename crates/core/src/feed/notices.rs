//! A feed's notices held to the rules of local ones: a leader on the
//! network is trusted with the schedule, not with unbounded or malformed
//! messages on every screen.

use jiff::Timestamp;

use super::{Notices, MAX_FEED_EMERGENCIES};
use crate::edits::RoomStatus;
use crate::limits;
use crate::model::Schedule;

fn refused(origin: &str, message: String) -> crate::Error {
    crate::Error::Syntax {
        origin: origin.to_string(),
        line: 1,
        column: 1,
        message,
    }
}

/// Counts first, then each announcement, status and emergency as the
/// store checks its own; "now" is the distant past, so a listed one never
/// counts as expired here (the screen decides when it shows).
pub(super) fn check(origin: &str, schedule: &Schedule, n: Notices) -> crate::Result<Notices> {
    for (what, count, max) in [
        ("announcements", n.announcements.len(), 1000),
        ("room_statuses", n.room_statuses.len(), schedule.rooms.len()),
        ("emergencies", n.emergencies.len(), MAX_FEED_EMERGENCIES),
        ("moved", n.moved.len(), limits::MAX_SESSIONS),
    ] {
        if count > max {
            return Err(refused(origin, format!("{count} {what}; at most {max}")));
        }
    }
    let mut out = Notices::default();
    for (i, a) in n.announcements.into_iter().enumerate() {
        let a = a
            .validate(Some(schedule), Timestamp::MIN)
            .map_err(|e| refused(origin, format!("announcements[{i}]: {e}")))?;
        out.announcements.push(a);
    }
    for (i, s) in n.room_statuses.into_iter().enumerate() {
        out.room_statuses.push(
            room_status(schedule, s)
                .map_err(|e| refused(origin, format!("room_statuses[{i}]: {e}")))?,
        );
    }
    for (i, e) in n.emergencies.into_iter().enumerate() {
        let e = e
            .validate(Some(schedule), Timestamp::MIN)
            .map_err(|err| refused(origin, format!("emergencies[{i}]: {err}")))?;
        out.emergencies.push(e);
    }
    for (i, m) in n.moved.into_iter().enumerate() {
        if schedule.session(&m.session).is_none() || m.end <= m.start {
            return Err(refused(
                origin,
                format!(
                    "moved[{i}]: session {:?} is not in the schedule, or ends before it starts",
                    m.session
                ),
            ));
        }
        out.moved.push(m);
    }
    Ok(out)
}

/// A leader's room status: its rooms in the schedule, its stream http(s).
fn room_status(schedule: &Schedule, s: RoomStatus) -> Result<RoomStatus, String> {
    for room in std::iter::once(&s.room).chain(s.overflow.as_ref()) {
        if schedule.room(room).is_none() {
            return Err(format!("unknown room {room:?}"));
        }
    }
    if let Some(url) = &s.stream_url {
        if url.chars().count() > limits::MAX_URL_CHARS || crate::draft::http_url(url).is_none() {
            return Err(format!(
                "the stream {:?} is not an http(s) address",
                url.chars().take(80).collect::<String>()
            ));
        }
    }
    Ok(s)
}
