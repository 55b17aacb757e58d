//! What every command that changes something works on, taken from the call
//! as tauri's own `State` is: the app (to tell the windows), the kiosk and
//! the panel, with the panel's unlock checked first, so that no command can
//! forget it and a locked panel's arguments are not even read.

use jiff::Timestamp;
use tauri::ipc::{CommandArg, CommandItem, InvokeError};
use tauri::{AppHandle, Manager, Runtime, State};

use kiosk_core::store::Store;

use crate::control::{self, Control};
use crate::error::Result;
use crate::kiosk::Kiosk;

/// An unlocked control panel's command: refused with `locked` before its
/// other arguments are parsed (see [`Control::require_unlocked`]).
pub struct Unlocked<'r, R: Runtime> {
    pub app: AppHandle<R>,
    pub kiosk: State<'r, Kiosk>,
    pub control: State<'r, Control>,
}

impl<'r, 'de: 'r, R: Runtime> CommandArg<'de, R> for Unlocked<'r, R> {
    fn from_command(command: CommandItem<'de, R>) -> std::result::Result<Self, InvokeError> {
        let webview = command.message.webview_ref();
        let (Some(kiosk), Some(control)) =
            (webview.try_state::<Kiosk>(), webview.try_state::<Control>())
        else {
            return Err(InvokeError::from(format!(
                "{}: the kiosk and its panel are not managed",
                command.name
            )));
        };
        control.require_unlocked()?;
        Ok(Unlocked {
            app: webview.app_handle().clone(),
            kiosk,
            control,
        })
    }
}

impl<R: Runtime> Unlocked<'_, R> {
    /// One change by the organizer, made on the store (one transaction,
    /// signed with the panel's origin, at the kiosk clock's now); then the
    /// screens, the feed and the panel follow.
    pub fn change<T>(
        &self,
        make: impl FnOnce(&mut Store, &str, Timestamp) -> kiosk_core::Result<T>,
    ) -> Result<T> {
        let now = self.kiosk.clock().now();
        let done = self
            .kiosk
            .change(|store| make(store, &self.control.origin, now))?;
        control::changed(&self.app);
        Ok(done)
    }
}
