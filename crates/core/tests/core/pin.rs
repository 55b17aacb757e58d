//! The control panel's PIN: hashed with argon2id, verified, and the lock
//! (idle lock, a growing wait after wrong tries).

use super::edits::at;
use argon2::Params;
use jiff::SignedDuration;
use kiosk_core::pin::{
    check_hash, hash_pin, hash_pin_with, verify_pin, Lock, LockPolicy, PinError, UnlockError,
};

/// A cheap cost so the tests are fast; verification reads it from the hash.
fn cheap(pin: &str) -> String {
    hash_pin_with(pin, Params::new(64, 1, 1, None).unwrap()).unwrap()
}

#[test]
fn pins_are_hashed_with_argon2id_and_verified() {
    let hash = hash_pin("2468").unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert!(verify_pin("2468", &hash).unwrap());
    assert!(!verify_pin("2469", &hash).unwrap());
    let h1 = cheap("correct horse");
    assert_ne!(h1, cheap("correct horse"), "salted");
    assert!(verify_pin("correct horse", &h1).unwrap());
    assert_eq!(hash_pin("123").unwrap_err(), PinError::TooShort);
    assert_eq!(check_hash("1234").unwrap_err().code(), "bad_pin_hash");
    assert!(verify_pin("1234", "$2b$12$abcdefghijklmnopqrstuv").is_err());
}

#[test]
fn ten_wrong_pins_keep_it_locked_with_a_growing_wait() {
    let mut lock = Lock::new(Some(cheap("2468")), LockPolicy::default());
    let mut now = at("09:00");
    let mut waits = Vec::new();
    for i in 1..=10 {
        match lock.unlock("0000", now) {
            Err(UnlockError::WrongPin {
                failures,
                retry_after,
            }) => {
                assert_eq!(failures, i);
                let wait = retry_after
                    .map(|t| t.duration_since(now).as_secs())
                    .unwrap_or(0);
                waits.push(wait);
                if let Some(t) = retry_after {
                    // The right PIN is refused, unchecked, until then.
                    let half = now
                        + SignedDuration::from_millis(t.duration_since(now).as_millis() as i64 / 2);
                    assert_eq!(
                        lock.unlock("2468", half),
                        Err(UnlockError::TooSoon { retry_after: t })
                    );
                    now = t;
                }
            }
            other => panic!("try {i}: {other:?}"),
        }
        assert!(!lock.is_unlocked(now));
    }
    assert_eq!(waits, [0, 0, 1, 2, 4, 8, 16, 32, 64, 128]);
    assert_eq!(lock.failures(), 10);
    // The wait is capped at 5 minutes.
    let policy = LockPolicy::default();
    assert_eq!(policy.backoff(30), SignedDuration::from_mins(5));
    // Once the wait is over, the right PIN unlocks and the count resets.
    lock.unlock("2468", now).unwrap();
    assert!(lock.is_unlocked(now));
    assert_eq!(lock.failures(), 0);
}

#[test]
fn it_locks_itself_after_five_idle_minutes() {
    let mut lock = Lock::new(Some(cheap("2468")), LockPolicy::default());
    let t0 = at("09:00");
    lock.unlock("2468", t0).unwrap();
    assert_eq!(lock.locks_at(t0), Some(at("09:05")));
    assert!(lock.touch(at("09:04")));
    assert!(lock.is_unlocked(at("09:08")));
    assert!(!lock.is_unlocked(at("09:09")));
    assert!(!lock.touch(at("09:09")));
    assert!(!lock.is_unlocked(at("09:09:01")));
    lock.unlock("2468", at("09:10")).unwrap();
    lock.lock();
    assert!(!lock.is_unlocked(at("09:10")));
    // No PIN configured: it cannot be unlocked.
    let mut none = Lock::new(None, LockPolicy::default());
    assert_eq!(none.unlock("2468", t0).unwrap_err().code(), "no_pin");
}
