//! The sync runner: one thread per source. A file source is checked when the
//! file (or its WAL) changes, seen through inotify and debounced, and at the
//! poll interval in case an event was missed; a URL source is polled at the
//! interval, or asked again at once when its server held the request (a
//! leader's long-poll), with back-off after failures. What changed goes to the store in
//! one transaction; what failed goes to the source's state, and the screen
//! keeps its schedule.

use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode};
use tauri::{AppHandle, Manager, Runtime};

use kiosk_core::feed::Trust;
use kiosk_core::fetch::FetchLimits;
use kiosk_core::fleet::mqtt::FollowerEvent;
use kiosk_core::import::ImportOptions;
use kiosk_core::sync::{check_feed, check_polled, next_check_in, Checked, FeedPolicy, Source};

use crate::fleet::Inbound;
use crate::kiosk::Kiosk;

#[derive(Debug, Clone)]
pub struct SyncSettings {
    pub sources: Vec<Source>,
    pub poll_interval: Duration,
    /// The organizer's keys: feeds must be signed by one.
    pub trust: Trust,
    pub options: ImportOptions,
}

/// Quiet time before a burst of file events counts as one change.
const DEBOUNCE: Duration = Duration::from_millis(250);

/// A followed feed on a broker: its connection's events, and where the
/// replies and commands for this screen go.
pub struct BrokerFeed {
    /// The source's place in the list.
    pub index: usize,
    pub events: mpsc::Receiver<FollowerEvent>,
    pub reporter: mpsc::Sender<Inbound>,
}

pub fn start<R: Runtime>(app: AppHandle<R>, settings: SyncSettings, brokers: Vec<BrokerFeed>) {
    let mut brokers: Vec<Option<BrokerFeed>> = brokers.into_iter().map(Some).collect();
    for (index, source) in settings.sources.iter().cloned().enumerate() {
        let app = app.clone();
        let settings = settings.clone();
        let broker = brokers
            .iter_mut()
            .find(|b| b.as_ref().is_some_and(|b| b.index == index))
            .and_then(Option::take);
        let spawned = std::thread::Builder::new()
            .name(format!("sync-{index}"))
            .spawn(move || match (&source, broker) {
                (Source::Mqtt(_), Some(broker)) => {
                    run_broker(app, index, source.name(), settings, broker)
                }
                (Source::Mqtt(_), None) => {
                    tracing::error!(source = %source.name(), "no broker connection for this source")
                }
                _ => run(app, index, source, settings),
            });
        if let Err(e) = spawned {
            tracing::error!("cannot start a sync thread: {e}");
        }
    }
}

/// A feed on a broker: each message of its topic (the retained one first)
/// checked like a feed fetched over HTTP and applied; a lost connection is a
/// failed check (the offline badge after `offline_after`).
fn run_broker<R: Runtime>(
    app: AppHandle<R>,
    index: usize,
    name: String,
    settings: SyncSettings,
    broker: BrokerFeed,
) {
    // "Sync now" has nothing to ask: the broker pushes. The poke is taken
    // (so the source is known) and ignored.
    let (poke, _pokes) = mpsc::channel();
    app.state::<Kiosk>().register_poke(&name, poke);
    let mut taken: Option<String> = None;
    for event in broker.events {
        let kiosk = app.state::<Kiosk>();
        let now = kiosk.clock().now();
        let mut state = kiosk.sync_state(&name);
        match event {
            FollowerEvent::Connected => {
                tracing::info!(source = %name, "connected to the broker");
                let _ = broker.reporter.send(Inbound::Now);
                continue;
            }
            FollowerEvent::Reply(bytes) => {
                let _ = broker.reporter.send(Inbound::Reply(bytes));
                continue;
            }
            FollowerEvent::Command(bytes) => {
                let _ = broker.reporter.send(Inbound::Command(bytes));
                continue;
            }
            FollowerEvent::Lost(why) => {
                tracing::warn!(source = %name, "{why}; the schedule on screen stays");
                state.failed(now, &why);
            }
            FollowerEvent::Feed(bytes) => {
                let etag = kiosk_core::feed::etag_of(&bytes);
                if taken.as_deref() == Some(etag.as_str()) {
                    state.succeeded(now);
                } else {
                    let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let policy = FeedPolicy {
                            trust: settings.trust.clone(),
                            newest: kiosk.feed_floor(&name)?,
                        };
                        check_feed(&name, &bytes, &policy)
                    }))
                    .unwrap_or_else(|_| {
                        Err(kiosk_core::Error::ImporterPanicked {
                            source_name: name.clone(),
                        })
                    });
                    if apply(&kiosk, index, &name, checked, &mut state, now).is_ok() {
                        taken = Some(etag);
                    }
                }
            }
        }
        if let Err(e) = kiosk.record_sync(state) {
            tracing::error!(source = %name, "cannot record the sync state: {e}");
        }
    }
}

/// What one check brought, applied (source priority permitting) and
/// recorded in `state`; the error of a failed check.
fn apply(
    kiosk: &Kiosk,
    index: usize,
    name: &str,
    checked: kiosk_core::Result<Checked>,
    state: &mut kiosk_core::sync::SyncState,
    now: jiff::Timestamp,
) -> Result<(), kiosk_core::Error> {
    match checked {
        Ok(Checked::Unchanged) => state.succeeded(now),
        Ok(Checked::Changed {
            format,
            validated,
            validator,
            fingerprint,
            notices,
            accepted_version,
            feed_version,
        }) => {
            if let Some(notices) = notices {
                kiosk.set_remote_notices(*notices);
            }
            for w in &validated.warnings {
                tracing::warn!(source = %name, "{w}");
            }
            match kiosk.apply_from(index, validated.schedule, name) {
                Ok(applied) => {
                    match &applied {
                        Some(summary) => {
                            tracing::info!(source = %name, format = format.name(), %summary, revision = ?summary.revision, "synced");
                            if let Some(version) = accepted_version {
                                if let Err(e) = kiosk.raise_feed_floor(name, version) {
                                    tracing::error!(source = %name, "cannot record the feed version taken: {e}");
                                }
                            }
                            if feed_version.is_some() {
                                kiosk.set_feed_version(feed_version);
                            }
                        }
                        None => {
                            tracing::info!(source = %name, "a higher-priority source is in use; not applied")
                        }
                    }
                    state.succeeded(now);
                    state.validator = validator;
                    state.fingerprint = fingerprint;
                }
                Err(e) => state.failed(now, &e.to_string()),
            }
        }
        Err(e) => {
            tracing::warn!(source = %name, "sync failed; the schedule on screen stays: {e}");
            state.failed(now, &e.to_string());
            return Err(e);
        }
    }
    Ok(())
}

fn run<R: Runtime>(app: AppHandle<R>, index: usize, source: Source, settings: SyncSettings) {
    let name = source.name();
    let (tx, rx) = mpsc::channel();
    // Kept alive for the thread's life; dropping it stops the watching.
    let _watcher = match &source {
        Source::File(path) => {
            let folder = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let file = path.file_name().map(|f| f.to_os_string());
            let tx = tx.clone();
            new_debouncer(DEBOUNCE, move |events: notify_debouncer_mini::DebounceEventResult| {
                let ours = events.map(|evs| {
                    evs.iter().any(|e| {
                        // The file itself, its -wal/-shm, or a temporary renamed onto it.
                        match (e.path.file_name(), &file) {
                            (Some(n), Some(f)) => n.to_string_lossy().starts_with(&*f.to_string_lossy()),
                            _ => true,
                        }
                    })
                });
                if ours.unwrap_or(true) {
                    let _ = tx.send(());
                }
            })
            .and_then(|mut d| d.watcher().watch(folder, RecursiveMode::NonRecursive).map(|()| d))
            .map_err(|e| tracing::warn!(source = %name, "cannot watch the folder, checking every {:?}: {e}", settings.poll_interval))
            .ok()
        }
        Source::Url(_) | Source::Mqtt(_) => None,
    };
    app.state::<Kiosk>().register_poke(&name, tx.clone());
    let limits = FetchLimits::default();
    loop {
        let kiosk = app.state::<Kiosk>();
        let mut state = kiosk.sync_state(&name);
        let now = kiosk.clock().now();
        let mut error = None;
        let checking = std::time::Instant::now();
        // A parser that panics on some input must not stop this source's
        // syncing, let alone the kiosk: it is one more failed check.
        let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let feed = FeedPolicy {
                trust: settings.trust.clone(),
                newest: kiosk.feed_floor(&name)?,
            };
            check_polled(&source, &state, &settings.options, &limits, &feed)
        }))
        .unwrap_or_else(|_| {
            Err(kiosk_core::Error::ImporterPanicked {
                source_name: name.clone(),
            })
        });
        let held = checked.as_ref().ok().and_then(|p| p.held());
        let checked = checked.map(|p| p.checked);
        if let Err(e) = apply(&kiosk, index, &name, checked, &mut state, now) {
            error = Some(e);
        }
        let failures = state.failures;
        if let Err(e) = kiosk.record_sync(state) {
            tracing::error!(source = %name, "cannot record the sync state: {e}");
        }
        let wait = next_check_in(
            failures,
            error.as_ref(),
            checking.elapsed(),
            held,
            settings.poll_interval,
        );
        // In the kiosk's time, which runs `speed` times faster in rehearsals.
        let ahead = jiff::SignedDuration::try_from(wait.mul_f64(kiosk.clock().speed()))
            .unwrap_or(jiff::SignedDuration::ZERO);
        kiosk.set_next_check(&name, kiosk.clock().now() + ahead);
        match rx.recv_timeout(wait) {
            Ok(()) => while rx.try_recv().is_ok() {},
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => std::thread::sleep(wait),
        }
    }
}
