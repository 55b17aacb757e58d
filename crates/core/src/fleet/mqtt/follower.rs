//! A screen on a broker: one connection that takes the retained feed (as
//! bytes, for the sync runner to verify and validate like any feed), sends
//! the screen's heartbeats with its last will set, and takes the leader's
//! replies and commands. Everything arriving goes out on a channel; a
//! message over its topic's size is dropped before anyone reads it.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use rumqttc::{Client, Event, Packet, QoS};

use super::{describe, Broker, Target};
use crate::fleet::{open_sealed, seal, FleetError, Heartbeat, MAX_HEARTBEAT_BYTES};
use crate::limits::MAX_SCHEDULE_BYTES;

/// What the connection brings.
#[derive(Debug)]
pub enum FollowerEvent {
    /// Connected (again): subscriptions are made; report at once.
    Connected,
    /// The feed topic's message (the retained one first).
    Feed(Vec<u8>),
    /// A reply to a heartbeat, its MAC checked.
    Reply(Vec<u8>),
    /// A signed command, its MAC checked.
    Command(Vec<u8>),
    /// The connection failed; it is being made again.
    Lost(String),
}

/// A screen's connection to the broker.
pub struct MqttFollower {
    client: Client,
    target: Target,
    token: Option<crate::secret::Secret>,
    screen_id: String,
}

impl MqttFollower {
    /// Connect as screen `screen_id` (`screen_name`, this run started at
    /// `started_ms`); its last will says it is offline.
    pub fn connect(
        broker: Broker,
        screen_id: &str,
        screen_name: &str,
        started_ms: i64,
    ) -> Result<(MqttFollower, mpsc::Receiver<FollowerEvent>), FleetError> {
        let will = seal(
            broker.token.as_ref(),
            &Heartbeat::last_will(screen_id, screen_name, started_ms).to_bytes(),
        );
        let options = broker.options(
            &format!("summit-kiosk-{screen_id}"),
            MAX_SCHEDULE_BYTES as usize + 64 * 1024,
            MAX_HEARTBEAT_BYTES * 2,
            Some((broker.target.screen_topic(screen_id), will)),
        )?;
        let (client, mut connection) = Client::new(options, 64);
        let (tx, rx) = mpsc::channel();
        let (loop_client, target, token, id) = (
            client.clone(),
            broker.target.clone(),
            broker.token.clone(),
            screen_id.to_string(),
        );
        std::thread::Builder::new()
            .name("mqtt-follower".into())
            .spawn(move || {
                let mut wait = Duration::from_secs(1);
                let mut said: Option<(String, Instant)> = None;
                let (reply, command) = (target.reply_topic(&id), target.command_topic(&id));
                for event in connection.iter() {
                    let sent = match event {
                        Ok(Event::Incoming(Packet::ConnAck(_))) => {
                            wait = Duration::from_secs(1);
                            said = None;
                            for (topic, qos) in [
                                (target.feed_topic(), QoS::AtLeastOnce),
                                (reply.clone(), QoS::AtMostOnce),
                                (command.clone(), QoS::AtLeastOnce),
                            ] {
                                if let Err(e) = loop_client.try_subscribe(topic, qos) {
                                    tracing::error!("cannot subscribe on the broker: {e}");
                                }
                            }
                            tx.send(FollowerEvent::Connected)
                        }
                        Ok(Event::Incoming(Packet::Publish(p))) => {
                            let payload = p.payload.to_vec();
                            if p.topic == target.feed_topic() {
                                tx.send(FollowerEvent::Feed(payload))
                            } else if p.topic == reply || p.topic == command {
                                if payload.len() > MAX_HEARTBEAT_BYTES * 2 {
                                    continue;
                                }
                                match open_sealed(token.as_ref(), &payload) {
                                    Ok(body) if p.topic == reply => {
                                        tx.send(FollowerEvent::Reply(body.into_owned()))
                                    }
                                    Ok(body) => tx.send(FollowerEvent::Command(body.into_owned())),
                                    Err(e) => {
                                        tracing::warn!(topic = %p.topic, "dropped a message: {e}");
                                        continue;
                                    }
                                }
                            } else {
                                continue;
                            }
                        }
                        Ok(_) => continue,
                        Err(e) => {
                            let text = describe(&target, &e);
                            let repeat = said.as_ref().is_some_and(|(last, at)| {
                                *last == text && at.elapsed() < Duration::from_secs(60)
                            });
                            let sent = if repeat {
                                Ok(())
                            } else {
                                said = Some((text.clone(), Instant::now()));
                                tx.send(FollowerEvent::Lost(text))
                            };
                            std::thread::sleep(wait);
                            wait = (wait * 2).min(Duration::from_secs(30));
                            sent
                        }
                    };
                    // Nobody listens any more: the kiosk is stopping.
                    if sent.is_err() {
                        let _ = loop_client.disconnect();
                        return;
                    }
                }
            })
            .map_err(|e| FleetError::Transport {
                message: format!("cannot start the MQTT thread: {e}"),
            })?;
        Ok((
            MqttFollower {
                client,
                target: broker.target,
                token: broker.token,
                screen_id: screen_id.to_string(),
            },
            rx,
        ))
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Send a heartbeat (sealed with the token when there is one). It is
    /// queued; while the broker is away the queue may be full, and it is
    /// dropped (the next one says the same, newer).
    pub fn publish(&self, heartbeat: &Heartbeat) -> Result<(), FleetError> {
        let body = seal(self.token.as_ref(), &heartbeat.to_bytes());
        self.client
            .try_publish(
                self.target.screen_topic(&self.screen_id),
                QoS::AtMostOnce,
                false,
                body,
            )
            .map_err(|e| FleetError::Transport {
                message: format!("{}: cannot send a heartbeat: {e}", self.target.name()),
            })
    }
}
