//! A leader for `cargo xtask bench event`: writes a feed file (as `serve
//! --write` does) for the embedded demo, every few real seconds with one
//! more delay in a room and a new announcement, for a follower kiosk whose
//! clock runs `SPEED` times faster from `START`.
//!
//! `cargo run --release -p kiosk-core --example event_feed -- OUT START SPEED SECS`

use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use kiosk_core::edits::{Announcement, Priority};
use kiosk_core::feed::Feed;

/// Real seconds between two changes.
const EVERY: Duration = Duration::from_secs(15);

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out, start, speed, secs] = args.as_slice() else {
        return Err("usage: event_feed OUT START SPEED SECS".into());
    };
    let start: Timestamp = start.parse().map_err(|e| format!("START: {e}"))?;
    let speed: f64 = speed.parse().map_err(|e| format!("SPEED: {e}"))?;
    let secs: u64 = secs.parse().map_err(|e| format!("SECS: {e}"))?;
    let mut schedule = kiosk_core::demo::rebased(start);
    let rooms: Vec<String> = schedule.rooms.iter().map(|r| r.id.clone()).collect();
    let began = Instant::now();
    let mut announcements = Vec::new();
    let mut change = 0u64;
    while began.elapsed() < Duration::from_secs(secs) {
        let real = began.elapsed();
        let now = start + SignedDuration::from_secs_f64(real.as_secs_f64() * speed);
        if change > 0 {
            // A delay: the room's sessions from now on shift by 5 minutes.
            let room = &rooms[change as usize % rooms.len()];
            let shift = SignedDuration::from_mins(5);
            for s in schedule.sessions.iter_mut() {
                if &s.room == room && s.start >= now {
                    s.start += shift;
                    s.end += shift;
                }
            }
            announcements.retain(|a: &Announcement| a.expires.is_some_and(|e| e > now));
            announcements.push(Announcement {
                id: format!("ann-{change}"),
                text: format!(
                    "Announcement {change}: coffee and cake in the foyer until the next session"
                ),
                rooms: None,
                priority: if change % 5 == 0 {
                    Priority::Urgent
                } else {
                    Priority::default()
                },
                starts: now,
                expires: Some(now + SignedDuration::from_mins(45)),
            });
        }
        let feed = Feed::new(
            change + 1,
            schedule.clone(),
            kiosk_core::feed::Notices::announcements(announcements.clone()),
        );
        let tmp = format!("{out}.tmp");
        std::fs::write(&tmp, feed.to_bytes()).map_err(|e| format!("{tmp}: {e}"))?;
        std::fs::rename(&tmp, out).map_err(|e| format!("{out}: {e}"))?;
        change += 1;
        std::thread::sleep(EVERY.saturating_sub(began.elapsed() - real));
    }
    println!("event_feed: {change} versions written");
    Ok(())
}
