//! The shell's one policy for poisoned locks: recover. A panic while a lock
//! was held leaves nothing half-written that we rely on (the store's
//! transactions roll back; shown state is swapped whole), so the next user
//! takes the lock as it is rather than bringing the kiosk down. kiosk-core's
//! photo library does the same with the store's mutex.

use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) fn read<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) fn write<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(PoisonError::into_inner)
}
