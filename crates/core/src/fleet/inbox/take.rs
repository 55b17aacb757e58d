//! Taking a heartbeat in: parsed and checked (the MAC on a broker, the
//! screen the address names), room made when the fleet is full, the
//! thumbnail kept within the fleet's budget, and the reply with the
//! commands queued for the screen.

use std::sync::Arc;
use std::time::Instant;

use jiff::Timestamp;

use super::{log_refusal, Inbox, Screen, State, Thumbnail, Via};
use crate::fleet::heartbeat::{Heartbeat, Received};
use crate::fleet::limit::TokenBucket;
use crate::fleet::{FleetError, Reply, MISSED_RED, REPLY_FORMAT};

impl Inbox {
    /// Take a heartbeat (`bytes`, untrusted) that arrived at `t1` from
    /// `via`, for screen `path_id` when the transport names one (the URL's
    /// or topic's). The reply (with the commands queued for it), or why not.
    pub fn receive(
        &self,
        bytes: &[u8],
        via: Via,
        path_id: Option<&str>,
        t1: Timestamp,
    ) -> Result<Option<Reply>, FleetError> {
        let parsed = Heartbeat::parse(bytes).and_then(|r| match path_id {
            Some(id) if id != r.heartbeat.screen_id => Err(FleetError::field(
                "screen_id",
                format!(
                    "{:?} reported at the address of screen {id:?}",
                    r.heartbeat.screen_id
                ),
            )),
            _ => Ok(r),
        });
        match parsed {
            Ok(received) => self.take(received, via, t1),
            Err(error) => {
                let mut state = self.lock();
                log_refusal(&mut state, Instant::now(), &via, &error);
                Err(error)
            }
        }
    }

    /// A heartbeat from a broker: its MAC checked (with a token), then as
    /// [`Inbox::receive`]; the reply sealed for the broker.
    pub fn receive_sealed(
        &self,
        bytes: &[u8],
        topic_id: &str,
        t1: Timestamp,
    ) -> Result<Option<Vec<u8>>, FleetError> {
        let body = match crate::fleet::open_sealed(self.token.as_ref(), bytes) {
            Ok(body) => body,
            Err(error) => {
                let mut state = self.lock();
                log_refusal(&mut state, Instant::now(), &Via::Mqtt, &error);
                return Err(error);
            }
        };
        let reply = self.receive(&body, Via::Mqtt, Some(topic_id), t1)?;
        Ok(reply.map(|r| crate::fleet::seal(self.token.as_ref(), &r.to_bytes())))
    }

    /// This kiosk's own heartbeat (no limits: it is not from the network).
    pub fn receive_local(&self, received: Received) {
        let at = self.clock.now();
        if let Err(e) = self.take(received, Via::Local, at) {
            tracing::warn!("cannot list this kiosk's own screen: {e}");
        }
    }

    fn take(
        &self,
        received: Received,
        via: Via,
        t1: Timestamp,
    ) -> Result<Option<Reply>, FleetError> {
        let now = Instant::now();
        let mut state = self.lock();
        let outcome = self.take_locked(&mut state, received, via, t1, now);
        if let Err(error) = &outcome {
            log_refusal(&mut state, now, &via, error);
        }
        outcome
    }

    fn take_locked(
        &self,
        state: &mut State,
        received: Received,
        via: Via,
        t1: Timestamp,
        now: Instant,
    ) -> Result<Option<Reply>, FleetError> {
        let Received {
            heartbeat,
            thumbnail,
        } = received;
        let id = heartbeat.screen_id.clone();
        if !heartbeat.online {
            // A will of an earlier run (delivered late) says nothing of this one.
            if let Some(screen) = state.screens.get_mut(&id) {
                if screen.heartbeat.started_ms == heartbeat.started_ms || screen.restored {
                    screen.offline_since.get_or_insert(t1);
                    state.dirty.insert(id);
                }
            }
            return Ok(None);
        }
        if let Some(screen) = state.screens.get_mut(&id) {
            if via != Via::Local && !screen.bucket.take(now) {
                return Err(FleetError::ScreenRateLimited { screen: id });
            }
            let last = &screen.heartbeat;
            if !screen.restored
                && last.started_ms == heartbeat.started_ms
                && heartbeat.seq <= last.seq
            {
                return Err(FleetError::Replayed {
                    screen: id,
                    seq: heartbeat.seq,
                });
            }
        } else {
            self.make_room(state, &id, t1)?;
            let mut bucket = TokenBucket::new(self.limits.screen_burst, self.limits.screen_per_sec);
            bucket.take(now);
            state.screens.insert(
                id.clone(),
                Screen {
                    heartbeat: heartbeat.clone(),
                    last_seen: t1,
                    first_seen: t1,
                    offline_since: None,
                    thumbnail: None,
                    via,
                    restored: false,
                    bucket,
                    pending: Vec::new(),
                },
            );
            state.dirty.insert(id.clone());
        }
        if let Some(jpeg) = thumbnail {
            self.keep_thumbnail(state, &id, jpeg, t1);
        }
        let screen = state.screens.get_mut(&id).expect("added above");
        let renamed = screen.heartbeat.screen_name != heartbeat.screen_name
            || screen.heartbeat.role != heartbeat.role
            || screen.heartbeat.version != heartbeat.version;
        let sent_ms = heartbeat.sent_ms;
        screen.heartbeat = heartbeat;
        screen.last_seen = t1;
        screen.offline_since = None;
        screen.via = via;
        let commands = std::mem::take(&mut screen.pending);
        if renamed || screen.restored {
            screen.restored = false;
            state.dirty.insert(id.clone());
        }
        Ok(Some(Reply {
            format: REPLY_FORMAT.into(),
            screen_id: id,
            t0_ms: sent_ms,
            t1_ms: t1.as_millisecond(),
            t2_ms: self.clock.now().as_millisecond(),
            commands,
        }))
    }

    /// Room for screen `id`: the longest-silent offline screen goes when
    /// the fleet is full; if none is offline, `id` is refused.
    fn make_room(&self, state: &mut State, id: &str, now: Timestamp) -> Result<(), FleetError> {
        if state.screens.len() < self.limits.max_screens {
            return Ok(());
        }
        let gone = |s: &Screen| {
            let silent = now.duration_since(s.last_seen).as_secs_f64();
            let interval = s.heartbeat.interval_secs.max(1) as f64;
            s.offline_since.is_some() || s.restored || silent >= interval * MISSED_RED as f64
        };
        let victim = state
            .screens
            .iter()
            .filter(|(_, s)| gone(s))
            .min_by_key(|(_, s)| s.last_seen)
            .map(|(id, _)| id.clone());
        let Some(victim) = victim else {
            return Err(FleetError::Full {
                screen: id.to_string(),
                limit: self.limits.max_screens,
            });
        };
        if let Some(old) = state.screens.remove(&victim) {
            if let Some(t) = old.thumbnail {
                state.thumbnail_bytes -= t.jpeg.len();
            }
        }
        state.dirty.insert(victim);
        Ok(())
    }

    fn keep_thumbnail(&self, state: &mut State, id: &str, jpeg: Vec<u8>, at: Timestamp) {
        state.thumbnail_seq += 1;
        let seq = state.thumbnail_seq;
        let size = jpeg.len();
        if let Some(screen) = state.screens.get_mut(id) {
            if let Some(old) = screen.thumbnail.replace(Thumbnail {
                jpeg: Arc::new(jpeg),
                seq,
                at,
            }) {
                state.thumbnail_bytes -= old.jpeg.len();
            }
            state.thumbnail_bytes += size;
        }
        while state.thumbnail_bytes > self.limits.thumbnails_bytes {
            let oldest = state
                .screens
                .iter()
                .filter_map(|(id, s)| s.thumbnail.as_ref().map(|t| (t.seq, id.clone())))
                .min();
            let Some((_, oldest)) = oldest else { break };
            if let Some(t) = state
                .screens
                .get_mut(&oldest)
                .and_then(|s| s.thumbnail.take())
            {
                state.thumbnail_bytes -= t.jpeg.len();
            }
        }
    }
}
