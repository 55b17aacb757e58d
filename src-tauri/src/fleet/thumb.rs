//! Thumbnails: this screen's, taken from the display's web view (what
//! WebKit painted, so a frozen page shows frozen), and the fleet's, served
//! to the control panel on the `screen:` scheme from memory (a name the
//! fleet holds now, else 404; never a file).

use std::sync::mpsc;
use std::time::Duration;

use tauri::http::{header, Request, Response, StatusCode};
use tauri::{AppHandle, Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use kiosk_core::fleet::view::parse_thumbnail_name;

use crate::kiosk::Kiosk;

/// How long the web view may take to give its picture.
const CAPTURE_WAIT: Duration = Duration::from_secs(3);

/// The display as painted, as a JPEG at most 320 px wide.
pub fn capture<R: Runtime>(app: &AppHandle<R>) -> Result<Vec<u8>, String> {
    let window = app
        .get_webview_window(crate::display::LABEL)
        .ok_or("this kiosk shows no display")?;
    let (tx, rx) = mpsc::channel();
    window
        .with_webview(move |webview| {
            use webkit2gtk::{SnapshotOptions, SnapshotRegion, WebViewExt};
            webview.inner().snapshot(
                SnapshotRegion::Visible,
                SnapshotOptions::NONE,
                None::<&webkit2gtk::gio::Cancellable>,
                move |result| {
                    // Copied out here (on the main thread), shrunk and
                    // encoded on the fleet's thread.
                    let pixels = result.map_err(|e| e.to_string()).and_then(|surface| {
                        let image = cairo::ImageSurface::try_from(surface)
                            .map_err(|_| "the snapshot is not an image".to_string())?;
                        let (w, h, stride) = (image.width(), image.height(), image.stride());
                        let mut bytes = Vec::new();
                        image
                            .with_data(|d| bytes.extend_from_slice(d))
                            .map_err(|e| e.to_string())?;
                        Ok((
                            w.max(0) as u32,
                            h.max(0) as u32,
                            stride.max(0) as usize,
                            bytes,
                        ))
                    });
                    let _ = tx.send(pixels);
                },
            );
        })
        .map_err(|e| e.to_string())?;
    let (w, h, stride, pixels) = rx
        .recv_timeout(CAPTURE_WAIT)
        .map_err(|_| format!("the web view gave no picture within {CAPTURE_WAIT:?}"))??;
    kiosk_core::fleet::thumbnail::from_bgra(w, h, stride, &pixels)
}

/// The `screen:` scheme: `screen://localhost/<screen id>-<seq>.jpg`.
pub fn serve<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let name = request.uri().path().trim_start_matches('/');
    let jpeg = parse_thumbnail_name(name).and_then(|(id, seq)| {
        ctx.app_handle()
            .state::<Kiosk>()
            .inbox()
            .and_then(|inbox| inbox.thumbnail(id, seq))
    });
    let response = match jpeg {
        Some(jpeg) => Response::builder()
            .header(header::CONTENT_TYPE, "image/jpeg")
            // The name changes with every new thumbnail.
            .header(header::CACHE_CONTROL, "max-age=3600")
            .body(jpeg.to_vec()),
        None => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Vec::new()),
    };
    responder.respond(response.expect("a valid response"));
}
