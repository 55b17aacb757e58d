//! Minisign signatures over the exact manifest bytes
//! (`summit-kiosk/manifest.json.minisig`).

use std::io::{Cursor, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use minisign::{KeyPair, PublicKey, PublicKeyBox, SecretKey, SecretKeyBox, SignatureBox};

use super::BundleError;
use crate::feed::key_id;

/// Bytes of a secret key file or a signature file (both are a few hundred).
pub const MAX_KEY_BYTES: u64 = 16 << 10;

/// What the signature on a bundle says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureState {
    /// No `manifest.json.minisig`.
    Unsigned,
    /// Signed by a trusted key, and the signature holds.
    Trusted { key_id: String },
    /// Signed by a key this kiosk does not know, so it cannot be checked.
    Untrusted { key_id: String },
}

/// Create a key pair for signing bundles: the secret key, unencrypted, in a
/// new file `secret_key_file` (mode 0600), and the public key returned as the
/// minisign public-key text to give to kiosks.
pub fn generate_keypair(secret_key_file: &Path) -> Result<String, BundleError> {
    let fail = |message: String| BundleError::Make {
        path: secret_key_file.to_path_buf(),
        message,
    };
    let KeyPair { pk, sk } = KeyPair::generate_unencrypted_keypair()
        .map_err(|e| fail(format!("cannot generate a key: {e}")))?;
    let sk_box = sk
        .to_box(Some("summit-kiosk bundle signing key"))
        .map_err(|e| fail(e.to_string()))?;
    let pk_box = pk.to_box().map_err(|e| fail(e.to_string()))?;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(secret_key_file)
        .and_then(|mut f| f.write_all(sk_box.into_string().as_bytes()))
        .map_err(|e| fail(format!("cannot write the secret key: {e}")))?;
    Ok(pk_box.into_string())
}

/// Load the secret key in `key_file` (unencrypted, or encrypted with
/// `password`): bundles and feeds are signed with the same key.
pub fn load_secret_key(
    key_file: &Path,
    password: Option<String>,
) -> Result<SecretKey, BundleError> {
    let fail = |message: String| BundleError::Make {
        path: key_file.to_path_buf(),
        message,
    };
    let text = crate::read_bounded(key_file, MAX_KEY_BYTES).map_err(|e| fail(e.to_string()))?;
    let text = String::from_utf8(text).map_err(|_| fail("not a minisign secret key".into()))?;
    let sk_box = SecretKeyBox::from_string(&text).map_err(|e| fail(e.to_string()))?;
    // Never `password: None` into minisign: it would prompt on the terminal.
    match password {
        Some(password) => SecretKey::from_box(sk_box, Some(password)),
        None => SecretKey::from_unencrypted_box(sk_box),
    }
    .map_err(|e| fail(format!("cannot use the secret key: {e}")))
}

/// Sign `manifest` with the secret key in `key_file` (unencrypted, or
/// encrypted with `password`); the signature file's text.
pub fn sign(
    manifest: &[u8],
    key_file: &Path,
    password: Option<String>,
    comment: &str,
) -> Result<String, BundleError> {
    let sk = load_secret_key(key_file, password)?;
    let signature =
        minisign::sign(None, &sk, Cursor::new(manifest), Some(comment), None).map_err(|e| {
            BundleError::Make {
                path: key_file.to_path_buf(),
                message: format!("cannot sign: {e}"),
            }
        })?;
    Ok(signature.into_string())
}

/// Parse the trusted public keys: each a minisign public key, either the
/// base64 line alone or the whole `.pub` file text with its comment line.
pub fn parse_keys(keys: &[String]) -> Result<Vec<PublicKey>, BundleError> {
    keys.iter()
        .enumerate()
        .map(|(index, text)| {
            let text = text.trim();
            let key = if text.contains('\n') {
                PublicKeyBox::from_string(text).and_then(PublicKey::from_box)
            } else {
                PublicKey::from_base64(text)
            };
            key.map_err(|e| BundleError::BadKey {
                index,
                message: e.to_string(),
            })
        })
        .collect()
}

/// Check the signature text `signature` (from `path`) over `manifest`.
/// A signature that does not parse, or by a trusted key that does not hold,
/// is an error; one by an unknown key is [`SignatureState::Untrusted`].
pub fn verify(
    path: &Path,
    manifest: &[u8],
    signature: Option<&[u8]>,
    trusted: &[PublicKey],
) -> Result<SignatureState, BundleError> {
    let Some(signature) = signature else {
        return Ok(SignatureState::Unsigned);
    };
    let bad = |message: String| BundleError::BadSignature {
        path: PathBuf::from(path),
        message,
    };
    let text = std::str::from_utf8(signature)
        .map_err(|_| bad("the signature file is not minisign text".into()))?;
    let sig_box = SignatureBox::from_string(text)
        .map_err(|e| bad(format!("the signature file does not parse: {e}")))?;
    let key_id = key_id(sig_box.keynum());
    let Some(key) = trusted.iter().find(|k| k.keynum() == sig_box.keynum()) else {
        return Ok(SignatureState::Untrusted { key_id });
    };
    minisign::verify(key, &sig_box, Cursor::new(manifest), true, false, false).map_err(|e| {
        bad(format!(
            "it does not match the manifest for key {key_id}: {e}"
        ))
    })?;
    Ok(SignatureState::Trusted { key_id })
}
