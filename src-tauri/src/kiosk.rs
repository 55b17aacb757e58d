//! The app's state: the store (the one writer), the schedule it holds, the
//! clock, and which room this screen shows.

use std::collections::HashMap;
use std::sync::{mpsc, Arc, Mutex, RwLock};
use std::time::Duration;

use kiosk_core::clock::Clock;
use kiosk_core::config::QrConfig;
use kiosk_core::config::WallPolicy;
use kiosk_core::edits::{Announcement, Emergency, RoomStatus};
use kiosk_core::feed::{Feed, Published};
use kiosk_core::glance::{decorate, Glance};
use kiosk_core::model::Schedule;
use kiosk_core::photos::Playlist;
use kiosk_core::snapshot::{display_snapshot, wall_mode, DisplaySnapshot, OfflineBadge, Selection};
use kiosk_core::store::Store;
use kiosk_core::sync::{ImportSummary, SyncState};
use std::sync::atomic::{AtomicBool, Ordering};

/// What the screens show: the feed's content.
type Shown = (Schedule, Vec<Announcement>);

/// What the store holds for attendees' glance besides the schedule shown:
/// the import under it (the planned times), room statuses, emergencies.
#[derive(Debug, Default)]
struct GlanceData {
    imported: Option<Schedule>,
    statuses: Vec<RoomStatus>,
    emergencies: Vec<Emergency>,
}

impl GlanceData {
    fn read(store: &Store) -> kiosk_core::Result<GlanceData> {
        Ok(GlanceData {
            imported: store.load()?,
            statuses: store.room_statuses()?,
            emergencies: store.emergencies()?,
        })
    }
}

pub struct Kiosk {
    store: Mutex<Store>,
    schedule: RwLock<Option<Schedule>>,
    revision: RwLock<i64>,
    clock: Arc<dyn Clock>,
    selection: Selection,
    /// Wakes the ticker when the schedule changes, so the screen follows at once.
    wake: Mutex<Option<mpsc::Sender<()>>>,
    /// Sync sources by name, in priority order (first wins).
    sources: Vec<String>,
    offline_after: Duration,
    /// Each source's state, as last stored.
    sync: RwLock<HashMap<String, SyncState>>,
    /// The index of the source the shown schedule came from.
    active_source: RwLock<Option<usize>>,
    /// The photo wall: what it rotates through, and when it shows.
    playlist: RwLock<Playlist>,
    wall_policy: WallPolicy,
    /// A short message on screen until an instant (real time): "Schedule
    /// updated from USB…".
    toast: RwLock<Option<(String, std::time::Instant)>>,
    /// Announcements made here (from the store) and those of a followed
    /// kiosk's feed.
    announcements: RwLock<Vec<Announcement>>,
    remote_announcements: RwLock<Vec<Announcement>>,
    /// New photos wait for approval (shared with the photo library).
    approve: Arc<AtomicBool>,
    kiosk_mode: bool,
    /// Wakes a source's sync thread ("sync now").
    pokes: Mutex<HashMap<String, mpsc::Sender<()>>>,
    /// A source the organizer chose to use while it works.
    preferred: RwLock<Option<usize>>,
    /// What this kiosk publishes for followers, if it serves a feed.
    /// With what it last published, to publish a new version only on a change.
    published: RwLock<Option<(Arc<Published>, Option<Shown>)>>,
    glance: RwLock<GlanceData>,
    qr: QrConfig,
}

impl Kiosk {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        selection: Selection,
    ) -> kiosk_core::Result<Kiosk> {
        let schedule = store.effective_schedule()?;
        let revision = store.revision()?;
        let announcements = store.announcements()?;
        let glance = GlanceData::read(&store)?;
        Ok(Kiosk {
            store: Mutex::new(store),
            schedule: RwLock::new(schedule),
            revision: RwLock::new(revision),
            clock,
            selection,
            wake: Mutex::new(None),
            sources: Vec::new(),
            offline_after: Duration::from_secs(300),
            sync: RwLock::new(HashMap::new()),
            active_source: RwLock::new(None),
            playlist: RwLock::new(Playlist::default()),
            wall_policy: WallPolicy::Off,
            toast: RwLock::new(None),
            announcements: RwLock::new(announcements),
            remote_announcements: RwLock::new(Vec::new()),
            approve: Arc::new(AtomicBool::new(false)),
            kiosk_mode: false,
            pokes: Mutex::new(HashMap::new()),
            preferred: RwLock::new(None),
            published: RwLock::new(None),
            glance: RwLock::new(glance),
            qr: QrConfig::default(),
        })
    }

    /// What the QR code beside a talk links to (the `[qr]` config).
    pub fn with_qr(mut self, qr: QrConfig) -> Kiosk {
        self.qr = qr;
        self
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

    /// The sync sources by name, highest priority first.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    pub fn active_source(&self) -> Option<usize> {
        *self.active_source.read().expect("active lock poisoned")
    }

    pub(crate) fn register_poke(&self, source: &str, tx: mpsc::Sender<()>) {
        self.pokes
            .lock()
            .expect("pokes lock poisoned")
            .insert(source.to_string(), tx);
    }

    /// Check `source` now ("sync now"); false if there is no such source.
    pub fn poke_source(&self, source: &str) -> bool {
        self.pokes
            .lock()
            .expect("pokes lock poisoned")
            .get(source)
            .is_some_and(|tx| tx.send(()).is_ok())
    }

    /// Use `source` while it works, whatever its priority; its next check
    /// applies its schedule.
    pub fn prefer_source(&self, source: &str) -> kiosk_core::Result<()> {
        let index = self
            .sources
            .iter()
            .position(|s| s == source)
            .ok_or_else(|| kiosk_core::Error::Config {
                path: "sources".into(),
                message: format!("no source {source:?}"),
            })?;
        *self.preferred.write().expect("preferred lock poisoned") = Some(index);
        let mut state = self.sync_state(source);
        state.fingerprint = None;
        state.validator = Default::default();
        self.record_sync(state)?;
        self.poke_source(source);
        Ok(())
    }

    /// Publish a feed for followers through `published`.
    pub fn with_feed(self, published: Arc<Published>) -> Kiosk {
        *self.published.write().expect("feed lock poisoned") = Some((published, None));
        self.publish_feed();
        self
    }

    /// Give followers the schedule and announcements shown now (a new feed
    /// version only when they changed).
    pub fn publish_feed(&self) {
        let mut guard = self.published.write().expect("feed lock poisoned");
        let Some((published, last)) = guard.as_mut() else {
            return;
        };
        let Some(schedule) = self
            .schedule
            .read()
            .expect("schedule lock poisoned")
            .clone()
        else {
            return;
        };
        let announcements = self
            .announcements
            .read()
            .expect("announcements lock poisoned")
            .clone();
        let shown = (schedule, announcements);
        if last.as_ref() != Some(&shown) {
            let version = published.current().0 + 1;
            let feed = Feed::new(version, shown.0.clone(), shown.1.clone());
            published.set(version, feed.to_bytes());
            *last = Some(shown);
            tracing::info!(version, "feed published");
        }
    }

    /// Announcements from the followed kiosk's feed.
    pub fn set_remote_announcements(&self, announcements: Vec<Announcement>) {
        *self
            .remote_announcements
            .write()
            .expect("announcements lock poisoned") = announcements;
        self.wake_ticker();
    }

    /// Show a photo wall under `policy`; `playlist` carries its interval,
    /// credit setting and rendition sizes (its items come from the store).
    pub fn with_wall(
        mut self,
        policy: WallPolicy,
        playlist: Playlist,
    ) -> kiosk_core::Result<Kiosk> {
        self.wall_policy = policy;
        self.playlist = RwLock::new(playlist);
        self.refresh_playlist()?;
        Ok(self)
    }

    /// Re-read the visible photos from the store; true if they changed.
    pub fn refresh_playlist(&self) -> kiosk_core::Result<bool> {
        let photos = self.store.lock().expect("store lock poisoned").photos()?;
        let items = Playlist::from_photos(&photos);
        let mut playlist = self.playlist.write().expect("playlist lock poisoned");
        if playlist.items == items {
            return Ok(false);
        }
        playlist.items = items;
        playlist.revision += 1;
        drop(playlist);
        self.wake_ticker();
        Ok(true)
    }

    pub fn playlist(&self) -> Playlist {
        self.playlist
            .read()
            .expect("playlist lock poisoned")
            .clone()
    }

    /// The store, for work that locks it briefly (the photo library).
    pub(crate) fn store(&self) -> &Mutex<Store> {
        &self.store
    }

    /// Sync from `sources` (names, first = highest priority); show the
    /// offline badge once the source in use has failed for `offline_after`.
    pub fn with_sources(
        mut self,
        sources: Vec<String>,
        offline_after: Duration,
    ) -> kiosk_core::Result<Kiosk> {
        let mut states = HashMap::new();
        {
            let store = self.store.lock().expect("store lock poisoned");
            for name in &sources {
                states.insert(name.clone(), store.sync_state(name)?);
            }
        }
        self.sources = sources;
        self.offline_after = offline_after;
        self.sync = RwLock::new(states);
        Ok(self)
    }

    pub fn sync_state(&self, source: &str) -> SyncState {
        self.sync
            .read()
            .expect("sync lock poisoned")
            .get(source)
            .cloned()
            .unwrap_or_else(|| SyncState {
                source: source.to_string(),
                ..SyncState::default()
            })
    }

    /// Remember a source's state, in memory and in the store, and let the
    /// screen show (or drop) the offline badge.
    pub fn record_sync(&self, state: SyncState) -> kiosk_core::Result<()> {
        self.store
            .lock()
            .expect("store lock poisoned")
            .save_sync_state(&state)?;
        self.sync
            .write()
            .expect("sync lock poisoned")
            .insert(state.source.clone(), state);
        self.wake_ticker();
        Ok(())
    }

    /// Apply a schedule from source `index` unless a higher-priority source
    /// that still works supplied the one shown. `Ok(None)`: not applied.
    pub fn apply_from(
        &self,
        index: usize,
        schedule: Schedule,
        source: &str,
    ) -> kiosk_core::Result<Option<ImportSummary>> {
        let active = *self.active_source.read().expect("active lock poisoned");
        let preferred = *self.preferred.read().expect("preferred lock poisoned");
        let rank = |i: usize| if Some(i) == preferred { 0 } else { i + 1 };
        if let Some(active) = active.filter(|a| rank(*a) < rank(index)) {
            let state = self.sync_state(&self.sources[active]);
            if state.failures == 0 {
                return Ok(None);
            }
        }
        let summary = {
            let mut store = self.store.lock().expect("store lock poisoned");
            store.apply(&schedule, source)?
        };
        if summary.revision.is_some() {
            // Shown with the organizer's local changes re-applied on top.
            self.reload_from_store()?;
        }
        *self.active_source.write().expect("active lock poisoned") = Some(index);
        self.wake_ticker();
        Ok(Some(summary))
    }

    fn offline_badge(&self, schedule: Option<&Schedule>) -> Option<OfflineBadge> {
        let index = (*self.active_source.read().expect("active lock poisoned")).unwrap_or(0);
        let state = self.sync_state(self.sources.get(index)?);
        let now = self.clock.now();
        if !state.offline(now, self.offline_after) {
            return None;
        }
        let hm = |t: jiff::Timestamp| match schedule {
            Some(s) => s.local_hm(t),
            None => t.strftime("%H:%M UTC").to_string(),
        };
        Some(OfflineBadge {
            schedule_from: state.last_success.map(hm),
            offline_since: hm(state.failing_since?),
        })
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// What the display shows at this clock's now.
    pub fn snapshot(&self) -> DisplaySnapshot {
        let schedule = self.schedule.read().expect("schedule lock poisoned");
        let revision = *self.revision.read().expect("revision lock poisoned");
        let mut snapshot = display_snapshot(
            schedule.as_ref(),
            &self.selection,
            self.clock.now(),
            revision,
            self.clock.speed(),
        );
        snapshot.offline = self.offline_badge(schedule.as_ref());
        let has_photos = !self
            .playlist
            .read()
            .expect("playlist lock poisoned")
            .items
            .is_empty();
        snapshot.wall = wall_mode(&snapshot, self.wall_policy, has_photos);
        {
            let local = self
                .announcements
                .read()
                .expect("announcements lock poisoned");
            let remote = self
                .remote_announcements
                .read()
                .expect("announcements lock poisoned");
            let all: Vec<Announcement> = local.iter().chain(remote.iter()).cloned().collect();
            kiosk_core::snapshot::set_announcements(&mut snapshot, &all);
        }
        {
            let glance = self.glance.read().expect("glance lock poisoned");
            decorate(
                &mut snapshot,
                &Glance {
                    schedule: schedule.as_ref(),
                    imported: glance.imported.as_ref(),
                    qr: &self.qr,
                    statuses: &glance.statuses,
                    emergencies: &glance.emergencies,
                },
            );
        }
        if let Some((text, until)) = &*self.toast.read().expect("toast lock poisoned") {
            if std::time::Instant::now() < *until {
                snapshot.notice = Some(text.clone());
            }
        }
        snapshot
    }

    /// Show `text` on screen for `how_long` (real time), then drop it.
    pub fn show_notice(&self, text: String, how_long: Duration) {
        let until = std::time::Instant::now() + how_long;
        *self.toast.write().expect("toast lock poisoned") = Some((text, until));
        self.wake_ticker();
        // The ticker pushes at least once a minute; push right at the end too.
        if let Some(tx) = self.wake.lock().expect("wake lock poisoned").clone() {
            std::thread::spawn(move || {
                std::thread::sleep(how_long);
                let _ = tx.send(());
            });
        }
    }

    /// Show what the store holds now (after a change made straight to it,
    /// such as a USB bundle).
    pub fn reload_from_store(&self) -> kiosk_core::Result<()> {
        let (schedule, revision, announcements, glance) = {
            let store = self.store.lock().expect("store lock poisoned");
            (
                store.effective_schedule()?,
                store.revision()?,
                store.announcements()?,
                GlanceData::read(&store)?,
            )
        };
        *self.glance.write().expect("glance lock poisoned") = glance;
        *self.schedule.write().expect("schedule lock poisoned") = schedule;
        *self.revision.write().expect("revision lock poisoned") = revision;
        *self
            .announcements
            .write()
            .expect("announcements lock poisoned") = announcements;
        self.publish_feed();
        self.wake_ticker();
        Ok(())
    }

    /// Sessions in the schedule shown.
    pub fn session_count(&self) -> usize {
        self.schedule
            .read()
            .expect("schedule lock poisoned")
            .as_ref()
            .map_or(0, |s| s.sessions.len())
    }

    /// Store `schedule` as a new revision (one transaction) and show it.
    /// On error nothing changes, on screen or in the store.
    pub fn replace_schedule(&self, schedule: Schedule, source: &str) -> kiosk_core::Result<i64> {
        let revision = {
            let mut store = self.store.lock().expect("store lock poisoned");
            store.replace_schedule(&schedule, source)?
        };
        self.reload_from_store()?;
        Ok(revision)
    }

    pub(crate) fn set_waker(&self, tx: mpsc::Sender<()>) {
        *self.wake.lock().expect("wake lock poisoned") = Some(tx);
    }

    pub(crate) fn wake_ticker(&self) {
        if let Some(tx) = self.wake.lock().expect("wake lock poisoned").as_ref() {
            let _ = tx.send(());
        }
    }
}

impl Kiosk {
    /// True when `schedule` is not what the store already holds (so a restart
    /// with the same file does not make a new revision).
    pub fn stored_schedule_differs(&self, schedule: &Schedule) -> bool {
        let store = self.store.lock().expect("store lock poisoned");
        store.load().ok().flatten().as_ref() != Some(schedule)
    }
}
