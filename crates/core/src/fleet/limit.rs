//! Rates and floods: a token bucket (per client, per screen, per broker),
//! and the log of refusals that says a flood once a minute, not once per
//! message. Both take the time as an argument (real time: a rehearsal's
//! fast clock must not speed up what a peer may send), so they are tested
//! without waiting.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// `capacity` at once, then `per_sec` a second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TokenBucket {
    capacity: f64,
    per_sec: f64,
    tokens: f64,
    last: Option<Instant>,
}

impl TokenBucket {
    pub fn new(capacity: u32, per_sec: f64) -> TokenBucket {
        TokenBucket {
            capacity: capacity.max(1) as f64,
            per_sec: per_sec.max(0.0),
            tokens: capacity.max(1) as f64,
            last: None,
        }
    }

    /// Take one at `now`; false when the bucket is empty.
    pub fn take(&mut self, now: Instant) -> bool {
        if let Some(last) = self.last {
            let gained = now.saturating_duration_since(last).as_secs_f64() * self.per_sec;
            self.tokens = (self.tokens + gained).min(self.capacity);
        }
        self.last = Some(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Full again (nothing taken for long enough).
    pub fn is_full(&self, now: Instant) -> bool {
        match self.last {
            None => true,
            Some(last) => {
                self.tokens + now.saturating_duration_since(last).as_secs_f64() * self.per_sec
                    >= self.capacity
            }
        }
    }
}

/// Keys (peer and reason) the log tracks in one period; the rest are
/// counted together.
const MAX_KEYS: usize = 64;

/// Refusals said once a period per peer and reason: the first at once, the
/// rest as one count when the period ends.
#[derive(Debug, Clone)]
pub struct FloodLog {
    period: Duration,
    started: Option<Instant>,
    counts: BTreeMap<(String, &'static str), (u64, String)>,
    others: u64,
}

impl FloodLog {
    pub fn new(period: Duration) -> FloodLog {
        FloodLog {
            period,
            started: None,
            counts: BTreeMap::new(),
            others: 0,
        }
    }

    /// Count a refusal of a report from `who` (`code`: why, `message`: the
    /// sentence). The lines to log now: the counts of a period that ended,
    /// and this refusal if it is the first of its kind this period.
    pub fn refused(
        &mut self,
        now: Instant,
        who: &str,
        code: &'static str,
        message: &str,
    ) -> Vec<String> {
        let mut lines = self.tick(now);
        self.started.get_or_insert(now);
        let key = (who.to_string(), code);
        if let Some((count, _)) = self.counts.get_mut(&key) {
            *count += 1;
        } else if self.counts.len() >= MAX_KEYS {
            self.others += 1;
        } else {
            self.counts.insert(key, (1, message.to_string()));
            lines.push(format!(
                "refused a report from {who}: {message} (more like it are counted and said once every {} s)",
                self.period.as_secs()
            ));
        }
        lines
    }

    /// The counts of a period that has ended by `now`, one line each.
    pub fn tick(&mut self, now: Instant) -> Vec<String> {
        let Some(started) = self.started else {
            return Vec::new();
        };
        if now.saturating_duration_since(started) < self.period {
            return Vec::new();
        }
        let secs = self.period.as_secs();
        let mut lines: Vec<String> = std::mem::take(&mut self.counts)
            .into_iter()
            .filter(|(_, (count, _))| *count > 1)
            .map(|((who, _), (count, message))| {
                format!(
                    "refused {} more reports from {who} in the last {secs} s: {message}",
                    count - 1
                )
            })
            .collect();
        if self.others > 0 {
            lines.push(format!(
                "refused {} reports from other peers in the last {secs} s",
                self.others
            ));
        }
        self.others = 0;
        self.started = None;
        lines
    }
}
