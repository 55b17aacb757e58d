//! USB bundles: make, check, stage and apply, and hostile bundles.
