//! The photo ingest through the real binary: `photo render`, `photos ingest` and `photos list`, and bad photos quarantined.
