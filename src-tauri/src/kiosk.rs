//! The app's state: the store (the one writer), the schedule it holds, the
//! clock, and which room this screen shows.

use std::sync::{mpsc, Arc, Mutex, RwLock};

use kiosk_core::clock::Clock;
use kiosk_core::model::Schedule;
use kiosk_core::snapshot::{display_snapshot, DisplaySnapshot, Selection};
use kiosk_core::store::Store;

pub struct Kiosk {
    store: Mutex<Store>,
    schedule: RwLock<Option<Schedule>>,
    revision: RwLock<i64>,
    clock: Arc<dyn Clock>,
    selection: Selection,
    /// Wakes the ticker when the schedule changes, so the screen follows at once.
    wake: Mutex<Option<mpsc::Sender<()>>>,
}

impl Kiosk {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        selection: Selection,
    ) -> kiosk_core::Result<Kiosk> {
        let schedule = store.load()?;
        let revision = store.revision()?;
        Ok(Kiosk {
            store: Mutex::new(store),
            schedule: RwLock::new(schedule),
            revision: RwLock::new(revision),
            clock,
            selection,
            wake: Mutex::new(None),
        })
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// What the display shows at this clock's now.
    pub fn snapshot(&self) -> DisplaySnapshot {
        let schedule = self.schedule.read().expect("schedule lock poisoned");
        let revision = *self.revision.read().expect("revision lock poisoned");
        display_snapshot(
            schedule.as_ref(),
            &self.selection,
            self.clock.now(),
            revision,
            self.clock.speed(),
        )
    }

    /// Store `schedule` as a new revision (one transaction) and show it.
    /// On error nothing changes, on screen or in the store.
    pub fn replace_schedule(&self, schedule: Schedule, source: &str) -> kiosk_core::Result<i64> {
        let revision = {
            let mut store = self.store.lock().expect("store lock poisoned");
            store.replace_schedule(&schedule, source)?
        };
        *self.schedule.write().expect("schedule lock poisoned") = Some(schedule);
        *self.revision.write().expect("revision lock poisoned") = revision;
        self.wake_ticker();
        Ok(revision)
    }

    pub(crate) fn set_waker(&self, tx: mpsc::Sender<()>) {
        *self.wake.lock().expect("wake lock poisoned") = Some(tx);
    }

    fn wake_ticker(&self) {
        if let Some(tx) = self.wake.lock().expect("wake lock poisoned").as_ref() {
            let _ = tx.send(());
        }
    }
}

impl Kiosk {
    /// True when `schedule` is not what the store already holds (so a restart
    /// with the same file does not make a new revision).
    pub fn stored_schedule_differs(&self, schedule: &Schedule) -> bool {
        self.schedule
            .read()
            .expect("schedule lock poisoned")
            .as_ref()
            != Some(schedule)
    }
}
