//! One kiosk per data folder: the first launch listens on a Unix socket in the
//! data dir; a second launch with the same data dir asks it to come to the
//! front and exits.
//!
//! Not `tauri-plugin-single-instance`: on Linux it needs a D-Bus session bus,
//! which a kiosk PC started from systemd or a bare X session often lacks, and
//! it keys on the app id, whereas tests and multi-screen PCs run one kiosk per
//! data folder.

use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub enum Instance {
    /// We are the first: keep this listener and serve focus requests on it.
    First(UnixListener),
    /// Another kiosk runs on this data dir and was asked to come to the front.
    AlreadyRunning,
}

pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join("instance.sock")
}

/// What a later launch asks of the running kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// Come to the front.
    Focus,
    /// Open the organizer control panel.
    Control,
}

impl Ask {
    fn word(self) -> &'static [u8] {
        match self {
            Ask::Focus => b"focus\n",
            Ask::Control => b"control\n",
        }
    }
}

pub fn claim_asking(data_dir: &Path, ask: Ask) -> std::io::Result<Instance> {
    std::fs::create_dir_all(data_dir)?;
    let path = socket_path(data_dir);
    match UnixListener::bind(&path) {
        Ok(listener) => Ok(Instance::First(listener)),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => match UnixStream::connect(&path) {
            Ok(mut stream) => {
                stream.set_write_timeout(Some(Duration::from_secs(2)))?;
                stream.write_all(ask.word())?;
                Ok(Instance::AlreadyRunning)
            }
            Err(_) => {
                // Left behind by a kiosk that died: nobody listens. Take it over.
                std::fs::remove_file(&path)?;
                Ok(Instance::First(UnixListener::bind(&path)?))
            }
        },
        Err(e) => Err(e),
    }
}

/// Call `on_ask` for every later launch, on a thread of its own.
pub fn serve(listener: UnixListener, on_ask: impl Fn(Ask) + Send + 'static) {
    std::thread::Builder::new()
        .name("single-instance".into())
        .spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let mut buf = [0u8; 16];
                if let Ok(n) = stream.read(&mut buf) {
                    if buf[..n].starts_with(b"focus") {
                        tracing::info!("a second launch asked this kiosk to come to the front");
                        on_ask(Ask::Focus);
                    } else if buf[..n].starts_with(b"control") {
                        tracing::info!("`summit-kiosk control` asked for the control panel");
                        on_ask(Ask::Control);
                    }
                }
            }
        })
        .expect("spawn the single-instance listener");
}

/// A kiosk listens on this data folder now (for `doctor`; sends nothing,
/// so the running kiosk does nothing).
pub fn running(data_dir: &Path) -> bool {
    UnixStream::connect(socket_path(data_dir)).is_ok()
}
