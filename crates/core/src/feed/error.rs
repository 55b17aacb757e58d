//! Why a feed was refused (by a follower) or could not be published (by a
//! leader). Shown in the sync state and the log after the source's name.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    #[error(
        "the feed is not signed, and this kiosk follows only feeds signed by one of its trusted_keys"
    )]
    Unsigned,
    #[error("the feed is signed by key {key_id}, which this kiosk does not trust")]
    UntrustedKey { key_id: String },
    #[error("the feed's signature does not hold for key {key_id}: {message}")]
    BadSignature { key_id: String, message: String },
    #[error("the feed's signature does not parse: {0}")]
    MalformedSignature(String),
    #[error(
        "this plain-http source did not answer with a feed; with trusted_keys configured, an \
         http:// source must be a signed feed (anyone on the network can answer for it): \
         use https:// for other schedules"
    )]
    NotAFeed,
    #[error("not a feed envelope: {message}")]
    Malformed { message: String },
    #[error(
        "the feed is version {version}, older than version {newest} already accepted from this source; \
         refused as a replay"
    )]
    Replayed { version: u64, newest: u64 },
    #[error("key {path}: {message}")]
    Key { path: String, message: String },
}

impl FeedError {
    pub fn code(&self) -> &'static str {
        match self {
            FeedError::Unsigned => "feed_unsigned",
            FeedError::UntrustedKey { .. } => "feed_untrusted_key",
            FeedError::BadSignature { .. } | FeedError::MalformedSignature(_) => {
                "feed_bad_signature"
            }
            FeedError::Malformed { .. } => "feed_malformed",
            FeedError::NotAFeed => "feed_expected",
            FeedError::Replayed { .. } => "feed_replayed",
            FeedError::Key { .. } => "feed_key",
        }
    }
}
