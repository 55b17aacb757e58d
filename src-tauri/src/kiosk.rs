//! The app's state. What the screens and the panel show ([`Shown`]) is read
//! from the store once per change and kept behind one lock, swapped whole:
//! a reader gets one consistent `Arc`, never a schedule of one revision with
//! the announcements of another, and never waits for the store. The store
//! itself (the one writer) sits behind its own mutex, held only for short
//! reads and single transactions. Every lock recovers from poisoning
//! ([`crate::locks`]).

mod feed;
mod fleet;
mod sources;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex, RwLock};
use std::time::Duration;

use kiosk_core::clock::Clock;
use kiosk_core::config::{QrConfig, WallPolicy};
use kiosk_core::control::{PhotoRecords, Records};
use kiosk_core::edits::Announcement;
use kiosk_core::feed::Notices;
use kiosk_core::glance::{decorate, Glance};
use kiosk_core::i18n::Language;
use kiosk_core::model::Schedule;
use kiosk_core::photos::Playlist;
use kiosk_core::snapshot::{
    display_snapshot_in, wall_mode, DisplaySnapshot, OfflineBadge, Selection,
};
use kiosk_core::store::Store;

use crate::locks::{lock, read, write};
pub use fleet::ScreenIdentity;
pub use sources::SourceView;

/// What the screens and the control panel show, as of the last change.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    /// The effective schedule, the import under it, the revision, the
    /// announcements, the revisions and the audit log: one read of the store.
    pub records: Arc<Records>,
    pub photos: Arc<PhotoRecords>,
    /// The photo wall's rotation (visible photos only).
    pub playlist: Arc<Playlist>,
    /// What the kiosk this one follows shows besides its schedule
    /// (announcements, room statuses, emergencies, planned times).
    pub remote: Arc<Notices>,
}

impl Shown {
    pub fn schedule(&self) -> Option<&Schedule> {
        self.records.effective.as_ref()
    }
}

pub struct Kiosk {
    store: Mutex<Store>,
    /// The store's name, for errors about it without taking its lock.
    store_name: String,
    shown: RwLock<Arc<Shown>>,
    clock: Arc<dyn Clock>,
    selection: Selection,
    /// Wakes the ticker when what is shown changes, so the screen follows at once.
    wake: Mutex<Option<mpsc::Sender<()>>>,
    sources: sources::Sources,
    wall_policy: WallPolicy,
    /// A short message on screen until an instant (real time): "Schedule
    /// updated from USB…".
    toast: Mutex<Option<(String, std::time::Instant)>>,
    /// New photos wait for approval (shared with the photo library).
    approve: Arc<AtomicBool>,
    kiosk_mode: bool,
    /// Wakes a source's sync thread ("sync now").
    pokes: Mutex<HashMap<String, mpsc::Sender<()>>>,
    feed: feed::FeedOut,
    /// What the QR code beside a talk links to (the `[qr]` config).
    qr: QrConfig,
    /// The screen's words and clock (`display_language`).
    language: Language,
    fleet: fleet::FleetPart,
}

impl Kiosk {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        selection: Selection,
    ) -> kiosk_core::Result<Kiosk> {
        let shown = Shown {
            records: Arc::new(Records::read(&store)?),
            ..Shown::default()
        };
        Ok(Kiosk {
            store_name: store.name().to_string(),
            store: Mutex::new(store),
            shown: RwLock::new(Arc::new(shown)),
            clock,
            selection,
            wake: Mutex::new(None),
            sources: sources::Sources::default(),
            wall_policy: WallPolicy::Off,
            toast: Mutex::new(None),
            approve: Arc::new(AtomicBool::new(false)),
            kiosk_mode: false,
            pokes: Mutex::new(HashMap::new()),
            feed: feed::FeedOut::default(),
            qr: QrConfig::default(),
            language: Language::default(),
            fleet: fleet::FleetPart::default(),
        })
    }

    /// What the QR code beside a talk links to (the `[qr]` config).
    pub fn with_qr(mut self, qr: QrConfig) -> Kiosk {
        self.qr = qr;
        self
    }

    /// The screen's words and clock (`display_language`).
    pub fn with_language(mut self, language: Language) -> Kiosk {
        self.language = language;
        self
    }

    /// The language the screen speaks (its notices too).
    pub fn language(&self) -> Language {
        self.language
    }

    /// Fullscreen kiosk mode (the control panel then opens on top).
    pub fn with_kiosk_mode(mut self, on: bool) -> Kiosk {
        self.kiosk_mode = on;
        self
    }

    pub fn kiosk_mode(&self) -> bool {
        self.kiosk_mode
    }

    /// Share the photo library's approve-mode switch.
    pub fn with_approve(mut self, approve: Arc<AtomicBool>) -> Kiosk {
        self.approve = approve;
        self
    }

    pub fn approve_mode(&self) -> bool {
        self.approve.load(Ordering::Relaxed)
    }

    pub fn set_approve_mode(&self, on: bool) {
        self.approve.store(on, Ordering::Relaxed);
    }

    pub(crate) fn register_poke(&self, source: &str, tx: mpsc::Sender<()>) {
        lock(&self.pokes).insert(source.to_string(), tx);
    }

    /// Check `source` now ("sync now"); false if there is no such source.
    pub fn poke_source(&self, source: &str) -> bool {
        lock(&self.pokes)
            .get(source)
            .is_some_and(|tx| tx.send(()).is_ok())
    }

    /// Show a photo wall under `policy`; `playlist` carries its interval,
    /// credit setting and rendition sizes (its items come from the store).
    pub fn with_wall(
        mut self,
        policy: WallPolicy,
        playlist: Playlist,
    ) -> kiosk_core::Result<Kiosk> {
        self.wall_policy = policy;
        {
            let mut shown = write(&self.shown);
            let mut next = Shown::clone(&shown);
            next.playlist = Arc::new(playlist);
            *shown = Arc::new(next);
        }
        self.refresh_photos()?;
        Ok(self)
    }

    /// What is shown now: one consistent state, never waiting on the store.
    pub fn shown(&self) -> Arc<Shown> {
        Arc::clone(&read(&self.shown))
    }

    /// Replace what is shown by `change(old)`, whole.
    fn swap(&self, change: impl FnOnce(&Shown) -> Shown) {
        let mut shown = write(&self.shown);
        *shown = Arc::new(change(&shown));
    }

    /// The refusal to change a schedule that has not been imported yet.
    pub fn no_schedule(&self) -> kiosk_core::Error {
        kiosk_core::Error::NoSchedule {
            path: self.store_name.clone(),
        }
    }

    /// Re-read the photos from the store; true if the wall's rotation changed.
    pub fn refresh_photos(&self) -> kiosk_core::Result<bool> {
        let mut changed = false;
        {
            // Read and swap under the store's lock, so two refreshes cannot
            // swap in the older read last.
            let store = lock(&self.store);
            let photos = PhotoRecords::read(&store)?;
            let items = Playlist::from_photos(&photos.photos);
            self.swap(|old| {
                let mut playlist = Playlist::clone(&old.playlist);
                if playlist.items != items {
                    playlist.items = items;
                    playlist.revision += 1;
                    changed = true;
                }
                Shown {
                    photos: Arc::new(photos),
                    playlist: Arc::new(playlist),
                    ..old.clone()
                }
            });
        }
        if changed {
            self.wake_ticker();
        }
        Ok(changed)
    }

    pub fn playlist(&self) -> Playlist {
        Playlist::clone(&self.shown().playlist)
    }

    /// The rendition sizes on offer (the smallest is the panel's thumbnail).
    pub fn photo_edges(&self) -> Vec<u32> {
        self.shown().playlist.edges.clone()
    }

    /// The store, for work that locks it briefly (the photo library, a
    /// bundle's short final transaction).
    pub(crate) fn store(&self) -> &Mutex<Store> {
        &self.store
    }

    /// Make one change on the store (one transaction), then show what it
    /// holds. The store's lock is held for the change and the re-read only.
    pub fn change<T>(
        &self,
        make: impl FnOnce(&mut Store) -> kiosk_core::Result<T>,
    ) -> kiosk_core::Result<T> {
        let done = {
            let mut store = lock(&self.store);
            let done = make(&mut store)?;
            self.show_records(&store)?;
            done
        };
        self.after_schedule_change();
        Ok(done)
    }

    /// Show what the store holds now (after a change made straight to it).
    pub fn reload_from_store(&self) -> kiosk_core::Result<()> {
        {
            let store = lock(&self.store);
            self.show_records(&store)?;
        }
        self.after_schedule_change();
        Ok(())
    }

    /// Called with the store locked: the read and the swap are in order.
    fn show_records(&self, store: &Store) -> kiosk_core::Result<()> {
        let records = Arc::new(Records::read(store)?);
        self.swap(|old| Shown {
            records,
            ..old.clone()
        });
        Ok(())
    }

    fn after_schedule_change(&self) {
        self.publish_feed();
        self.wake_ticker();
    }

    /// The notices of the followed kiosk's feed.
    pub fn set_remote_notices(&self, notices: Notices) {
        self.swap(|old| Shown {
            remote: Arc::new(notices),
            ..old.clone()
        });
        self.wake_ticker();
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// What the display shows at this clock's now.
    pub fn snapshot(&self) -> DisplaySnapshot {
        let shown = self.shown();
        let schedule = shown.schedule();
        let mut snapshot = display_snapshot_in(
            self.language,
            schedule,
            &self.selection,
            self.clock.now(),
            shown.records.revision,
            self.clock.speed(),
        );
        snapshot.offline = self.offline_badge(schedule);
        snapshot.wall = wall_mode(
            &snapshot,
            self.wall_policy,
            !shown.playlist.items.is_empty(),
        );
        let all: Vec<Announcement> = shown
            .records
            .announcements
            .iter()
            .chain(shown.remote.announcements.iter())
            .cloned()
            .collect();
        kiosk_core::snapshot::set_announcements(&mut snapshot, &all);
        // A follower shows its leader's notices beside its own.
        let (records, remote) = (&shown.records, &shown.remote);
        decorate(
            &mut snapshot,
            &Glance {
                schedule,
                moved: &[&records.moved[..], &remote.moved[..]].concat(),
                qr: &self.qr,
                statuses: &[&records.room_statuses[..], &remote.room_statuses[..]].concat(),
                emergencies: &[&records.emergencies[..], &remote.emergencies[..]].concat(),
            },
        );
        if let Some((text, until)) = &*lock(&self.toast) {
            if std::time::Instant::now() < *until {
                snapshot.notice = Some(text.clone());
            }
        }
        snapshot.identify = self.identifying();
        snapshot
    }

    fn offline_badge(&self, schedule: Option<&Schedule>) -> Option<OfflineBadge> {
        let state = self.sources.shown_state()?;
        let now = self.clock.now();
        if !state.offline(now, self.sources.offline_after()) {
            return None;
        }
        Some(OfflineBadge::new(
            self.language,
            schedule,
            state.last_success,
            state.failing_since?,
        ))
    }

    /// Show `text` on screen for `how_long` (real time), then drop it.
    pub fn show_notice(&self, text: String, how_long: Duration) {
        let until = std::time::Instant::now() + how_long;
        *lock(&self.toast) = Some((text, until));
        self.wake_ticker();
        self.wake_after(how_long);
    }

    /// Push a snapshot once `how_long` has passed (the ticker pushes at
    /// least once a minute; something shown for seconds ends on time).
    fn wake_after(&self, how_long: Duration) {
        if let Some(tx) = lock(&self.wake).clone() {
            std::thread::spawn(move || {
                std::thread::sleep(how_long);
                let _ = tx.send(());
            });
        }
    }

    /// Sessions in the schedule shown.
    pub fn session_count(&self) -> usize {
        self.shown().schedule().map_or(0, |s| s.sessions.len())
    }

    /// Store `schedule` as a new revision (one transaction) and show it.
    /// On error nothing changes, on screen or in the store.
    pub fn replace_schedule(&self, schedule: Schedule, source: &str) -> kiosk_core::Result<i64> {
        self.change(|store| store.replace_schedule(&schedule, source))
    }

    /// True when `schedule` is not what the store already holds (so a restart
    /// with the same file does not make a new revision).
    pub fn stored_schedule_differs(&self, schedule: &Schedule) -> bool {
        self.shown().records.imported.as_ref() != Some(schedule)
    }

    pub(crate) fn set_waker(&self, tx: mpsc::Sender<()>) {
        *lock(&self.wake) = Some(tx);
    }

    pub(crate) fn wake_ticker(&self) {
        if let Some(tx) = lock(&self.wake).as_ref() {
            let _ = tx.send(());
        }
    }
}

impl Kiosk {
    /// Under `blank_outside_event_hours`: whether the screen is on now and
    /// until when (core decides from the schedule shown).
    pub fn screen_plan(&self, margin: Duration) -> kiosk_core::blanking::ScreenPlan {
        kiosk_core::blanking::screen_plan(self.shown().schedule(), self.clock().now(), margin)
    }
}
