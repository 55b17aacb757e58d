//! What the leader publishes, and how each version is made.

use std::sync::Arc;

use bytes::Bytes;
use sha2::{Digest, Sha256};
use tokio::sync::watch;

use super::{Feed, SigningKey};
use crate::model::Schedule;
use crate::store::Store;

/// One published version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current {
    pub version: u64,
    /// The hash of the feed document the signature covers (quoted).
    pub etag: String,
    /// What is served: the signed envelope, or the document when unsigned.
    pub bytes: Bytes,
}

/// The ETag of a feed document: its SHA-256 (the first 128 bits), quoted.
/// The same content at the same version has the same ETag, whoever serves
/// it and however often the leader restarted.
pub fn etag_of(document: &[u8]) -> String {
    format!("\"{}\"", hex(&Sha256::digest(document)[..16]))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the server serves now. Held requests wait on a
/// [`watch`] channel, so a change wakes every one of them at once, on the
/// server's runtime, without a thread each.
pub struct Published {
    tx: watch::Sender<Option<Arc<Current>>>,
}

impl Published {
    /// Nothing published yet (requests get a 503 until then).
    pub fn new() -> Arc<Published> {
        Arc::new(Published {
            tx: watch::Sender::new(None),
        })
    }

    /// Publish `bytes` as `version` with `etag`; ignored unless newer than
    /// what is published. True if it was published.
    pub fn set(&self, version: u64, etag: String, bytes: Vec<u8>) -> bool {
        self.tx.send_if_modified(|current| {
            if current.as_ref().is_some_and(|c| c.version >= version) {
                return false;
            }
            *current = Some(Arc::new(Current {
                version,
                etag,
                bytes: Bytes::from(bytes),
            }));
            true
        })
    }

    pub fn current(&self) -> Option<Arc<Current>> {
        self.tx.borrow().clone()
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<Option<Arc<Current>>> {
        self.tx.subscribe()
    }
}

/// Makes each version of the feed from what the screens show: a new
/// version only when the content changed, numbered by publish time in
/// milliseconds (and always above the last, kept in the store, so a
/// restarted leader never goes back), signed when a key is configured.
pub struct Publisher {
    published: Arc<Published>,
    key: Option<SigningKey>,
}

impl Publisher {
    pub fn new(published: Arc<Published>, key: Option<SigningKey>) -> Publisher {
        Publisher { published, key }
    }

    pub fn published(&self) -> &Arc<Published> {
        &self.published
    }

    pub fn signed(&self) -> bool {
        self.key.is_some()
    }

    /// Publish `schedule` and `notices`; the version published if it is a
    /// new one.
    pub fn publish(
        &self,
        store: &mut Store,
        schedule: Schedule,
        notices: super::Notices,
    ) -> crate::Result<Option<u64>> {
        let content = Feed::new(0, schedule, notices);
        let digest = hex(&Sha256::digest(content.to_bytes()));
        let version = match store.published_feed()? {
            Some((version, last)) if last == digest => version,
            last => {
                let now_ms = jiff::Timestamp::now().as_millisecond().max(0) as u64;
                let version = now_ms.max(last.map_or(0, |(v, _)| v.saturating_add(1)));
                store.record_published_feed(version, &digest)?;
                version
            }
        };
        if self
            .published
            .current()
            .is_some_and(|c| c.version == version)
        {
            return Ok(None);
        }
        let document = Feed { version, ..content }.to_bytes();
        let etag = etag_of(&document);
        let bytes = match &self.key {
            Some(key) => key
                .seal(&document, version)
                .map_err(|source| crate::Error::Feed {
                    origin: "the published feed".into(),
                    source,
                })?,
            None => document,
        };
        Ok(self.published.set(version, etag, bytes).then_some(version))
    }
}
