//! What the organizer asks of one screen from the Screens tab: "Identify"
//! (its name, large, for [`IDENTIFY_FOR`](super::IDENTIFY_FOR)) and
//! "Reload" (its web view starts again). A command travels in the reply to
//! the screen's heartbeat (HTTP) or on its command topic (MQTT), signed
//! with the organizer's key when the leader has it. A screen that trusts
//! keys takes only commands signed by one; every screen takes only commands
//! for itself, newer than the last it took and issued within
//! [`COMMAND_MAX_AGE`] by the leader's clock as it estimates it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{FleetError, COMMAND_FORMAT, COMMAND_MAX_AGE};
use crate::feed::{SigningKey, Trust};

/// The longest command document.
const MAX_COMMAND_BYTES: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Show the screen's name large for a few seconds.
    Identify,
    /// Reload the screen's web view.
    Reload,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::Identify => "identify",
            Action::Reload => "reload",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    pub format: String,
    pub screen_id: String,
    pub action: Action,
    /// Grows with every command the leader issues (ms of its clock, or one
    /// more than the last).
    pub id: u64,
    /// When the leader issued it (its clock, ms).
    pub issued_ms: i64,
}

/// A command as it travels: the document's exact bytes (as a string, so
/// what is signed survives the trip) and its minisign signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedCommand {
    pub command: String,
    #[serde(default)]
    pub signature: Option<String>,
}

impl SignedCommand {
    /// `command`, signed with `key` when there is one.
    pub fn seal(command: &Command, key: Option<&SigningKey>) -> Result<SignedCommand, FleetError> {
        let text = serde_json::to_string(command).expect("a command serializes");
        let signature = key
            .map(|k| {
                k.sign(
                    text.as_bytes(),
                    &format!("summit-kiosk command {}", command.id),
                )
            })
            .transpose()
            .map_err(|e| FleetError::Command {
                message: e.to_string(),
            })?;
        Ok(SignedCommand {
            command: text,
            signature,
        })
    }

    /// The command, if its signature holds for `trust` (any, with no key
    /// trusted) and it is for `screen_id`.
    pub fn open(&self, trust: &Trust, screen_id: &str) -> Result<Command, FleetError> {
        let refused = |message: String| FleetError::Command { message };
        if self.command.len() > MAX_COMMAND_BYTES {
            return Err(refused(format!(
                "{} bytes; at most {MAX_COMMAND_BYTES}",
                self.command.len()
            )));
        }
        trust
            .verify(self.command.as_bytes(), self.signature.as_deref())
            .map_err(|e| refused(e.to_string().replacen("the feed", "the command", 1)))?;
        let command: Command = serde_json::from_str(&self.command)
            .map_err(|e| refused(format!("not a command: {e}")))?;
        if command.format != COMMAND_FORMAT {
            return Err(refused(format!("not {COMMAND_FORMAT:?}")));
        }
        if command.screen_id != screen_id {
            return Err(refused(format!(
                "it is for screen {:?}, not this one",
                command.screen_id
            )));
        }
        Ok(command)
    }
}

/// The commands a screen has carried out: each is done once.
#[derive(Debug, Clone, Default)]
pub struct CommandFloor {
    last: Option<u64>,
}

impl CommandFloor {
    /// Whether to carry out `command`, the leader's clock reading
    /// `leader_now_ms` as this screen estimates it. Taking it raises the floor.
    pub fn take(&mut self, command: &Command, leader_now_ms: i64) -> Result<(), FleetError> {
        if self.last.is_some_and(|last| command.id <= last) {
            return Err(FleetError::Command {
                message: format!("command {} was already carried out", command.id),
            });
        }
        let age_ms = leader_now_ms
            .saturating_sub(command.issued_ms)
            .unsigned_abs();
        if age_ms > COMMAND_MAX_AGE.as_millis() as u64 {
            return Err(FleetError::Command {
                message: format!(
                    "command {} was issued {} s from now by the leader's clock; at most {} s",
                    command.id,
                    age_ms / 1000,
                    COMMAND_MAX_AGE.as_secs()
                ),
            });
        }
        self.last = Some(command.id);
        Ok(())
    }
}
