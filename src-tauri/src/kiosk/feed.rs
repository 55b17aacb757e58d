//! What this kiosk publishes for followers (`--serve`): the schedule and
//! the organizer's notices shown, as a new (signed, if it has the organizer's key)
//! feed version only when they change; and, as a follower, the newest
//! signed version taken from each source (older ones are replays).

use std::sync::Mutex;

use kiosk_core::feed::{Notices, Publisher};
use kiosk_core::model::Schedule;

use super::Kiosk;
use crate::locks::lock;

/// What the feed carries: the schedule and the notices shown.
type Content = (Schedule, Notices);

/// What followers get, and what they got last.
#[derive(Default)]
pub(super) struct FeedOut {
    published: Mutex<Option<(Publisher, Option<Content>)>>,
}

impl Kiosk {
    /// Publish a feed for followers through `publisher`.
    pub fn with_feed(self, publisher: Publisher) -> Kiosk {
        *lock(&self.feed.published) = Some((publisher, None));
        self.publish_feed();
        self
    }

    /// Give followers the schedule and notices shown now (a new feed
    /// version only when they changed).
    pub fn publish_feed(&self) {
        let mut guard = lock(&self.feed.published);
        let Some((publisher, last)) = guard.as_mut() else {
            return;
        };
        let shown = self.shown();
        let Some(schedule) = shown.schedule() else {
            return;
        };
        let now = (schedule.clone(), Notices::of(&shown.records));
        if last.as_ref() == Some(&now) {
            return;
        }
        // The version published last lives in the store, so versions keep
        // rising across restarts.
        let published = publisher.publish(&mut lock(self.store()), now.0.clone(), now.1.clone());
        match published {
            Ok(version) => {
                *last = Some(now);
                if let Some(version) = version {
                    tracing::info!(version, "feed published");
                }
                // The fleet says how far behind each screen is from these.
                if let (Some(inbox), Some(current)) =
                    (self.inbox(), publisher.published().current())
                {
                    inbox.note_published(current.version);
                }
            }
            Err(e) => tracing::error!("cannot publish the feed: {e}"),
        }
    }

    /// The newest signed feed version taken from `source`.
    pub fn feed_floor(&self, source: &str) -> kiosk_core::Result<Option<u64>> {
        lock(self.store()).feed_floor(source)
    }

    /// Remember that `version` of `source`'s signed feed was taken.
    pub fn raise_feed_floor(&self, source: &str, version: u64) -> kiosk_core::Result<()> {
        lock(self.store()).raise_feed_floor(source, version)
    }
}
