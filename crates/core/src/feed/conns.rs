//! The feed server's connections: a capped table where a new peer can
//! push out the oldest one that is not being answered (so 2,000 idle
//! attackers cannot lock out a real follower), and an I/O wrapper that
//! ends a connection whose peer stops taking what it is sent.

use std::collections::BTreeMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio::time::{Instant, Sleep};

/// What one connection is doing, shared with its table entry.
#[derive(Default)]
pub(crate) struct ConnState {
    /// Requests being answered now (a held long-poll is one).
    in_flight: AtomicUsize,
    /// It sent at least one complete request head.
    served: AtomicBool,
    /// Set when it is pushed out; its task ends at the next wake-up.
    pub(crate) evict: Notify,
}

impl ConnState {
    /// A request head arrived: the connection is busy until the guard drops.
    pub(crate) fn request(self: &Arc<ConnState>) -> InFlight {
        self.served.store(true, Ordering::Relaxed);
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        InFlight(self.clone())
    }

    fn idle(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) == 0
    }
}

pub(crate) struct InFlight(Arc<ConnState>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The open connections, oldest first (ids grow).
pub(crate) struct Table {
    cap: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    next: u64,
    open: BTreeMap<u64, Arc<ConnState>>,
}

/// A place in the table; dropping it (the connection's task ended, even by
/// a panic) frees the place.
pub(crate) struct Ticket {
    table: Arc<Table>,
    id: u64,
    pub(crate) state: Arc<ConnState>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.table.lock().open.remove(&self.id);
    }
}

impl Table {
    pub(crate) fn new(cap: usize) -> Arc<Table> {
        Arc::new(Table {
            cap: cap.max(1),
            inner: Mutex::new(Inner::default()),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().open.len()
    }

    /// A place for a new connection. When the table is full, the oldest
    /// connection that never sent a complete request is pushed out, else
    /// the oldest idle one between requests; `None` when every connection
    /// is being answered (the new one gets a 503).
    pub(crate) fn admit(self: &Arc<Table>) -> Option<Ticket> {
        let mut inner = self.lock();
        if inner.open.len() >= self.cap {
            let never_served = inner
                .open
                .iter()
                .find(|(_, s)| s.idle() && !s.served.load(Ordering::Relaxed));
            let victim = never_served
                .or_else(|| inner.open.iter().find(|(_, s)| s.idle()))
                .map(|(id, _)| *id)?;
            if let Some(state) = inner.open.remove(&victim) {
                state.evict.notify_one();
            }
        }
        let id = inner.next;
        inner.next += 1;
        let state = Arc::new(ConnState::default());
        inner.open.insert(id, state.clone());
        Some(Ticket {
            table: self.clone(),
            id,
            state,
        })
    }
}

/// A socket whose writes fail once the peer has taken nothing for
/// `stall`: a follower that stops reading cannot hold a connection (and
/// its response) forever.
pub(crate) struct StallGuard<T> {
    inner: T,
    stall: Duration,
    waiting: Option<Pin<Box<Sleep>>>,
}

impl<T> StallGuard<T> {
    pub(crate) fn new(inner: T, stall: Duration) -> StallGuard<T> {
        StallGuard {
            inner,
            stall,
            waiting: None,
        }
    }

    /// A write's outcome, failed if it has been pending for `stall`.
    fn guard(
        &mut self,
        cx: &mut Context<'_>,
        wrote: Poll<io::Result<usize>>,
    ) -> Poll<io::Result<usize>> {
        if wrote.is_ready() {
            self.waiting = None;
            return wrote;
        }
        let stall = self.stall;
        let sleep = self
            .waiting
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(Instant::now() + stall)));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the peer took nothing for too long",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for StallGuard<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for StallGuard<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let wrote = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.guard(cx, wrote)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let wrote = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.guard(cx, wrote)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
