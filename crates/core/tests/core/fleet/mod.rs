//! The fleet: heartbeats read as hostile input, the clock exchange, the
//! status rules, the leader's bounded fleet, signed commands, and both
//! transports against real servers (the feed server, mosquitto).

mod clock;
mod commands;
mod heartbeat;
mod http;
mod inbox;
mod limits;
mod mqtt;
mod status;

use std::sync::Arc;

use jiff::Timestamp;
use kiosk_core::clock::FixedClock;
use kiosk_core::fleet::heartbeat::{RoomShowing, ScheduleReport, ShownSession};
use kiosk_core::fleet::{FleetLimits, Heartbeat, Inbox, Role};

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// A screen's heartbeat as a kiosk sends it: room "Main hall", a talk on.
fn heartbeat(id: &str, seq: u64) -> Heartbeat {
    let mut h = Heartbeat::new(id, &format!("Screen {id}"));
    h.seq = seq;
    h.started_ms = 1_000;
    h.role = Role::Room {
        room: "Main hall".into(),
    };
    h.showing = vec![RoomShowing {
        room: "Main hall".into(),
        now: Some(ShownSession {
            id: "d1-cloudprovider".into(),
            title: "Native Cloud Deployment".into(),
            start_local: "10:12".into(),
            end_local: "10:24".into(),
        }),
        next: None,
    }];
    h.schedule = ScheduleReport {
        conference: "Dask Summit 2020".into(),
        revision: 3,
        feed_version: Some(7),
    };
    h.version = "0.1.0".into();
    h.uptime_secs = 60;
    h.last_render_age_ms = Some(400);
    h.sent_ms = at("2020-02-26T15:20:00Z").as_millisecond();
    h
}

/// A JPEG of `w` × `h` made by libjpeg-turbo (testkit's quadrants).
fn jpeg(w: u32, h: u32) -> Vec<u8> {
    kiosk_testkit::photos::jpeg(&kiosk_testkit::photos::quadrants(w, h))
}

/// A fleet on a clock stopped at `now`.
fn inbox_at(now: &str, limits: FleetLimits) -> Arc<Inbox> {
    Inbox::new(Arc::new(FixedClock(at(now))), limits, None, None)
}
