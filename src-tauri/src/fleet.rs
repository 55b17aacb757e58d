//! The fleet, as the shell runs it: one thread that reports this screen
//! (every interval, and within a second of any change of what it shows or
//! of its display freezing) to its own fleet (a leader), to the leader it
//! follows over HTTP, and on the broker; that takes the leader's replies
//! (clock offset) and carries out the organizer's commands; and, on a
//! leader, keeps the fleet's store records current. Every rule is core's
//! (`kiosk_core::fleet`); this file gathers what the heartbeat says.

mod thumb;

use std::collections::VecDeque;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use tauri::{AppHandle, Manager, Runtime};

use kiosk_core::feed::Trust;
use kiosk_core::fleet::heartbeat::{showing_of, ScheduleReport, SyncReport};
use kiosk_core::fleet::mqtt::MqttFollower;
use kiosk_core::fleet::report::HttpReporter;
use kiosk_core::fleet::{
    Action, ClockOffset, CommandFloor, Heartbeat, Received, Reply, SignedCommand, SyncLevel,
    IDENTIFY_FOR, RENDER_STALE, THUMBNAIL_EVERY,
};

use crate::kiosk::Kiosk;

pub use thumb::serve as serve_thumbnail;

/// Where this screen reports besides its own fleet.
pub enum Transport {
    Http(HttpReporter),
    Mqtt(Arc<MqttFollower>),
}

pub struct FleetSettings {
    pub interval: Duration,
    pub thumbnails: bool,
    pub transports: Vec<Transport>,
    /// The organizer's keys: commands must be signed by one.
    pub trust: Trust,
    /// When this run started (ms): every heartbeat and the broker's last
    /// will carry the same value, or the leader ignores the will as an
    /// earlier run's.
    pub started_ms: i64,
}

/// What reaches the reporter from elsewhere (the broker's connection).
#[derive(Debug)]
pub enum Inbound {
    /// Report now (connected again).
    Now,
    /// A reply to a heartbeat sent on the broker.
    Reply(Vec<u8>),
    /// A signed command from the broker.
    Command(Vec<u8>),
}

/// How often the fleet's records go to the store (names, last seen).
const SAVE_EVERY: Duration = Duration::from_secs(30);
/// How often a leader's log says which screens changed colour.
const LOG_CHANGES_EVERY: Duration = Duration::from_secs(5);
/// A failure said once a minute, not every heartbeat.
const SAY_AGAIN_AFTER: Duration = Duration::from_secs(60);

pub fn start<R: Runtime>(
    app: AppHandle<R>,
    settings: FleetSettings,
    inbound: mpsc::Receiver<Inbound>,
) {
    let spawned = std::thread::Builder::new()
        .name("fleet".into())
        .spawn(move || Reporter::new(app, settings).run(inbound));
    if let Err(e) = spawned {
        tracing::error!("cannot start the fleet thread: {e}");
    }
}

struct Reporter<R: Runtime> {
    app: AppHandle<R>,
    settings: FleetSettings,
    seq: u64,
    started_ms: i64,
    last_sent: Option<Instant>,
    /// What the last heartbeat said was on screen.
    last_said: Option<String>,
    last_thumbnail: Option<Instant>,
    clock: Option<ClockOffset>,
    floor: CommandFloor,
    /// The `sent_ms` of recent heartbeats on the broker (to pair replies).
    sent_on_broker: VecDeque<i64>,
    said: Vec<(String, Instant)>,
    last_saved: Instant,
    levels: std::collections::HashMap<String, kiosk_core::fleet::Level>,
    last_levels: Instant,
}

impl<R: Runtime> Reporter<R> {
    fn new(app: AppHandle<R>, settings: FleetSettings) -> Reporter<R> {
        let started_ms = settings.started_ms;
        Reporter {
            app,
            settings,
            seq: 0,
            started_ms,
            last_sent: None,
            last_said: None,
            last_thumbnail: None,
            clock: None,
            floor: CommandFloor::default(),
            sent_on_broker: VecDeque::new(),
            said: Vec::new(),
            last_saved: Instant::now(),
            levels: Default::default(),
            last_levels: Instant::now(),
        }
    }

    fn run(mut self, inbound: mpsc::Receiver<Inbound>) {
        loop {
            let mut now_asked = false;
            match inbound.recv_timeout(Duration::from_secs(1)) {
                Ok(Inbound::Now) => now_asked = true,
                Ok(Inbound::Reply(bytes)) => self.take_reply(&bytes),
                Ok(Inbound::Command(bytes)) => self.take_command(&bytes),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                // Nobody else sends (no broker): the loop still reports.
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    std::thread::sleep(Duration::from_secs(1))
                }
            }
            let heartbeat = self.heartbeat();
            let said = what_it_says(&heartbeat);
            let due = now_asked
                || self.last_said.as_ref() != Some(&said)
                || self
                    .last_sent
                    .is_none_or(|t| t.elapsed() >= self.settings.interval);
            if due {
                self.send(heartbeat);
                self.last_said = Some(said);
                self.last_sent = Some(Instant::now());
            }
            self.keep_fleet();
        }
    }

    fn kiosk(&self) -> tauri::State<'_, Kiosk> {
        self.app.state::<Kiosk>()
    }

    /// This screen's heartbeat now (without `sent_ms`, set when sent).
    fn heartbeat(&self) -> Heartbeat {
        let kiosk = self.kiosk();
        let Some(screen) = kiosk.screen() else {
            return Heartbeat::new("unknown", "unknown");
        };
        let snapshot = kiosk.snapshot();
        let (role, showing) = showing_of(&snapshot);
        let sync = match kiosk.shown_sync() {
            None => SyncReport::default(),
            Some((state, offline)) => SyncReport {
                state: match (state.failures, offline) {
                    (0, _) => SyncLevel::Ok,
                    (_, true) => SyncLevel::Offline,
                    (_, false) => SyncLevel::Failing,
                },
                error: state.last_error.map(|e| e.chars().take(300).collect()),
                source: Some(state.source),
            },
        };
        let since_start = crate::STARTED.elapsed().as_millis() as u64;
        let mut heartbeat = Heartbeat::new(&screen.id, &screen.name);
        heartbeat.seq = self.seq;
        heartbeat.started_ms = self.started_ms;
        heartbeat.interval_secs = self.settings.interval.as_secs() as u32;
        heartbeat.role = role;
        heartbeat.showing = showing;
        heartbeat.schedule = ScheduleReport {
            conference: snapshot.conference.clone(),
            revision: snapshot.revision,
            feed_version: kiosk.feed_version(),
        };
        heartbeat.sync = sync;
        heartbeat.version = env!("CARGO_PKG_VERSION").into();
        heartbeat.uptime_secs = since_start / 1000;
        heartbeat.clock = if kiosk.inbox().is_some() && self.settings.transports.is_empty() {
            // The leader's clock is the fleet's reference.
            Some(ClockOffset {
                offset_ms: 0,
                uncertainty_ms: 0,
            })
        } else {
            self.clock
        };
        heartbeat.last_render_age_ms = self
            .app
            .state::<crate::supervise::Supervisor>()
            .since_render()
            .map(|age| age.as_millis() as u64);
        heartbeat
    }

    fn send(&mut self, mut heartbeat: Heartbeat) {
        self.seq += 1;
        heartbeat.seq = self.seq;
        heartbeat.memory_pss_bytes = kiosk_core::fleet::probe::pss_tree_bytes(std::process::id());
        let thumbnail = self.thumbnail();
        let kiosk = self.app.state::<Kiosk>();
        let now = kiosk.clock().now().as_millisecond();
        heartbeat.sent_ms = now;
        if let Some(inbox) = kiosk.inbox() {
            inbox.receive_local(Received {
                heartbeat: heartbeat.clone(),
                thumbnail: thumbnail.clone(),
            });
        }
        let with_thumbnail = heartbeat.with_thumbnail(thumbnail.as_deref());
        let mut replies = Vec::new();
        let mut failures = Vec::new();
        for transport in &self.settings.transports {
            match transport {
                Transport::Http(reporter) => {
                    match reporter.send(with_thumbnail.clone(), kiosk.clock()) {
                        Ok(answered) => {
                            replies.push((answered.reply, answered.offset, answered.leader_now_ms))
                        }
                        Err(e) => failures.push(format!("cannot report to the leader: {e}")),
                    }
                }
                Transport::Mqtt(follower) => {
                    self.sent_on_broker.push_back(now);
                    if self.sent_on_broker.len() > 8 {
                        self.sent_on_broker.pop_front();
                    }
                    if let Err(e) = follower.publish(&with_thumbnail) {
                        failures.push(e.to_string());
                    }
                }
            }
        }
        for failure in failures {
            self.say(failure);
        }
        for (reply, offset, leader_now_ms) in replies {
            if offset.is_some() {
                self.clock = offset;
            }
            self.carry_out_all(&reply.commands, leader_now_ms);
        }
    }

    /// A thumbnail, if one is due (at most once a minute) and the display
    /// gives one within a few seconds (a frozen web process does not).
    fn thumbnail(&mut self) -> Option<Vec<u8>> {
        // Not before the display has painted once (the splash says nothing).
        let painted = self
            .app
            .state::<crate::supervise::Supervisor>()
            .since_render()
            .is_some();
        if !self.settings.thumbnails
            || !painted
            || self
                .last_thumbnail
                .is_some_and(|t| t.elapsed() < THUMBNAIL_EVERY)
        {
            return None;
        }
        self.last_thumbnail = Some(Instant::now());
        match thumb::capture(&self.app) {
            Ok(jpeg) => Some(jpeg),
            Err(e) => {
                self.say(format!("no thumbnail of the display: {e}"));
                None
            }
        }
    }

    /// A reply from the broker: the clock offset, if it answers one of
    /// this screen's recent heartbeats, and its commands.
    fn take_reply(&mut self, bytes: &[u8]) {
        let (parsed, now) = {
            let kiosk = self.app.state::<Kiosk>();
            let Some(screen) = kiosk.screen() else { return };
            (
                Reply::parse(bytes, &screen.id),
                kiosk.clock().now().as_millisecond(),
            )
        };
        let reply = match parsed {
            Ok(reply) => reply,
            Err(e) => {
                self.say(format!("a reply on the broker was refused: {e}"));
                return;
            }
        };
        if self.sent_on_broker.contains(&reply.t0_ms) {
            if let Some(offset) = reply.offset(now) {
                self.clock = Some(offset);
            }
        }
        let leader_now = now - self.clock.map_or(0, |c| c.offset_ms);
        self.carry_out_all(&reply.commands, leader_now);
    }

    fn take_command(&mut self, bytes: &[u8]) {
        match serde_json::from_slice::<SignedCommand>(bytes) {
            Ok(command) => {
                let now = self.kiosk().clock().now().as_millisecond();
                let leader_now = now - self.clock.map_or(0, |c| c.offset_ms);
                self.carry_out_all(&[command], leader_now);
            }
            Err(e) => self.say(format!(
                "a command on the broker was refused: not a command: {e}"
            )),
        }
    }

    fn carry_out_all(&mut self, commands: &[SignedCommand], leader_now_ms: i64) {
        for signed in commands {
            let id = self
                .kiosk()
                .screen()
                .map(|s| s.id.clone())
                .unwrap_or_default();
            let taken = signed
                .open(&self.settings.trust, &id)
                .and_then(|c| self.floor.take(&c, leader_now_ms).map(|()| c));
            match taken {
                Ok(command) => {
                    tracing::info!(
                        action = command.action.name(),
                        id = command.id,
                        "the organizer's command"
                    );
                    carry_out(&self.app, command.action);
                }
                Err(e) => self.say(e.to_string()),
            }
        }
    }

    /// On a leader: the fleet's records to the store now and then, and
    /// screens that changed colour to the log.
    fn keep_fleet(&mut self) {
        let kiosk = self.app.state::<Kiosk>();
        let Some(inbox) = kiosk.inbox() else { return };
        inbox.tick();
        if self.last_levels.elapsed() >= LOG_CHANGES_EVERY {
            self.last_levels = Instant::now();
            let view = inbox.view(kiosk.screen().map(|s| s.id.as_str()));
            for line in kiosk_core::fleet::view::changes(&mut self.levels, &view) {
                tracing::info!("{line}");
            }
        }
        if self.last_saved.elapsed() >= SAVE_EVERY {
            self.last_saved = Instant::now();
            let mut changes = inbox.take_dirty();
            changes.extend(inbox.records().into_iter().map(Ok));
            if let Err(e) = crate::locks::lock(kiosk.store()).save_fleet(&changes) {
                tracing::error!("cannot save the fleet's screens: {e}");
            }
        }
    }

    /// Log `text` unless the same was said within the last minute.
    fn say(&mut self, text: String) {
        self.said.retain(|(_, at)| at.elapsed() < SAY_AGAIN_AFTER);
        if !self.said.iter().any(|(t, _)| *t == text) {
            tracing::warn!("{text}");
            self.said.push((text, Instant::now()));
        }
    }
}

/// What a heartbeat says is on screen (a change is reported at once):
/// what each room shows, the schedule, the sync state, whether the display
/// paints, and the clock's offset to the second.
fn what_it_says(h: &Heartbeat) -> String {
    let frozen = h
        .last_render_age_ms
        .is_none_or(|age| age > RENDER_STALE.as_millis() as u64);
    // A clock measured for the first time, or moved by a second or more.
    let clock = h
        .clock
        .map(|c| (c.offset_ms as f64 / 1000.0).round() as i64);
    serde_json::json!([h.role, h.showing, h.schedule, h.sync.state, frozen, clock]).to_string()
}

/// Do what the organizer asked of this screen.
pub fn carry_out<R: Runtime>(app: &AppHandle<R>, action: Action) {
    match action {
        Action::Identify => app.state::<Kiosk>().identify(IDENTIFY_FOR),
        Action::Reload => match app.get_webview_window(crate::display::LABEL) {
            Some(window) => {
                tracing::info!("reloading the display, as the organizer asked");
                if let Err(e) = window.reload() {
                    tracing::error!("cannot reload the display: {e}");
                }
            }
            None => tracing::warn!("asked to reload the display, but this kiosk shows none"),
        },
    }
}
