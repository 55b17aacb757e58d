//! The control panel's photo commands: hide, approve, the approve mode, and
//! uploads from the organizer's laptop.

use tauri::Runtime;

use kiosk_core::control::Done;
use kiosk_core::photos::{is_photo_name, safe_file_name, MAX_PHOTO_BYTES};
use kiosk_core::store::Store;

use super::Unlocked;
use crate::control;
use crate::error::{Error, Result};

/// Set one of photo `id`'s flags with `set`; `what` says so.
fn photo_flag<R: Runtime>(
    panel: &Unlocked<'_, R>,
    id: &str,
    set: impl FnOnce(&mut Store) -> kiosk_core::Result<bool>,
    what: &str,
) -> Result<Done> {
    let known = set(&mut crate::locks::lock(panel.kiosk.store()))?;
    if !known {
        return Err(Error::not_found(format!("photo {id:?}")));
    }
    panel.kiosk.refresh_photos()?;
    crate::photos::push_playlist(&panel.app, &panel.kiosk);
    control::changed(&panel.app);
    Ok(Done { what: what.into() })
}

#[tauri::command(async)]
pub fn set_photo_hidden<R: Runtime>(
    panel: Unlocked<'_, R>,
    id: String,
    hidden: bool,
) -> Result<Done> {
    let what = if hidden {
        "Photo hidden."
    } else {
        "Photo shown."
    };
    photo_flag(&panel, &id, |s| s.set_photo_hidden(&id, hidden), what)
}

#[tauri::command(async)]
pub fn set_photo_approved<R: Runtime>(
    panel: Unlocked<'_, R>,
    id: String,
    approved: bool,
) -> Result<Done> {
    let what = if approved {
        "Photo approved."
    } else {
        "Approval withdrawn."
    };
    photo_flag(&panel, &id, |s| s.set_photo_approved(&id, approved), what)
}

#[tauri::command(async)]
pub fn set_approve_mode<R: Runtime>(panel: Unlocked<'_, R>, on: bool) -> Result<Done> {
    panel.kiosk.set_approve_mode(on);
    control::changed(&panel.app);
    Ok(Done {
        what: if on {
            "New photos now wait for approval."
        } else {
            "New photos go straight to the wall."
        }
        .into(),
    })
}

/// A photo from the organizer's laptop: the raw bytes are the request body,
/// the file name in `x-file-name`. It goes into the library's upload folder
/// and through the same ingest as every photo.
#[tauri::command(async)]
pub fn upload_photo<R: Runtime>(
    panel: Unlocked<'_, R>,
    request: tauri::ipc::Request<'_>,
) -> Result<Done> {
    let control = &panel.control;
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(Error::BadUpload);
    };
    if bytes.len() as u64 > MAX_PHOTO_BYTES {
        return Err(Error::PhotoTooLarge {
            size_mb: bytes.len() as u64 >> 20,
            limit_mb: MAX_PHOTO_BYTES >> 20,
        });
    }
    let name = request
        .headers()
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            percent_encoding::percent_decode_str(v)
                .decode_utf8_lossy()
                .into_owned()
        })
        .unwrap_or_else(|| "upload.jpg".into());
    let name = safe_file_name(&name);
    let name = if is_photo_name(std::path::Path::new(&name)) {
        name
    } else {
        format!("{name}.jpg")
    };
    let io = kiosk_core::Error::io;
    std::fs::create_dir_all(&control.uploads)
        .map_err(io("create the upload folder", &control.uploads))?;
    let target = control.uploads.join(&name);
    let temp = control.uploads.join(format!(".{name}.part"));
    std::fs::write(&temp, bytes)
        .and_then(|_| std::fs::rename(&temp, &target))
        .map_err(io("write the photo", &target))?;
    tracing::info!(file = %target.display(), "control panel: photo uploaded");
    Ok(Done {
        what: format!("{name} uploaded; it shows once it is processed."),
    })
}
