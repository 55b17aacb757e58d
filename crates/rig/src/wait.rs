//! Waiting on something a person or a program could observe (a log line, a
//! port that answers, a file, a process gone), never on a fixed sleep.

use std::time::{Duration, Instant};

use crate::{Error, Result};

/// Poll `ready` every 50 ms until it holds; how long that took, or a
/// [`Error::Timeout`] naming `what` after `limit`.
pub fn wait_until(limit: Duration, what: &str, ready: impl FnMut() -> bool) -> Result<Duration> {
    poll_until(limit, Duration::from_millis(50), what, ready)
}

/// [`wait_until`] polling every `every` (a timing that wants a finer grain).
pub fn poll_until(
    limit: Duration,
    every: Duration,
    what: &str,
    mut ready: impl FnMut() -> bool,
) -> Result<Duration> {
    let started = Instant::now();
    loop {
        if ready() {
            return Ok(started.elapsed());
        }
        if started.elapsed() >= limit {
            return Err(Error::Timeout {
                what: what.to_string(),
                after: limit,
            });
        }
        std::thread::sleep(every);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_condition_that_comes_true_is_waited_for() {
        let started = Instant::now();
        let took = wait_until(Duration::from_secs(5), "a quarter second", || {
            started.elapsed() >= Duration::from_millis(250)
        })
        .unwrap();
        assert!(took >= Duration::from_millis(250), "{took:?}");
        assert!(took < Duration::from_secs(2), "{took:?}");
    }

    #[test]
    fn a_condition_that_never_holds_times_out_naming_it() {
        let err = poll_until(
            Duration::from_millis(100),
            Duration::from_millis(10),
            "the moon to turn blue",
            || false,
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "the moon to turn blue: not after 0.1 s");
    }
}
