//! The leader on a broker: its feed as a retained message, republished on
//! every new version and on every reconnection; with a fleet, every
//! screen's heartbeats taken (bounded and rate-limited by the [`Inbox`])
//! and answered on the screen's reply topic; commands published at once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rumqttc::{Client, Event, Packet, QoS};

use super::{describe, Broker};
use crate::feed::Published;
use crate::fleet::{seal, FleetError, Inbox};
use crate::limits::MAX_SCHEDULE_BYTES;

/// What the leader reads from the broker at most: a heartbeat is at most
/// 64 KiB (checked again when parsed); anything past this ends the
/// connection (rumqttc's cap), which is then made again.
const MAX_INCOMING: usize = 1024 * 1024;

/// A running leader connection (its threads live as long as the process).
pub struct MqttLeader {
    client: Client,
}

impl MqttLeader {
    /// Connect to `broker` and keep `published` on its feed topic; with
    /// `inbox`, take the fleet's heartbeats too.
    pub fn start(
        broker: Broker,
        published: Arc<Published>,
        inbox: Option<Arc<Inbox>>,
    ) -> Result<MqttLeader, FleetError> {
        let id = crate::fleet::probe::new_screen_id()
            .map_err(|e| FleetError::Transport {
                message: format!("cannot make a client id: {e}"),
            })?
            .replacen("screen-", "summit-kiosk-leader-", 1);
        let options = broker.options(
            &id,
            MAX_INCOMING,
            MAX_SCHEDULE_BYTES as usize + 64 * 1024,
            None,
        )?;
        let (client, mut connection) = Client::new(options, 1024);
        if let Some(inbox) = &inbox {
            let (client, target, token) =
                (client.clone(), broker.target.clone(), broker.token.clone());
            inbox.on_command(move |screen, signed| {
                let body = serde_json::to_vec(signed).expect("a command serializes");
                let sealed = seal(token.as_ref(), &body);
                if let Err(e) = client.try_publish(
                    target.command_topic(screen),
                    QoS::AtLeastOnce,
                    false,
                    sealed,
                ) {
                    tracing::warn!("cannot publish a command for screen {screen}: {e}");
                }
            });
        }
        let feed_client = client.clone();
        let feed_topic = broker.target.feed_topic();
        let watched = published.clone();
        std::thread::Builder::new()
            .name("mqtt-feed".into())
            .spawn(move || publish_versions(feed_client, feed_topic, watched))
            .map_err(|e| FleetError::Transport {
                message: format!("cannot start the MQTT feed thread: {e}"),
            })?;
        let loop_client = client.clone();
        std::thread::Builder::new()
            .name("mqtt-leader".into())
            .spawn(move || {
                let target = broker.target.clone();
                let mut wait = Duration::from_secs(1);
                let mut said: Option<(String, Instant)> = None;
                for event in connection.iter() {
                    match event {
                        Ok(Event::Incoming(Packet::ConnAck(_))) => {
                            tracing::info!(broker = %target.name(), "connected to the MQTT broker");
                            wait = Duration::from_secs(1);
                            said = None;
                            if inbox.is_some() {
                                if let Err(e) = loop_client
                                    .try_subscribe(target.screens_filter(), QoS::AtMostOnce)
                                {
                                    tracing::error!("cannot subscribe to the screens: {e}");
                                }
                            }
                            // Again on every connection: a broker restarted
                            // without persistence has lost the retained one.
                            if let Some(current) = published.current() {
                                let _ = loop_client.try_publish(
                                    target.feed_topic(),
                                    QoS::AtLeastOnce,
                                    true,
                                    current.bytes.to_vec(),
                                );
                            }
                        }
                        Ok(Event::Incoming(Packet::Publish(p))) => {
                            let (Some(inbox), Some(screen)) = (&inbox, target.screen_of(&p.topic))
                            else {
                                continue;
                            };
                            let t1 = inbox.clock().now();
                            if inbox.admit(crate::fleet::Via::Mqtt).is_err() {
                                continue;
                            }
                            if let Ok(Some(reply)) = inbox.receive_sealed(&p.payload, screen, t1) {
                                let _ = loop_client.try_publish(
                                    target.reply_topic(screen),
                                    QoS::AtMostOnce,
                                    false,
                                    reply,
                                );
                            }
                            inbox.tick();
                        }
                        Ok(_) => {}
                        Err(e) => {
                            let text = describe(&target, &e);
                            // A broker that stays away is said once a minute.
                            let repeat = said.as_ref().is_some_and(|(last, at)| {
                                *last == text && at.elapsed() < Duration::from_secs(60)
                            });
                            if !repeat {
                                tracing::warn!("{text}; trying again");
                                said = Some((text, Instant::now()));
                            }
                            std::thread::sleep(wait);
                            wait = (wait * 2).min(Duration::from_secs(30));
                        }
                    }
                }
            })
            .map_err(|e| FleetError::Transport {
                message: format!("cannot start the MQTT thread: {e}"),
            })?;
        Ok(MqttLeader { client })
    }

    /// Stop (a clean disconnect: no last will, the retained feed stays).
    pub fn stop(&self) {
        let _ = self.client.disconnect();
    }
}

/// Publish each new version of the feed, retained, as it comes.
fn publish_versions(client: Client, topic: String, published: Arc<Published>) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            tracing::error!("the MQTT feed thread cannot start: {e}");
            return;
        }
    };
    runtime.block_on(async move {
        let mut changes = published.subscribe();
        loop {
            let current = changes.borrow_and_update().clone();
            if let Some(current) = current {
                // The request queue may be full while the broker is away:
                // the version is published on reconnection anyway.
                match client.try_publish(
                    topic.clone(),
                    QoS::AtLeastOnce,
                    true,
                    current.bytes.to_vec(),
                ) {
                    Ok(()) => tracing::info!(version = current.version, "feed published on MQTT"),
                    Err(e) => tracing::warn!("cannot queue the feed for MQTT now: {e}"),
                }
            }
            if changes.changed().await.is_err() {
                return;
            }
        }
    });
}
