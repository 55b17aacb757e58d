//! Clocks: the real one, a fixed one (tests), and an accelerated one that
//! starts at a chosen instant and runs N times faster (rehearsals, demos, tests).

use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};

pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;

    /// Clock seconds per real second.
    fn speed(&self) -> f64 {
        1.0
    }

    /// How long, in real time, until this clock reads `t` (zero if it has).
    fn real_duration_until(&self, t: Timestamp) -> Duration {
        let ahead = t.duration_since(self.now());
        if ahead <= SignedDuration::ZERO {
            return Duration::ZERO;
        }
        Duration::from_secs_f64(ahead.as_secs_f64() / self.speed())
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// Always the same instant.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }

    fn real_duration_until(&self, _t: Timestamp) -> Duration {
        // A fixed clock never gets there; a long wait keeps a ticker quiet.
        Duration::from_secs(3600)
    }
}

/// Reads `start` at creation and then runs `speed` times faster than real time.
#[derive(Debug, Clone, Copy)]
pub struct AcceleratedClock {
    start: Timestamp,
    started: Instant,
    speed: f64,
}

impl AcceleratedClock {
    /// `speed` must be positive and finite; it is clamped to [0.001, 100000].
    pub fn new(start: Timestamp, speed: f64) -> Self {
        let speed = if speed.is_finite() {
            speed.clamp(0.001, 100_000.0)
        } else {
            1.0
        };
        AcceleratedClock {
            start,
            started: Instant::now(),
            speed,
        }
    }
}

impl Clock for AcceleratedClock {
    fn now(&self) -> Timestamp {
        let real = self.started.elapsed().as_secs_f64();
        let simulated =
            SignedDuration::try_from_secs_f64(real * self.speed).unwrap_or(SignedDuration::MAX);
        self.start
            .saturating_add(simulated)
            .expect("a signed duration within range")
    }

    fn speed(&self) -> f64 {
        self.speed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accelerated_clock_runs_faster_and_waits_shorter() {
        let start: Timestamp = "2020-02-26T14:00:00Z".parse().unwrap();
        let clock = AcceleratedClock::new(start, 600.0);
        let target = start + SignedDuration::from_mins(10);
        let wait = clock.real_duration_until(target);
        assert!(wait <= Duration::from_secs(1), "{wait:?}");
        assert!(wait > Duration::from_millis(900), "{wait:?}");
        std::thread::sleep(Duration::from_millis(50));
        let moved = clock.now().duration_since(start);
        assert!(moved >= SignedDuration::from_secs(30), "{moved:?}");
    }

    #[test]
    fn fixed_clock_stands_still() {
        let at: Timestamp = "2020-02-26T14:00:00Z".parse().unwrap();
        assert_eq!(FixedClock(at).now(), at);
    }
}
