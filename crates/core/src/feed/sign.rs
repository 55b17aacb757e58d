//! Signed feeds: the leader signs the exact feed document bytes with the
//! organizer's minisign key (the one `bundle keygen` makes), and both travel
//! in one self-contained JSON envelope, so a file written by `serve --write`
//! and put on any static server carries its signature too.
//!
//! ```json
//! {"format":"summit-kiosk-signed-feed/1","feed":"{\"format\":\"summit-kiosk-feed/1\",…}",
//!  "signature":"untrusted comment: …\nRW…\ntrusted comment: …\n…\n"}
//! ```
//!
//! `feed` is the document as a JSON string, so its bytes (what the signature
//! covers) survive the trip exactly. A follower with trusted keys ([`Trust`])
//! takes only envelopes whose signature holds for one of them.

use std::io::Cursor;
use std::path::Path;

use minisign::{PublicKey, SecretKey, SignatureBox};
use serde::{Deserialize, Serialize};

use super::FeedError;

/// The `format` of a signed envelope.
pub const SIGNED_FEED_FORMAT: &str = "summit-kiosk-signed-feed/1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub format: String,
    /// The feed document's exact bytes (UTF-8 JSON), as a string.
    pub feed: String,
    /// The minisign signature of `feed`'s bytes (the `.minisig` text).
    pub signature: String,
}

/// The organizer's secret key, loaded once at start.
pub struct SigningKey {
    key: SecretKey,
    /// Its id as minisign prints it, for the log.
    pub key_id: String,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({})", self.key_id)
    }
}

impl SigningKey {
    /// Load a minisign secret key file (unencrypted, or encrypted with
    /// `password`, e.g. from `SUMMIT_KIOSK_KEY_PASSWORD`).
    pub fn load(path: &Path, password: Option<String>) -> Result<SigningKey, FeedError> {
        let key = crate::bundle::load_secret_key(path, password).map_err(|e| FeedError::Key {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        let key_id = key_id(key.keynum());
        Ok(SigningKey { key, key_id })
    }

    /// Wrap `feed` (the document bytes) in a signed envelope.
    pub fn seal(&self, feed: &[u8], version: u64) -> Result<Vec<u8>, FeedError> {
        let text = std::str::from_utf8(feed).map_err(|_| FeedError::Malformed {
            message: "the feed document is not UTF-8".into(),
        })?;
        let signature = self.sign(feed, &format!("summit-kiosk feed version {version}"))?;
        let envelope = Envelope {
            format: SIGNED_FEED_FORMAT.into(),
            feed: text.to_string(),
            signature,
        };
        Ok(serde_json::to_vec(&envelope).expect("an envelope serializes"))
    }

    /// The minisign signature (the `.minisig` text) of `bytes`, with
    /// `comment` as its trusted comment.
    pub fn sign(&self, bytes: &[u8], comment: &str) -> Result<String, FeedError> {
        minisign::sign(None, &self.key, Cursor::new(bytes), Some(comment), None)
            .map(|s| s.into_string())
            .map_err(|e| FeedError::Key {
                path: self.key_id.clone(),
                message: format!("cannot sign: {e}"),
            })
    }
}

/// The keys a follower trusts (the config's `trusted_keys` and `[bundle]
/// trusted_keys`). With none, any feed is taken, signed or not.
#[derive(Clone, Default)]
pub struct Trust {
    keys: Vec<PublicKey>,
}

impl std::fmt::Debug for Trust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<String> = self.keys.iter().map(|k| key_id(k.keynum())).collect();
        write!(f, "Trust{ids:?}")
    }
}

impl Trust {
    /// Take any feed (a closed network; a warning is logged at start).
    pub fn none() -> Trust {
        Trust::default()
    }

    /// Trust feeds signed by any of `keys` (minisign public keys: the base64
    /// line, or the whole `.pub` text).
    pub fn from_keys(keys: &[String]) -> Result<Trust, FeedError> {
        let keys = crate::bundle::parse_keys(keys).map_err(|e| FeedError::Key {
            path: "trusted_keys".into(),
            message: e.to_string(),
        })?;
        Ok(Trust { keys })
    }

    /// Whether feeds must be signed.
    pub fn required(&self) -> bool {
        !self.keys.is_empty()
    }

    /// Check `signature` over `feed`: `Ok(Some(key id))` when it holds for a
    /// trusted key, `Ok(None)` when no key is trusted (not checked).
    pub fn verify(
        &self,
        feed: &[u8],
        signature: Option<&str>,
    ) -> Result<Option<String>, FeedError> {
        if !self.required() {
            return Ok(None);
        }
        let Some(signature) = signature else {
            return Err(FeedError::Unsigned);
        };
        let sig_box = SignatureBox::from_string(signature)
            .map_err(|e| FeedError::MalformedSignature(e.to_string()))?;
        let key_id = key_id(sig_box.keynum());
        let Some(key) = self.keys.iter().find(|k| k.keynum() == sig_box.keynum()) else {
            return Err(FeedError::UntrustedKey { key_id });
        };
        minisign::verify(key, &sig_box, Cursor::new(feed), true, false, false).map_err(|e| {
            FeedError::BadSignature {
                key_id: key_id.clone(),
                message: e.to_string(),
            }
        })?;
        Ok(Some(key_id))
    }
}

/// A key's id as minisign prints it.
pub fn key_id(keynum: &[u8]) -> String {
    let mut bytes = [0u8; 8];
    let n = keynum.len().min(8);
    bytes[..n].copy_from_slice(&keynum[..n]);
    format!("{:016X}", u64::from_le_bytes(bytes))
}
