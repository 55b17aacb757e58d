//! The kiosk's part in the fleet: its own screen (id, name, the feed
//! version it shows, "Identify" on screen), and, on a leader, the fleet it
//! keeps (core's [`Inbox`]: heartbeats from the feed server and the broker).

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use kiosk_core::fleet::Inbox;

use super::Kiosk;
use crate::locks::lock;

/// This screen, as the fleet knows it.
#[derive(Debug, Clone)]
pub struct ScreenIdentity {
    pub id: String,
    pub name: String,
}

#[derive(Default)]
pub(super) struct FleetPart {
    inbox: OnceLock<Arc<Inbox>>,
    screen: OnceLock<ScreenIdentity>,
    /// The version of the followed feed on screen (what heartbeats report).
    feed_version: Mutex<Option<u64>>,
    /// "Identify": the name on screen until then (real time).
    identify: Mutex<Option<(String, Instant)>>,
}

impl Kiosk {
    /// Keep a fleet (a leader): heartbeats go into `inbox`.
    pub fn with_inbox(self, inbox: Arc<Inbox>) -> Kiosk {
        let _ = self.fleet.inbox.set(inbox);
        self
    }

    pub fn inbox(&self) -> Option<&Arc<Inbox>> {
        self.fleet.inbox.get()
    }

    /// This kiosk's screen id and name (set once at start).
    pub fn with_screen(self, screen: ScreenIdentity) -> Kiosk {
        let _ = self.fleet.screen.set(screen);
        self
    }

    pub fn screen(&self) -> Option<&ScreenIdentity> {
        self.fleet.screen.get()
    }

    pub fn set_feed_version(&self, version: Option<u64>) {
        *lock(&self.fleet.feed_version) = version;
    }

    pub fn feed_version(&self) -> Option<u64> {
        *lock(&self.fleet.feed_version)
    }

    /// Show this screen's name large for `how_long` ("Identify").
    pub fn identify(&self, how_long: Duration) {
        let Some(screen) = self.screen() else { return };
        *lock(&self.fleet.identify) = Some((screen.name.clone(), Instant::now() + how_long));
        tracing::info!(screen = %screen.id, "identifying this screen on its display");
        self.wake_ticker();
        self.wake_after(how_long);
    }

    /// The name to show large now, if "Identify" is on.
    pub(super) fn identifying(&self) -> Option<String> {
        lock(&self.fleet.identify)
            .as_ref()
            .filter(|(_, until)| Instant::now() < *until)
            .map(|(name, _)| name.clone())
    }
}
