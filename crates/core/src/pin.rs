//! The control panel's PIN (or passphrase) and its lock.
//!
//! The PIN is stored only as an argon2id PHC string (`$argon2id$v=19$…`,
//! the config's `control_pin_hash`), made by [`hash_pin`] and checked by
//! [`verify_pin`]. [`Lock`] is the control panel's lock as a pure state
//! machine (the clock is passed in): from the third wrong PIN in a row
//! ([`LockPolicy::free_tries`]) each makes the next try wait, 1 s and
//! doubling up to 5 minutes; the right PIN is refused too while it waits; after
//! [`LockPolicy::idle`] without [`Lock::touch`] it locks again.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use jiff::{SignedDuration, Timestamp};

/// The shortest PIN accepted (a digits-only PIN has at least this many
/// digits: a million combinations, with the back-off below).
pub const MIN_PIN_CHARS: usize = 6;
/// The longest passphrase accepted (argon2 takes any length; this bounds work).
pub const MAX_PIN_CHARS: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    #[error("the PIN must have at least {MIN_PIN_CHARS} characters")]
    TooShort,
    #[error("the PIN must have at most {MAX_PIN_CHARS} characters")]
    TooLong,
    #[error("control_pin_hash is not an argon2id PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash): {0}")]
    BadHash(String),
    #[error("cannot hash the PIN: {0}")]
    Hash(String),
}

impl PinError {
    pub fn code(&self) -> &'static str {
        match self {
            PinError::TooShort | PinError::TooLong => "weak_pin",
            PinError::BadHash(_) => "bad_pin_hash",
            PinError::Hash(_) => "pin_hash",
        }
    }
}

/// Whether `pin` may be set: [`MIN_PIN_CHARS`] to [`MAX_PIN_CHARS`] characters.
pub fn check_pin(pin: &str) -> Result<(), PinError> {
    let chars = pin.chars().count();
    if chars < MIN_PIN_CHARS {
        return Err(PinError::TooShort);
    }
    if chars > MAX_PIN_CHARS {
        return Err(PinError::TooLong);
    }
    Ok(())
}

/// Hash a PIN with argon2id and the crate's default cost (19 MiB, 2
/// passes, 1 lane: OWASP's recommendation) and a random salt; the result is
/// a PHC string for the config's `control_pin_hash`.
pub fn hash_pin(pin: &str) -> Result<String, PinError> {
    hash_pin_with(pin, Params::default())
}

/// [`hash_pin`] with an explicit cost (tests use a cheap one; verification
/// reads the cost back from the PHC string).
pub fn hash_pin_with(pin: &str, params: Params) -> Result<String, PinError> {
    check_pin(pin)?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PinError::Hash(e.to_string()))
}

/// Check that a stored hash is an argon2id PHC string (at config load).
pub fn check_hash(phc: &str) -> Result<(), PinError> {
    let hash = PasswordHash::new(phc.trim()).map_err(|e| PinError::BadHash(e.to_string()))?;
    if hash.algorithm.as_str() != "argon2id" {
        return Err(PinError::BadHash(format!(
            "the algorithm is {}, not argon2id",
            hash.algorithm
        )));
    }
    Ok(())
}

/// Whether `pin` is the one `phc` was made from (constant-time compare).
/// `Err` only when `phc` is not a valid argon2id PHC string.
pub fn verify_pin(pin: &str, phc: &str) -> Result<bool, PinError> {
    check_hash(phc)?;
    let hash = PasswordHash::new(phc.trim()).map_err(|e| PinError::BadHash(e.to_string()))?;
    if pin.chars().count() > MAX_PIN_CHARS {
        return Ok(false);
    }
    Ok(Argon2::default()
        .verify_password(pin.as_bytes(), &hash)
        .is_ok())
}

/// How the control panel's lock behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockPolicy {
    /// Locks again after this long without activity (default 5 minutes).
    pub idle: SignedDuration,
    /// Wrong tries in a row after which the next try must wait (default 3).
    pub free_tries: u32,
    /// The first wait (default 1 s); it doubles with each wrong try after.
    pub first_backoff: SignedDuration,
    /// The longest wait (default 5 minutes).
    pub max_backoff: SignedDuration,
}

impl Default for LockPolicy {
    fn default() -> Self {
        LockPolicy {
            idle: SignedDuration::from_mins(5),
            free_tries: 3,
            first_backoff: SignedDuration::from_secs(1),
            max_backoff: SignedDuration::from_mins(5),
        }
    }
}

impl LockPolicy {
    /// The wait after the `failures`-th wrong try in a row (zero while free).
    pub fn backoff(&self, failures: u32) -> SignedDuration {
        if failures < self.free_tries.max(1) {
            return SignedDuration::ZERO;
        }
        let doublings = (failures - self.free_tries.max(1)).min(30);
        let secs = self
            .first_backoff
            .as_secs()
            .saturating_mul(1i64 << doublings);
        SignedDuration::from_secs(secs).min(self.max_backoff)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnlockError {
    /// The PIN was wrong; with `retry_after`, the next try must wait until then.
    #[error("wrong PIN")]
    WrongPin {
        failures: u32,
        retry_after: Option<Timestamp>,
    },
    /// Tried while waiting after wrong tries; the PIN was not checked.
    #[error("too many wrong tries; wait until {retry_after}")]
    TooSoon { retry_after: Timestamp },
    /// No PIN is configured, or its hash is malformed: the panel stays locked.
    #[error("{0}")]
    NoPin(String),
}

impl UnlockError {
    pub fn code(&self) -> &'static str {
        match self {
            UnlockError::WrongPin { .. } => "wrong_pin",
            UnlockError::TooSoon { .. } => "retry_later",
            UnlockError::NoPin(_) => "no_pin",
        }
    }

    /// When a try may be made again, if it must wait.
    pub fn retry_after(&self) -> Option<Timestamp> {
        match self {
            UnlockError::WrongPin { retry_after, .. } => *retry_after,
            UnlockError::TooSoon { retry_after } => Some(*retry_after),
            UnlockError::NoPin(_) => None,
        }
    }
}

/// The wrong-PIN streak: kept in the store, so a restart (which an
/// attacker may be able to force) does not reset it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PinBackoff {
    /// Wrong tries in a row.
    pub failures: u32,
    /// No try is checked before this instant.
    pub retry_after: Option<Timestamp>,
}

/// The control panel's lock: starts locked.
#[derive(Debug, Clone)]
pub struct Lock {
    hash: Option<String>,
    policy: LockPolicy,
    /// The last activity while unlocked; `None`: locked.
    unlocked_at: Option<Timestamp>,
    failures: u32,
    retry_after: Option<Timestamp>,
}

impl Lock {
    /// A lock for the PIN hashed in `hash` (the config's `control_pin_hash`;
    /// `None`: no PIN configured, and the panel cannot be unlocked).
    pub fn new(hash: Option<String>, policy: LockPolicy) -> Lock {
        Lock {
            hash,
            policy,
            unlocked_at: None,
            failures: 0,
            retry_after: None,
        }
    }

    /// A lock that carries on a stored wrong-PIN streak.
    pub fn with_backoff(hash: Option<String>, policy: LockPolicy, backoff: PinBackoff) -> Lock {
        Lock {
            failures: backoff.failures,
            retry_after: backoff.retry_after,
            ..Lock::new(hash, policy)
        }
    }

    /// The wrong-PIN streak, to store after each try.
    pub fn backoff(&self) -> PinBackoff {
        PinBackoff {
            failures: self.failures,
            retry_after: self.retry_after,
        }
    }

    pub fn policy(&self) -> &LockPolicy {
        &self.policy
    }

    /// The PIN's hash, as configured.
    pub fn hash(&self) -> Option<&str> {
        self.hash.as_deref()
    }

    /// Try a PIN at `now`. While a wait is on, refused without checking.
    pub fn unlock(&mut self, pin: &str, now: Timestamp) -> Result<(), UnlockError> {
        if let Some(retry_after) = self.retry_after.filter(|t| now < *t) {
            return Err(UnlockError::TooSoon { retry_after });
        }
        let Some(hash) = &self.hash else {
            return Err(UnlockError::NoPin(
                "no control PIN is set: set control_pin_hash in the config".into(),
            ));
        };
        match verify_pin(pin, hash) {
            Err(e) => Err(UnlockError::NoPin(e.to_string())),
            Ok(true) => {
                self.failures = 0;
                self.retry_after = None;
                self.unlocked_at = Some(now);
                Ok(())
            }
            Ok(false) => {
                self.unlocked_at = None;
                self.failures = self.failures.saturating_add(1);
                let wait = self.policy.backoff(self.failures);
                self.retry_after = (!wait.is_zero()).then(|| now + wait);
                Err(UnlockError::WrongPin {
                    failures: self.failures,
                    retry_after: self.retry_after,
                })
            }
        }
    }

    /// Unlocked at `now`: unlocked and not idle for [`LockPolicy::idle`].
    pub fn is_unlocked(&self, now: Timestamp) -> bool {
        self.unlocked_at
            .is_some_and(|last| now.duration_since(last) < self.policy.idle)
    }

    /// Activity at `now` (each control panel command): keeps the panel
    /// unlocked; once idle too long it locks instead. Returns whether it is
    /// unlocked.
    pub fn touch(&mut self, now: Timestamp) -> bool {
        if self.is_unlocked(now) {
            self.unlocked_at = self.unlocked_at.max(Some(now));
            true
        } else {
            self.unlocked_at = None;
            false
        }
    }

    /// Lock now (the organizer's "lock" button).
    pub fn lock(&mut self) {
        self.unlocked_at = None;
    }

    /// Wrong tries in a row.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// When the next try is allowed, if it has to wait (as of `now`).
    pub fn retry_after(&self, now: Timestamp) -> Option<Timestamp> {
        self.retry_after.filter(|t| now < *t)
    }

    /// When it will lock for idleness, if unlocked at `now`.
    pub fn locks_at(&self, now: Timestamp) -> Option<Timestamp> {
        self.is_unlocked(now)
            .then(|| self.unlocked_at.map(|t| t + self.policy.idle))
            .flatten()
    }
}
