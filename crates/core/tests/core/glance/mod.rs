//! What attendees need at a glance: session info from every source
//! (`info`), what the screen is given (`screen`: badges, QR codes, planned
//! times and lateness, room status, the emergency takeover, the lobby's
//! grid), and the organizer's room statuses and emergencies in the store
//! (`store`).

mod info;
mod screen;
mod store;

use std::path::{Path, PathBuf};

pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}
