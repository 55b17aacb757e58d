//! MQTT as the fleet's scale-out transport, on any MQTT 3.1.1 broker
//! (mosquitto for a venue, a clustered broker for a festival).
//!
//! Topics, for a conference `CONF`:
//! - `summit-kiosk/CONF/feed`: the leader's feed, retained, the same bytes
//!   as `/feed.json` (a signed envelope when the leader has the key),
//!   verified by followers exactly as over HTTP;
//! - `summit-kiosk/CONF/screens/<id>`: each screen's heartbeats, and its
//!   last will (`"online": false`) when its connection drops;
//! - `summit-kiosk/CONF/screens/<id>/reply` and `…/command`: the leader's
//!   reply (clock times, commands) and the organizer's commands.
//!
//! Heartbeats, replies and commands carry an HMAC of the follower token
//! when one is configured ([`super::seal`]). The broker is trusted to move
//! messages, not to be honest: a follower takes a feed only as it would
//! over HTTP (signature, replay floor, validation), and a message too large
//! for its topic is dropped unread. The password comes from a file or the
//! environment, never the address (`ps` shows arguments).

mod follower;
mod leader;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rumqttc::{LastWill, MqttOptions, QoS, Transport};

pub use follower::{FollowerEvent, MqttFollower};
pub use leader::MqttLeader;

use super::FleetError;
use crate::secret::Secret;

/// The password's environment variable (taken out of the environment at start).
pub const PASSWORD_ENV: &str = "SUMMIT_KIOSK_MQTT_PASSWORD";
/// The longest conference name in a topic.
const MAX_CONFERENCE_CHARS: usize = 64;

/// A broker and a conference on it: `mqtt://[user@]host[:port]/CONF`, or
/// `mqtts://` for TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub port: u16,
    pub conference: String,
    pub tls: bool,
    pub username: Option<String>,
}

impl Target {
    /// Whether `text` names a broker (`mqtt://` or `mqtts://`).
    pub fn is_mqtt(text: &str) -> bool {
        let lower = text.trim().to_ascii_lowercase();
        lower.starts_with("mqtt://") || lower.starts_with("mqtts://")
    }

    pub fn parse(text: &str) -> Result<Target, String> {
        let url = url::Url::parse(text.trim()).map_err(|e| format!("not an address: {e}"))?;
        let tls = match url.scheme() {
            "mqtt" => false,
            "mqtts" => true,
            other => return Err(format!("{other}:// is not mqtt:// or mqtts://")),
        };
        if url.password().is_some() {
            return Err(
                "a password in the address would show in `ps` and in logs: put it in a private \
                 file (mqtt_password_file) or SUMMIT_KIOSK_MQTT_PASSWORD"
                    .into(),
            );
        }
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("the address names no broker host")?
            .to_string();
        let conference = url.path().trim_start_matches('/').to_string();
        let fine = !conference.is_empty()
            && conference.chars().count() <= MAX_CONFERENCE_CHARS
            && conference
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !fine {
            return Err(format!(
                "the path must name the conference: 1 to {MAX_CONFERENCE_CHARS} letters, digits, \
                 '.', '_' or '-' (mqtt://host:1883/CONF), not {conference:?}"
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err("the address takes no query or fragment".into());
        }
        Ok(Target {
            port: url.port().unwrap_or(if tls { 8883 } else { 1883 }),
            host,
            conference,
            tls,
            username: Some(url.username().to_string()).filter(|u| !u.is_empty()),
        })
    }

    /// The address as shown and stored: no user, no password.
    pub fn name(&self) -> String {
        let scheme = if self.tls { "mqtts" } else { "mqtt" };
        format!("{scheme}://{}:{}/{}", self.host, self.port, self.conference)
    }

    fn prefix(&self) -> String {
        format!("summit-kiosk/{}", self.conference)
    }

    pub fn feed_topic(&self) -> String {
        format!("{}/feed", self.prefix())
    }

    /// Every screen's heartbeats (one topic level each).
    pub fn screens_filter(&self) -> String {
        format!("{}/screens/+", self.prefix())
    }

    pub fn screen_topic(&self, screen_id: &str) -> String {
        format!("{}/screens/{screen_id}", self.prefix())
    }

    pub fn reply_topic(&self, screen_id: &str) -> String {
        format!("{}/screens/{screen_id}/reply", self.prefix())
    }

    pub fn command_topic(&self, screen_id: &str) -> String {
        format!("{}/screens/{screen_id}/command", self.prefix())
    }

    /// The screen a heartbeat topic names.
    pub fn screen_of<'a>(&self, topic: &'a str) -> Option<&'a str> {
        let rest = topic
            .strip_prefix(&self.prefix())?
            .strip_prefix("/screens/")?;
        (!rest.contains('/')).then_some(rest)
    }
}

/// How to reach a broker: where, who, and what to trust for TLS.
#[derive(Clone)]
pub struct Broker {
    pub target: Target,
    /// From `mqtt_password_file` or [`PASSWORD_ENV`]; sent only with a user.
    pub password: Option<Secret>,
    /// A PEM file of CA certificates trusted besides the usual roots
    /// (`mqtt_ca_file`, for a broker with a venue's own CA).
    pub ca_file: Option<PathBuf>,
    /// The follower token: messages carry its HMAC.
    pub token: Option<Secret>,
}

impl std::fmt::Debug for Broker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Broker")
            .field("target", &self.target.name())
            .field("username", &self.target.username)
            .field("ca_file", &self.ca_file)
            .finish_non_exhaustive()
    }
}

impl Broker {
    pub fn new(target: Target) -> Broker {
        Broker {
            target,
            password: None,
            ca_file: None,
            token: None,
        }
    }

    /// The client's options: keep-alive, packet caps, TLS, credentials
    /// and the last will.
    pub(crate) fn options(
        &self,
        client_id: &str,
        max_incoming: usize,
        max_outgoing: usize,
        will: Option<(String, Vec<u8>)>,
    ) -> Result<MqttOptions, FleetError> {
        let t = &self.target;
        let mut options = MqttOptions::new(client_id, t.host.clone(), t.port);
        // A dead peer is noticed within one and a half keep-alives.
        options
            .set_keep_alive(Duration::from_secs(10))
            .set_clean_session(true)
            .set_max_packet_size(max_incoming, max_outgoing)
            .set_request_channel_capacity(1024);
        if let Some(user) = &t.username {
            let password = self.password.as_ref().map_or("", |p| p.expose());
            options.set_credentials(user.clone(), password.to_string());
        }
        if t.tls {
            options.set_transport(Transport::tls_with_config(
                rumqttc::TlsConfiguration::Rustls(Arc::new(self.tls_config()?)),
            ));
        }
        if let Some((topic, payload)) = will {
            options.set_last_will(LastWill::new(topic, payload, QoS::AtLeastOnce, false));
        }
        Ok(options)
    }

    fn tls_config(&self) -> Result<rustls::ClientConfig, FleetError> {
        use rustls::pki_types::{pem::PemObject, CertificateDer};
        let fail = |message: String| FleetError::Transport { message };
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(path) = &self.ca_file {
            let pem = crate::read_bounded(path, 1024 * 1024)
                .map_err(|e| fail(format!("mqtt_ca_file: {e}")))?;
            let mut added = 0;
            for cert in CertificateDer::pem_slice_iter(&pem) {
                let cert = cert.map_err(|e| fail(format!("{}: {e}", path.display())))?;
                roots
                    .add(cert)
                    .map_err(|e| fail(format!("{}: {e}", path.display())))?;
                added += 1;
            }
            if added == 0 {
                return Err(fail(format!(
                    "{}: no PEM certificate in it",
                    path.display()
                )));
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        Ok(rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| fail(format!("TLS: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth())
    }
}

/// A connection error, in words, without the password.
pub(crate) fn describe(target: &Target, e: &rumqttc::ConnectionError) -> String {
    use rumqttc::ConnectionError as E;
    let what = match e {
        E::ConnectionRefused(code) => format!("the broker refused the connection ({code:?})"),
        E::Io(io) => format!("cannot reach the broker: {io}"),
        E::Tls(tls) => format!("TLS: {tls}"),
        E::MqttState(rumqttc::StateError::Deserialization(
            rumqttc::mqttbytes::Error::PayloadSizeLimitExceeded(n),
        )) => format!("a message of {n} bytes was over the limit; reconnecting"),
        other => other.to_string(),
    };
    format!("{}: {what}", target.name())
}
