//! The feed: serving (token, long-poll, read-only), parsing and following.
