//! USB bundles: a manifest of files with sizes and SHA-256 sums, optionally
//! signed; checked, staged and applied at most once (issue 7).
