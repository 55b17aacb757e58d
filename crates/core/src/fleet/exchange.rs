//! The clock exchange, as NTP does it: the screen sends at t0 (its clock),
//! the leader receives at t1 and replies at t2 (its clock), the screen
//! receives at t3. The screen's clock is ahead of the leader's by
//! `((t0 - t1) + (t3 - t2)) / 2`, give or take half the round trip
//! (`((t3 - t0) - (t2 - t1)) / 2`): the network's delay each way is
//! unknown, and only their sum is. A reply held by the leader (t2 later
//! than t1) costs no accuracy.

use serde::{Deserialize, Serialize};

use super::{FleetError, SignedCommand, MAX_HEARTBEAT_BYTES, REPLY_FORMAT};

/// A screen's clock against the leader's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockOffset {
    /// Positive: the screen's clock is ahead (ms).
    pub offset_ms: i64,
    /// Half the round trip: the true offset is within this of `offset_ms`.
    pub uncertainty_ms: u64,
}

/// The four times of one exchange (ms since 1970 on each side's clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exchange {
    pub t0: i64,
    pub t1: i64,
    pub t2: i64,
    pub t3: i64,
}

impl Exchange {
    /// The offset and its uncertainty; `None` when the times cannot be of
    /// one exchange (the reply was sent before the request arrived, or
    /// arrived before the request left).
    pub fn offset(&self) -> Option<ClockOffset> {
        let Exchange { t0, t1, t2, t3 } = *self;
        let held = t2.checked_sub(t1)?;
        let round_trip = t3.checked_sub(t0)?;
        if held < 0 || round_trip < held {
            return None;
        }
        let ahead = (t0.checked_sub(t1)? as i128 + t3.checked_sub(t2)? as i128) / 2;
        Some(ClockOffset {
            offset_ms: i64::try_from(ahead).ok()?,
            uncertainty_ms: ((round_trip - held) / 2) as u64,
        })
    }
}

/// The leader's answer to a heartbeat: its times, and what the organizer
/// asked of this screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub format: String,
    pub screen_id: String,
    /// The heartbeat's `sent_ms`, echoed (so a screen pairs the reply with
    /// its request, over a broker too).
    pub t0_ms: i64,
    pub t1_ms: i64,
    pub t2_ms: i64,
    #[serde(default)]
    pub commands: Vec<SignedCommand>,
}

/// Commands one reply carries at most.
pub const MAX_REPLY_COMMANDS: usize = 8;

impl Reply {
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a reply serializes")
    }

    /// Read a reply (from the leader, or anyone on the broker) for `screen_id`.
    pub fn parse(bytes: &[u8], screen_id: &str) -> Result<Reply, FleetError> {
        if bytes.len() > MAX_HEARTBEAT_BYTES {
            return Err(FleetError::TooLarge {
                size: bytes.len(),
                limit: MAX_HEARTBEAT_BYTES,
            });
        }
        let reply: Reply = serde_json::from_slice(bytes).map_err(|e| FleetError::malformed(&e))?;
        if reply.format != REPLY_FORMAT {
            return Err(FleetError::field("format", format!("not {REPLY_FORMAT:?}")));
        }
        if reply.screen_id != screen_id {
            return Err(FleetError::field(
                "screen_id",
                "the reply is for another screen",
            ));
        }
        if reply.commands.len() > MAX_REPLY_COMMANDS {
            return Err(FleetError::field(
                "commands",
                format!(
                    "{} commands; at most {MAX_REPLY_COMMANDS}",
                    reply.commands.len()
                ),
            ));
        }
        Ok(reply)
    }

    /// The offset measured by this reply, received at `t3_ms`.
    pub fn offset(&self, t3_ms: i64) -> Option<ClockOffset> {
        Exchange {
            t0: self.t0_ms,
            t1: self.t1_ms,
            t2: self.t2_ms,
            t3: t3_ms,
        }
        .offset()
    }
}
