//! The control panel's PIN: hashed with argon2id, verified, and the lock
//! (idle lock, a growing wait after wrong tries).

use super::edits::at;
use argon2::Params;
use jiff::SignedDuration;
use kiosk_core::pin::{
    check_hash, check_pin, hash_pin, hash_pin_with, verify_pin, Lock, LockPolicy, PinBackoff,
    PinError, UnlockError,
};
use kiosk_core::store::Store;

/// A cheap cost so the tests are fast; verification reads it from the hash.
fn cheap(pin: &str) -> String {
    hash_pin_with(pin, Params::new(64, 1, 1, None).unwrap()).unwrap()
}

#[test]
fn pins_are_hashed_with_argon2id_and_verified() {
    let hash = hash_pin("246813").unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert!(verify_pin("246813", &hash).unwrap());
    assert!(!verify_pin("246814", &hash).unwrap());
    let h1 = cheap("correct horse");
    assert_ne!(h1, cheap("correct horse"), "salted");
    assert!(verify_pin("correct horse", &h1).unwrap());
    assert_eq!(hash_pin("123").unwrap_err(), PinError::TooShort);
    // At least six characters; six digits are enough.
    assert_eq!(hash_pin("12345").unwrap_err(), PinError::TooShort);
    assert_eq!(hash_pin("abcde").unwrap_err(), PinError::TooShort);
    assert!(check_pin("123456").is_ok());
    assert!(check_pin("horses").is_ok());
    assert_eq!(check_pin(&"x".repeat(129)), Err(PinError::TooLong));
    assert_eq!(check_hash("1234").unwrap_err().code(), "bad_pin_hash");
    assert!(verify_pin("1234", "$2b$12$abcdefghijklmnopqrstuv").is_err());
}

#[test]
fn ten_wrong_pins_keep_it_locked_with_a_growing_wait() {
    let mut lock = Lock::new(Some(cheap("246813")), LockPolicy::default());
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
                        lock.unlock("246813", half),
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
    lock.unlock("246813", now).unwrap();
    assert!(lock.is_unlocked(now));
    assert_eq!(lock.failures(), 0);
}

#[test]
fn it_locks_itself_after_five_idle_minutes() {
    let mut lock = Lock::new(Some(cheap("246813")), LockPolicy::default());
    let t0 = at("09:00");
    lock.unlock("246813", t0).unwrap();
    assert_eq!(lock.locks_at(t0), Some(at("09:05")));
    assert!(lock.touch(at("09:04")));
    assert!(lock.is_unlocked(at("09:08")));
    assert!(!lock.is_unlocked(at("09:09")));
    assert!(!lock.touch(at("09:09")));
    assert!(!lock.is_unlocked(at("09:09:01")));
    lock.unlock("246813", at("09:10")).unwrap();
    lock.lock();
    assert!(!lock.is_unlocked(at("09:10")));
    // No PIN configured: it cannot be unlocked.
    let mut none = Lock::new(None, LockPolicy::default());
    assert_eq!(none.unlock("246813", t0).unwrap_err().code(), "no_pin");
}

/// The wrong-PIN streak outlives a restart: a lock made again from the
/// same store file (as the kiosk makes it at start) still waits, and
/// the next wrong try waits longer.
#[test]
fn the_back_off_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let hash = cheap("246813");
    let mut now = at("09:00");
    let mut last_wait = None;
    for attempt in 1..=5u32 {
        // A fresh process: the store reopened, the lock rebuilt from it.
        let mut store = Store::open(&path).unwrap();
        let mut lock = Lock::with_backoff(
            Some(hash.clone()),
            LockPolicy::default(),
            store.pin_backoff().unwrap(),
        );
        assert_eq!(lock.failures(), attempt - 1, "try {attempt}");
        if let Some(wait_until) = last_wait {
            // Restarted before the wait ended: still refused, unchecked.
            assert_eq!(
                lock.unlock("246813", now),
                Err(UnlockError::TooSoon {
                    retry_after: wait_until
                }),
                "try {attempt}"
            );
            now = wait_until;
        }
        let refused = lock.unlock("000000", now).unwrap_err();
        store.save_pin_backoff(&lock.backoff()).unwrap();
        last_wait = refused.retry_after();
    }
    let stored = Store::open(&path).unwrap().pin_backoff().unwrap();
    assert_eq!(stored.failures, 5);
    assert_eq!(stored.retry_after, Some(now + SignedDuration::from_secs(4)));
    // The right PIN, once the wait is over, clears the stored streak.
    let mut store = Store::open(&path).unwrap();
    let mut lock = Lock::with_backoff(Some(hash), LockPolicy::default(), stored);
    lock.unlock("246813", stored.retry_after.unwrap()).unwrap();
    store.save_pin_backoff(&lock.backoff()).unwrap();
    assert_eq!(store.pin_backoff().unwrap(), PinBackoff::default());
}
