//! The leader's fleet: every screen's last heartbeat, in memory, bounded.
//!
//! What a peer can make it hold is capped: [`FleetLimits::max_screens`]
//! screens (a new one pushes out the longest-silent offline one, else is
//! refused), one heartbeat each (its thumbnail apart, all thumbnails
//! together under [`FleetLimits::thumbnails_bytes`]), a few queued commands each,
//! and a token bucket per client address (HTTP), for the broker (MQTT) and
//! per screen. Refusals go to the [`FloodLog`], which says a flood once a
//! minute. Only what a restart should keep (which screens exist, their
//! names and when they were last seen) goes to the store, in batches
//! ([`Inbox::take_dirty`]); thumbnails never do.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::Timestamp;

use super::heartbeat::{Heartbeat, Role};
use super::limit::{FloodLog, TokenBucket};
use super::{
    Action, Command, FleetError, SignedCommand, COMMAND_FORMAT, MAX_SCREENS, MAX_THUMBNAILS_BYTES,
};
use crate::clock::Clock;
use crate::feed::SigningKey;
use crate::secret::Secret;

mod take;

/// Where a heartbeat came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// This kiosk's own.
    Local,
    Http(IpAddr),
    Mqtt,
}

impl Via {
    fn who(&self) -> String {
        match self {
            Via::Local => "this kiosk".into(),
            Via::Http(ip) => ip.to_string(),
            Via::Mqtt => "the MQTT broker".into(),
        }
    }
}

/// What the fleet lets peers do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FleetLimits {
    pub max_screens: usize,
    /// Per client address (HTTP): at once, then per second.
    pub client_burst: u32,
    pub client_per_sec: f64,
    /// Client addresses tracked at once (the fullest buckets go first).
    pub max_clients: usize,
    /// Per screen: at once, then per second.
    pub screen_burst: u32,
    pub screen_per_sec: f64,
    /// Everything from the broker together.
    pub broker_burst: u32,
    pub broker_per_sec: f64,
    /// How often a flood is said in the log.
    pub flood_period: Duration,
    /// Published versions remembered, to say how far behind a screen is.
    pub published_kept: usize,
    /// Thumbnails kept, all screens together (bytes).
    pub thumbnails_bytes: usize,
}

impl Default for FleetLimits {
    fn default() -> Self {
        FleetLimits {
            max_screens: MAX_SCREENS,
            // A screen reports every 15 s and at once on a change; a client
            // address is one screen on a venue's network.
            client_burst: 20,
            client_per_sec: 10.0,
            max_clients: 4096,
            screen_burst: 6,
            screen_per_sec: 0.5,
            broker_burst: 2000,
            broker_per_sec: 500.0,
            flood_period: Duration::from_secs(60),
            published_kept: 256,
            thumbnails_bytes: MAX_THUMBNAILS_BYTES,
        }
    }
}

/// The last thumbnail of a screen.
#[derive(Debug, Clone)]
pub struct Thumbnail {
    pub jpeg: Arc<Vec<u8>>,
    /// Grows with every thumbnail the fleet takes (names its URL).
    pub seq: u64,
    pub at: Timestamp,
}

/// One screen as the leader knows it.
#[derive(Debug, Clone)]
pub struct Screen {
    /// Its last heartbeat (without the thumbnail).
    pub heartbeat: Heartbeat,
    /// When that arrived (leader's clock).
    pub last_seen: Timestamp,
    pub first_seen: Timestamp,
    /// Its connection dropped then (last will, goodbye).
    pub offline_since: Option<Timestamp>,
    pub thumbnail: Option<Thumbnail>,
    pub via: Via,
    /// Known from the store only: no heartbeat since this kiosk started.
    pub restored: bool,
    bucket: TokenBucket,
    pending: Vec<SignedCommand>,
}

/// What the store keeps of a screen across a restart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenRecord {
    pub screen_id: String,
    pub name: String,
    pub role: Role,
    pub version: String,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    pub offline_since: Option<Timestamp>,
}

/// Commands queued for one screen at most (older ones are dropped).
const MAX_PENDING: usize = 4;

struct State {
    screens: HashMap<String, Screen>,
    /// (version, published at), oldest first.
    published: VecDeque<(u64, Timestamp)>,
    clients: HashMap<IpAddr, TokenBucket>,
    broker: TokenBucket,
    flood: FloodLog,
    last_command: u64,
    thumbnail_seq: u64,
    thumbnail_bytes: usize,
    dirty: BTreeSet<String>,
}

type Listener = Box<dyn Fn(&str, &SignedCommand) + Send + Sync>;

/// The fleet, shared by the feed server, the MQTT loop and the panel.
pub struct Inbox {
    clock: Arc<dyn Clock>,
    limits: FleetLimits,
    /// Signs commands (the organizer's key), if the leader has it.
    key: Option<SigningKey>,
    /// The follower token: heartbeats on a broker must carry its MAC.
    token: Option<Secret>,
    state: Mutex<State>,
    listeners: Mutex<Vec<Listener>>,
}

impl Inbox {
    pub fn new(
        clock: Arc<dyn Clock>,
        limits: FleetLimits,
        key: Option<SigningKey>,
        token: Option<Secret>,
    ) -> Arc<Inbox> {
        Arc::new(Inbox {
            clock,
            state: Mutex::new(State {
                screens: HashMap::new(),
                published: VecDeque::new(),
                clients: HashMap::new(),
                broker: TokenBucket::new(limits.broker_burst, limits.broker_per_sec),
                flood: FloodLog::new(limits.flood_period),
                last_command: 0,
                thumbnail_seq: 0,
                thumbnail_bytes: 0,
                dirty: BTreeSet::new(),
            }),
            limits,
            key,
            token,
            listeners: Mutex::new(Vec::new()),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // Every change below is made whole under the lock: a panic leaves
        // nothing half-made to recover from.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub fn limits(&self) -> &FleetLimits {
        &self.limits
    }

    /// The follower token (for sealing replies on a broker).
    pub fn token(&self) -> Option<&Secret> {
        self.token.as_ref()
    }

    /// Whether the commands it issues are signed.
    pub fn signs_commands(&self) -> bool {
        self.key.is_some()
    }

    /// Called with every command issued (the MQTT loop publishes it at once).
    pub fn on_command(&self, listener: impl Fn(&str, &SignedCommand) + Send + Sync + 'static) {
        lock(&self.listeners).push(Box::new(listener));
    }

    /// May `via` send a report now (before its body is read)? A refusal is
    /// counted in the flood log.
    pub fn admit(&self, via: Via) -> Result<(), FleetError> {
        let now = Instant::now();
        let mut state = self.lock();
        let limits = self.limits;
        let admitted = match via {
            Via::Local => true,
            Via::Mqtt => state.broker.take(now),
            Via::Http(ip) => {
                if !state.clients.contains_key(&ip) && state.clients.len() >= limits.max_clients {
                    // Forget clients whose bucket is full again: they are quiet.
                    state.clients.retain(|_, b| !b.is_full(now));
                    if state.clients.len() >= limits.max_clients {
                        state.clients.clear();
                    }
                }
                state
                    .clients
                    .entry(ip)
                    .or_insert_with(|| TokenBucket::new(limits.client_burst, limits.client_per_sec))
                    .take(now)
            }
        };
        if admitted {
            return Ok(());
        }
        let error = FleetError::RateLimited { who: via.who() };
        log_refusal(&mut state, now, &via, &error);
        Err(error)
    }

    /// Count a refusal made before the fleet saw the report (a wrong token,
    /// a body too large): said in the log once a minute like the others.
    pub fn refused(&self, via: Via, error: &FleetError) {
        let mut state = self.lock();
        log_refusal(&mut state, Instant::now(), &via, error);
    }

    /// The leader published `version` (now, by its clock).
    pub fn note_published(&self, version: u64) {
        let at = self.clock.now();
        let mut state = self.lock();
        if state.published.back().is_some_and(|(v, _)| *v >= version) {
            return;
        }
        state.published.push_back((version, at));
        while state.published.len() > self.limits.published_kept {
            state.published.pop_front();
        }
    }

    /// Queue `action` for screen `screen_id` (signed when the leader has
    /// the key); listeners (the broker) get it at once, HTTP screens with
    /// their next heartbeat's reply.
    pub fn queue(&self, screen_id: &str, action: Action) -> Result<Command, FleetError> {
        let now = self.clock.now().as_millisecond();
        let (command, signed) = {
            let mut state = self.lock();
            if !state.screens.contains_key(screen_id) {
                return Err(FleetError::UnknownScreen {
                    screen: screen_id.to_string(),
                });
            }
            let id = (now.max(0) as u64).max(state.last_command + 1);
            state.last_command = id;
            let command = Command {
                format: COMMAND_FORMAT.into(),
                screen_id: screen_id.to_string(),
                action,
                id,
                issued_ms: now,
            };
            let signed = SignedCommand::seal(&command, self.key.as_ref())?;
            let screen = state.screens.get_mut(screen_id).expect("checked above");
            if screen.pending.len() >= MAX_PENDING {
                screen.pending.remove(0);
            }
            screen.pending.push(signed.clone());
            (command, signed)
        };
        for listener in lock(&self.listeners).iter() {
            listener(screen_id, &signed);
        }
        Ok(command)
    }

    /// Log the flood counts of a period that ended (called now and then,
    /// so a flood that stopped is still summed up).
    pub fn tick(&self) {
        let lines = self.lock().flood.tick(Instant::now());
        for line in lines {
            tracing::warn!("{line}");
        }
    }

    pub fn len(&self) -> usize {
        self.lock().screens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every screen and the versions published, as of now.
    pub fn snapshot(&self) -> (Vec<Screen>, Vec<(u64, Timestamp)>) {
        let state = self.lock();
        (
            state.screens.values().cloned().collect(),
            state.published.iter().copied().collect(),
        )
    }

    /// The Screens tab now (`this_kiosk`: the screen the panel runs on).
    pub fn view(&self, this_kiosk: Option<&str>) -> super::view::ScreensView {
        let now = self.clock.now();
        let state = self.lock();
        let screens: Vec<&Screen> = state.screens.values().collect();
        let published: Vec<(u64, Timestamp)> = state.published.iter().copied().collect();
        super::view::screens_view(&screens, &published, now, this_kiosk, self.key.is_some())
    }

    /// Screen `id`'s name (its id if it gave none), if the fleet lists it.
    pub fn name_of(&self, id: &str) -> Option<String> {
        let state = self.lock();
        let hb = &state.screens.get(id)?.heartbeat;
        Some(if hb.screen_name.is_empty() {
            id.to_string()
        } else {
            hb.screen_name.clone()
        })
    }

    /// Screen `id`'s thumbnail `seq`, if that is still the one kept.
    pub fn thumbnail(&self, id: &str, seq: u64) -> Option<Arc<Vec<u8>>> {
        let state = self.lock();
        let t = state.screens.get(id)?.thumbnail.as_ref()?;
        (t.seq == seq).then(|| t.jpeg.clone())
    }

    /// What changed since the last call, for the store: the screens added,
    /// renamed, gone offline or seen again after a restart (`Err(id)`: removed).
    pub fn take_dirty(&self) -> Vec<Result<ScreenRecord, String>> {
        let mut state = self.lock();
        let dirty = std::mem::take(&mut state.dirty);
        dirty
            .into_iter()
            .map(|id| match state.screens.get(&id) {
                Some(s) => Ok(record(&id, s)),
                None => Err(id),
            })
            .collect()
    }

    /// Every screen as the store keeps it (their last-seen times too).
    pub fn records(&self) -> Vec<ScreenRecord> {
        let state = self.lock();
        state.screens.iter().map(|(id, s)| record(id, s)).collect()
    }

    /// The screens the store knew before this start, listed until they
    /// report (as not heard from since).
    pub fn restore(&self, records: Vec<ScreenRecord>) {
        let mut state = self.lock();
        for r in records.into_iter().take(self.limits.max_screens) {
            let mut heartbeat = Heartbeat::new(&r.screen_id, &r.name);
            heartbeat.role = r.role;
            heartbeat.version = r.version;
            state.screens.entry(r.screen_id).or_insert(Screen {
                heartbeat,
                last_seen: r.last_seen,
                first_seen: r.first_seen,
                offline_since: r.offline_since,
                thumbnail: None,
                via: Via::Mqtt,
                restored: true,
                bucket: TokenBucket::new(self.limits.screen_burst, self.limits.screen_per_sec),
                pending: Vec::new(),
            });
        }
    }
}

fn record(id: &str, s: &Screen) -> ScreenRecord {
    ScreenRecord {
        screen_id: id.to_string(),
        name: s.heartbeat.screen_name.clone(),
        role: s.heartbeat.role.clone(),
        version: s.heartbeat.version.clone(),
        first_seen: s.first_seen,
        last_seen: s.last_seen,
        offline_since: s.offline_since,
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn log_refusal(state: &mut State, now: Instant, via: &Via, error: &FleetError) {
    for line in state
        .flood
        .refused(now, &via.who(), error.code(), &error.to_string())
    {
        tracing::warn!("{line}");
    }
}
