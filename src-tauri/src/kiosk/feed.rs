//! What this kiosk publishes for followers (`--serve`): the schedule and
//! announcements shown, as a new feed version only when they change.

use std::sync::{Arc, Mutex};

use kiosk_core::edits::Announcement;
use kiosk_core::feed::{Feed, Published};
use kiosk_core::model::Schedule;

use super::Kiosk;
use crate::locks::lock;

/// What the feed carries: the schedule and the announcements shown.
type Content = (Schedule, Vec<Announcement>);

/// What followers get, and what they got last.
#[derive(Default)]
pub(super) struct FeedOut {
    published: Mutex<Option<(Arc<Published>, Option<Content>)>>,
}

impl Kiosk {
    /// Publish a feed for followers through `published`.
    pub fn with_feed(self, published: Arc<Published>) -> Kiosk {
        *lock(&self.feed.published) = Some((published, None));
        self.publish_feed();
        self
    }

    /// Give followers the schedule and announcements shown now (a new feed
    /// version only when they changed).
    pub fn publish_feed(&self) {
        let mut guard = lock(&self.feed.published);
        let Some((published, last)) = guard.as_mut() else {
            return;
        };
        let shown = self.shown();
        let Some(schedule) = shown.schedule() else {
            return;
        };
        let now = (schedule.clone(), shown.records.announcements.clone());
        if last.as_ref() != Some(&now) {
            let version = published.current().0 + 1;
            let feed = Feed::new(version, now.0.clone(), now.1.clone());
            published.set(version, feed.to_bytes());
            *last = Some(now);
            tracing::info!(version, "feed published");
        }
    }
}
