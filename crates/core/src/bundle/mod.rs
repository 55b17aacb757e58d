//! USB bundles: a manifest of files with sizes and SHA-256 sums, optionally
//! signed; checked, staged and applied at most once (issue 7).
//!
//! The venue tech walks from screen to screen with a stick holding a
//! `summit-kiosk/` folder (`docs/bundle-format.md`):
//! - [`make`] writes one: the schedule (validated first), photos, the
//!   manifest, and a minisign signature if asked.
//! - [`find_bundles`] finds sticks that hold one under the usual mount roots.
//! - [`check`] validates one without applying it: the manifest (bounded,
//!   names, counts, sizes), the signature, the [`Policy`], every file (a
//!   regular file reached without links, its size, its SHA-256) and a dry run
//!   of the schedule.
//! - [`stage`] copies exactly the named files into a private folder,
//!   verifying them again on the way; on failure nothing is left.
//! - [`apply`] validates the staged schedule again, stores it (one
//!   transaction) and records the bundle, at most once per bundle id (the
//!   SHA-256 of the manifest bytes).
//! - [`process`] does all of that for one stick, recording refusals that
//!   would never change; [`report_text`] and [`write_report`] leave a note
//!   on the stick.

mod apply;
mod check;
mod detect;
mod error;
mod files;
mod make;
pub mod manifest;
mod report;
mod sign;
mod stage;

pub use apply::{apply, process, process_shared, Applied, ApplyOutcome, Settings, StoreAccess};
pub use check::{check, locate, CheckedBundle, Current, Policy, PolicyMode};
pub use detect::{default_mount_roots, find_bundles, MAX_ENTRIES_PER_ROOT};
pub use error::BundleError;
pub use files::{open_regular, Opener, SafeOpener};
pub use make::{make, MadeBundle};
pub use manifest::{check_name, FileEntry, FileKind, Manifest};
pub use report::{report_text, safe_host, write_report};
pub use sign::{generate_keypair, load_secret_key, parse_keys, SignatureState};
pub use stage::{clean_staging, stage, StagedBundle};

/// The folder at the top of a stick.
pub const BUNDLE_DIR: &str = "summit-kiosk";
/// The manifest, in the bundle folder.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The minisign signature of the manifest bytes, in the bundle folder.
pub const SIGNATURE_FILE: &str = "manifest.json.minisig";
/// Where kiosks leave their reports, in the bundle folder.
pub const REPORTS_DIR: &str = "reports";
/// The manifest format this kiosk reads and writes.
pub const FORMAT_VERSION: u32 = 1;
/// Bytes of the manifest (and of its signature), checked before reading.
pub const MAX_MANIFEST_BYTES: u64 = 1 << 20;
