//! Checking a bundle on a stick without applying it: the manifest (bounded,
//! parsed, names and caps), the signature, the policy, then every file
//! (a regular file, its size, its SHA-256), then a dry run of the schedule.
//! Cheap refusals come first, so a refused stick costs little.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::files::{self, file_error, open_regular, read_capped};
use super::manifest::Manifest;
use super::sign::{self, SignatureState};
use super::{BundleError, BUNDLE_DIR, MANIFEST_FILE, MAX_MANIFEST_BYTES, SIGNATURE_FILE};
use crate::draft::Validated;
use crate::import::{self, ImportOptions};
use crate::store::Store;

/// Which bundles a kiosk accepts (the `[bundle]` table of its config).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyMode {
    /// Only bundles signed by a trusted key.
    Signed,
    /// Bundles for the conference shown, or any when none is (the default).
    #[default]
    SameConference,
    /// Any bundle.
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct Policy {
    pub mode: PolicyMode,
    /// The bundle's version must be above the last applied for its conference.
    pub require_newer: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            mode: PolicyMode::SameConference,
            require_newer: true,
        }
    }
}

/// What the kiosk holds, for the policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Current {
    /// The conference of the schedule shown, if any.
    pub conference_id: Option<String>,
    /// The highest bundle version applied for the bundle's conference
    /// ([`Store::latest_bundle_version`]).
    pub latest_version: Option<u64>,
}

impl Current {
    /// What `store` holds, for a bundle of `bundle_conference`.
    pub fn from_store(store: &Store, bundle_conference: &str) -> Result<Current, BundleError> {
        Ok(Current {
            conference_id: store.load()?.map(|s| s.conference.id),
            // A version beyond the cap (applied before the cap existed)
            // must not lock out every genuine stick after it.
            latest_version: store.latest_bundle_version_up_to(
                bundle_conference,
                super::manifest::max_version(jiff::Timestamp::now()),
            )?,
        })
    }
}

/// A bundle whose manifest, signature, policy and (once [`check`] returns
/// it) files were found good.
#[derive(Debug, Clone)]
pub struct CheckedBundle {
    /// The bundle folder (`…/summit-kiosk`).
    pub dir: PathBuf,
    pub manifest: Manifest,
    /// The exact manifest bytes (what the signature covers).
    pub manifest_bytes: Vec<u8>,
    /// Hex SHA-256 of the manifest bytes: the bundle's id in the store.
    pub id: String,
    pub signature: SignatureState,
    /// The policy it was checked under (applying checks the version again).
    pub policy: Policy,
    /// How its schedule is imported.
    pub import: ImportOptions,
}

/// Check the bundle at `path` (a stick's root, or its `summit-kiosk` folder)
/// without applying it. `trusted_keys` are minisign public keys; `current`
/// is what the kiosk holds (`None`: nothing).
pub fn check(
    path: &Path,
    policy: &Policy,
    trusted_keys: &[String],
    current: Option<&Current>,
    import: &ImportOptions,
) -> Result<CheckedBundle, BundleError> {
    let bundle = read(path, policy, trusted_keys, import)?;
    bundle.check_policy(current)?;
    bundle.check_files()?;
    Ok(bundle)
}

/// The bundle folder of `path`: `path/summit-kiosk`, or `path` itself if it
/// is that folder. A link in its place is refused.
pub fn locate(path: &Path) -> Result<PathBuf, BundleError> {
    let inside = path.join(BUNDLE_DIR);
    let candidates = [inside.as_path(), path];
    for dir in candidates {
        let is_bundle = std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
            && std::fs::symlink_metadata(dir.join(MANIFEST_FILE)).is_ok();
        if is_bundle && (dir != path || path.file_name() == Some(BUNDLE_DIR.as_ref())) {
            return Ok(dir.to_path_buf());
        }
    }
    if std::fs::symlink_metadata(&inside).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(BundleError::NotRegular {
            path: inside,
            reason: "the bundle folder is a symbolic link".into(),
        });
    }
    Err(BundleError::NoBundle {
        path: path.to_path_buf(),
    })
}

/// Read a bundle's manifest and signature and check them, not yet its files.
pub(crate) fn read(
    path: &Path,
    policy: &Policy,
    trusted_keys: &[String],
    import: &ImportOptions,
) -> Result<CheckedBundle, BundleError> {
    let trusted = sign::parse_keys(trusted_keys)?;
    let dir = locate(path)?;
    let manifest_path = dir.join(MANIFEST_FILE);
    let manifest_bytes = read_small(&dir, MANIFEST_FILE, MAX_MANIFEST_BYTES)?.ok_or_else(|| {
        BundleError::Missing {
            path: manifest_path.clone(),
        }
    })?;
    let manifest = Manifest::parse(&manifest_path, &manifest_bytes)?;
    let signature_bytes = read_small(&dir, SIGNATURE_FILE, sign::MAX_KEY_BYTES)?;
    let signature = sign::verify(
        &dir.join(SIGNATURE_FILE),
        &manifest_bytes,
        signature_bytes.as_deref(),
        &trusted,
    )?;
    Ok(CheckedBundle {
        id: files::sha256_hex(&manifest_bytes),
        dir,
        manifest,
        manifest_bytes,
        signature,
        policy: *policy,
        import: import.clone(),
    })
}

/// A small file of the bundle folder, or `None` if there is none.
fn read_small(dir: &Path, name: &str, limit: u64) -> Result<Option<Vec<u8>>, BundleError> {
    let path = dir.join(name);
    match open_regular(dir, name) {
        Ok((file, meta)) => read_capped(&path, file, &meta, limit).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(file_error(path, e)),
    }
}

impl CheckedBundle {
    /// The manifest's path, for messages.
    pub fn manifest_path(&self) -> PathBuf {
        self.dir.join(MANIFEST_FILE)
    }

    /// The signature requirement, the conference and the version.
    pub fn check_policy(&self, current: Option<&Current>) -> Result<(), BundleError> {
        let path = self.manifest_path();
        let signature_path = self.dir.join(SIGNATURE_FILE);
        if self.policy.mode == PolicyMode::Signed {
            match &self.signature {
                SignatureState::Trusted { .. } => {}
                SignatureState::Unsigned => {
                    return Err(BundleError::Unsigned {
                        path: signature_path,
                    })
                }
                SignatureState::Untrusted { key_id } => {
                    return Err(BundleError::UntrustedKey {
                        path: signature_path,
                        key_id: key_id.clone(),
                    })
                }
            }
        }
        let bundle = &self.manifest.conference.id;
        let loaded = current.and_then(|c| c.conference_id.as_ref());
        if let Some(loaded) = loaded.filter(|l| *l != bundle) {
            if self.policy.mode == PolicyMode::SameConference {
                return Err(BundleError::OtherConference {
                    path,
                    bundle: bundle.clone(),
                    loaded: loaded.clone(),
                });
            }
        }
        self.check_newer(current.and_then(|c| c.latest_version))
    }

    /// The version against the latest applied for the bundle's conference.
    pub fn check_newer(&self, latest: Option<u64>) -> Result<(), BundleError> {
        let version = self.manifest.bundle_version;
        match latest {
            Some(latest) if self.policy.require_newer && version <= latest => {
                Err(BundleError::NotNewer {
                    path: self.manifest_path(),
                    version,
                    latest,
                })
            }
            _ => Ok(()),
        }
    }

    /// Every file: a regular file of the declared size (checked before
    /// reading, so a huge or sparse file costs nothing) and SHA-256; then a
    /// dry run of the schedule.
    pub fn check_files(&self) -> Result<(), BundleError> {
        for entry in &self.manifest.files {
            let path = self.dir.join(&entry.path);
            let (mut file, meta) =
                open_regular(&self.dir, &entry.path).map_err(|e| file_error(path.clone(), e))?;
            if meta.len() != entry.size {
                return Err(files::size_mismatch(
                    &path,
                    entry,
                    format!("{} bytes", meta.len()),
                ));
            }
            files::verify_stream(&path, &mut file, entry, None)?;
        }
        dry_run(&self.dir, &self.manifest, &self.import).map(|_| ())
    }
}

/// Load and validate the schedule of `manifest` from the folder `dir`, and
/// check it is for the manifest's conference.
pub(crate) fn dry_run(
    dir: &Path,
    manifest: &Manifest,
    options: &ImportOptions,
) -> Result<Validated, BundleError> {
    let path = dir.join(&manifest.schedule().path);
    let (_, validated) = import::load_file(&path, options).map_err(|source| match source {
        crate::Error::Read { path, source } => BundleError::Io { path, source },
        source => BundleError::Schedule {
            path: path.clone(),
            source,
        },
    })?;
    let inside = &validated.schedule.conference.id;
    if *inside != manifest.conference.id {
        return Err(BundleError::Manifest {
            path: dir.join(super::MANIFEST_FILE),
            message: format!(
                "it is for conference {:?}, but its schedule is for {inside:?}",
                manifest.conference.id
            ),
        });
    }
    Ok(validated)
}
