//! The sync sources as the shell knows them: each one's state (also kept in
//! the store), when it is checked next, which one the shown schedule came
//! from, and the organizer's choice. Which source may replace the shown
//! schedule is kiosk-core's rule ([`kiosk_core::sync::may_replace`]).

use std::sync::RwLock;
use std::time::Duration;

use jiff::Timestamp;
use kiosk_core::model::Schedule;
use kiosk_core::sync::{may_replace, ImportSummary, SyncState};

use super::Kiosk;
use crate::locks::{lock, read, write};

#[derive(Debug, Default)]
pub(super) struct Sources {
    inner: RwLock<Inner>,
    offline_after: Duration,
}

#[derive(Debug, Default)]
struct Inner {
    /// In priority order (first wins).
    list: Vec<Entry>,
    /// The source the shown schedule came from.
    active: Option<usize>,
    /// A source the organizer chose to use while it works.
    preferred: Option<usize>,
}

#[derive(Debug, Clone)]
struct Entry {
    state: SyncState,
    next_check: Option<Timestamp>,
}

/// A source as the control panel lists it.
#[derive(Debug, Clone)]
pub struct SourceView {
    pub state: SyncState,
    pub active: bool,
    pub next_check: Option<Timestamp>,
}

impl Sources {
    pub(super) fn offline_after(&self) -> Duration {
        self.offline_after
    }

    /// The state of the source the shown schedule came from (else the first).
    pub(super) fn shown_state(&self) -> Option<SyncState> {
        let inner = read(&self.inner);
        let index = inner.active.unwrap_or(0);
        inner.list.get(index).map(|e| e.state.clone())
    }
}

impl Kiosk {
    /// Sync from `sources` (names, first = highest priority); show the
    /// offline badge once the source in use has failed for `offline_after`.
    pub fn with_sources(
        mut self,
        sources: Vec<String>,
        offline_after: Duration,
    ) -> kiosk_core::Result<Kiosk> {
        let list = {
            let store = lock(&self.store);
            sources
                .iter()
                .map(|name| {
                    Ok(Entry {
                        state: store.sync_state(name)?,
                        next_check: None,
                    })
                })
                .collect::<kiosk_core::Result<Vec<Entry>>>()?
        };
        self.sources = Sources {
            inner: RwLock::new(Inner {
                list,
                ..Inner::default()
            }),
            offline_after,
        };
        Ok(self)
    }

    /// The state of the source the shown schedule came from, and whether
    /// it has failed for `offline_after` (the badge is on screen); `None`
    /// when the kiosk follows no source.
    pub fn shown_sync(&self) -> Option<(SyncState, bool)> {
        let state = self.sources.shown_state()?;
        let offline = state.offline(self.clock().now(), self.sources.offline_after());
        Some((state, offline))
    }

    fn index_of(&self, source: &str) -> Option<usize> {
        read(&self.sources.inner)
            .list
            .iter()
            .position(|e| e.state.source == source)
    }

    pub fn sync_state(&self, source: &str) -> SyncState {
        let inner = read(&self.sources.inner);
        inner
            .list
            .iter()
            .find(|e| e.state.source == source)
            .map(|e| e.state.clone())
            .unwrap_or_else(|| SyncState {
                source: source.to_string(),
                ..SyncState::default()
            })
    }

    /// Every source, in priority order, as the panel shows it.
    pub fn source_views(&self) -> Vec<SourceView> {
        let inner = read(&self.sources.inner);
        inner
            .list
            .iter()
            .enumerate()
            .map(|(i, e)| SourceView {
                state: e.state.clone(),
                active: inner.active == Some(i),
                next_check: e.next_check,
            })
            .collect()
    }

    /// Remember a source's state, in memory and in the store, and let the
    /// screen show (or drop) the offline badge.
    pub fn record_sync(&self, state: SyncState) -> kiosk_core::Result<()> {
        lock(&self.store).save_sync_state(&state)?;
        if let Some(e) = write(&self.sources.inner)
            .list
            .iter_mut()
            .find(|e| e.state.source == state.source)
        {
            e.state = state;
        }
        self.wake_ticker();
        Ok(())
    }

    /// When the sync thread checks `source` next (kiosk clock).
    pub fn set_next_check(&self, source: &str, at: Timestamp) {
        if let Some(e) = write(&self.sources.inner)
            .list
            .iter_mut()
            .find(|e| e.state.source == source)
        {
            e.next_check = Some(at);
        }
    }

    /// Apply a schedule from source `index` unless a higher-priority source
    /// that still works supplied the one shown. `Ok(None)`: not applied.
    pub fn apply_from(
        &self,
        index: usize,
        schedule: Schedule,
        source: &str,
    ) -> kiosk_core::Result<Option<ImportSummary>> {
        let allowed = {
            let inner = read(&self.sources.inner);
            let works = inner
                .active
                .and_then(|a| inner.list.get(a))
                .is_none_or(|e| e.state.failures == 0);
            may_replace(index, inner.active, inner.preferred, works)
        };
        if !allowed {
            return Ok(None);
        }
        // Shown with the organizer's local changes re-applied on top.
        let summary = self.change(|store| store.apply(&schedule, source))?;
        write(&self.sources.inner).active = Some(index);
        self.wake_ticker();
        Ok(Some(summary))
    }

    /// Use `source` while it works, whatever its priority; its next check
    /// applies its schedule. False if there is no such source.
    pub fn prefer_source(&self, source: &str) -> kiosk_core::Result<bool> {
        let Some(index) = self.index_of(source) else {
            return Ok(false);
        };
        write(&self.sources.inner).preferred = Some(index);
        let mut state = self.sync_state(source);
        state.fingerprint = None;
        state.validator = Default::default();
        self.record_sync(state)?;
        self.poke_source(source);
        Ok(true)
    }
}
