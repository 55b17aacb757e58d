//! The Screens tab's commands: "Identify" and "Reload" a screen. Both
//! change what a screen shows, so both need the PIN unlock, and both go in
//! the audit log. To this kiosk's own screen they are carried out here; to
//! another, queued in the fleet (signed with the organizer's key when the
//! kiosk has it) for the screen's next reply, and published at once on a
//! broker.

use tauri::{AppHandle, Runtime, State};

use kiosk_core::control::Done;
use kiosk_core::fleet::{Action, FleetError};

use crate::control::Control;
use crate::error::Result;
use crate::kiosk::Kiosk;

#[tauri::command(async)]
pub fn command_screen<R: Runtime>(
    app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
    screen: String,
    action: Action,
) -> Result<Done> {
    control.require_unlocked()?;
    let unknown = || kiosk_core::Error::Fleet {
        origin: "the Screens tab".into(),
        source: FleetError::UnknownScreen {
            screen: screen.clone(),
        },
    };
    let own = kiosk.screen().is_some_and(|s| s.id == screen);
    let name = if own {
        crate::fleet::carry_out(&app, action);
        kiosk.screen().map(|s| s.name.clone()).unwrap_or_default()
    } else {
        let inbox = kiosk.inbox().ok_or_else(unknown)?;
        let name = inbox.name_of(&screen).ok_or_else(unknown)?;
        inbox
            .queue(&screen, action)
            .map_err(|source| kiosk_core::Error::Fleet {
                origin: format!("screen {screen}"),
                source,
            })?;
        name
    };
    let label = format!("“{name}” ({screen})");
    let what = crate::commands::control::change(&app, &kiosk, &control, |store, origin, now| {
        store.audit_screen_command(action, &label, origin, now)
    })?;
    tracing::info!(%what, "control panel: screen command");
    Ok(Done { what })
}
