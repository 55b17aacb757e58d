//! When a source is checked next: at the poll interval, after a held
//! long-poll at once (bounded), after failures with a back-off.

use std::time::Duration;

use crate::fetch;

/// A check answered by a server that holds requests (a leader's long-poll).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    /// How long the server said it holds a request for the version we have.
    pub hold: Duration,
    /// The answer brought a new version (else it was a 304).
    pub changed: bool,
}

/// The longest wait after failures.
pub const MAX_BACKOFF: Duration = Duration::from_secs(600);

/// The least time between the starts of two checks of a source, however
/// its server answers: a server that says it holds requests but answers
/// at once cannot make a follower ask in a tight loop.
pub const MIN_CHECK_GAP: Duration = Duration::from_millis(250);

/// How long a source waits before its next check, after `failures` failed
/// checks in a row (the last one's `error`), the last check having taken
/// `took`; `held` when a leader's feed server said it holds requests.
///
/// - Held, and it was: the answer brought a change, or was a 304 after at
///   least half the advertised hold. Asked again at once (not before
///   [`MIN_CHECK_GAP`] from the last start), so a follower is always
///   waiting on its leader and a change reaches it as it is made, whatever
///   `interval` says.
/// - Held claimed but a 304 came early: the server did not hold it, so
///   it is polled like any other.
/// - Working otherwise: one check per `interval`, the time it took included.
/// - A feed refused (unsigned, another key, a replay): again after
///   `interval`. Someone else answers at the leader's address; the leader
///   may win it back any moment, and a check costs little.
/// - Any other failure: the jittered exponential back-off from `interval`
///   up to [`MAX_BACKOFF`], or what the server asked in `Retry-After`.
pub fn next_check_in(
    failures: u32,
    error: Option<&crate::Error>,
    took: Duration,
    held: Option<Held>,
    interval: Duration,
) -> Duration {
    match (failures, error) {
        (0, _) => match held {
            Some(h) if h.changed || took >= h.hold / 2 => {
                MIN_CHECK_GAP.min(interval).saturating_sub(took)
            }
            _ => interval.saturating_sub(took),
        },
        (_, Some(crate::Error::Feed { .. })) => interval,
        (n, error) => {
            let asked = match error {
                Some(crate::Error::Fetch { retry_after, .. }) => *retry_after,
                _ => None,
            };
            fetch::backoff(n - 1, asked, interval, MAX_BACKOFF.max(interval))
        }
    }
}
