//! The Screens tab's commands: "Identify" and "Reload" a screen. Both
//! change what a screen shows, so both need the PIN unlock, and both go in
//! the audit log. To this kiosk's own screen they are carried out here; to
//! another, queued in the fleet (signed with the organizer's key when the
//! kiosk has it) for the screen's next reply, and published at once on a
//! broker.

use tauri::Runtime;

use kiosk_core::control::Done;
use kiosk_core::fleet::{Action, FleetError};

use super::Unlocked;
use crate::error::Result;

#[tauri::command(async)]
pub fn command_screen<R: Runtime>(
    panel: Unlocked<'_, R>,
    screen: String,
    action: Action,
) -> Result<Done> {
    let kiosk = &panel.kiosk;
    let unknown = || kiosk_core::Error::Fleet {
        origin: "the Screens tab".into(),
        source: FleetError::UnknownScreen {
            screen: screen.clone(),
        },
    };
    let own = kiosk.screen().is_some_and(|s| s.id == screen);
    let name = if own {
        crate::fleet::carry_out(&panel.app, action);
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
    let what = panel
        .change(|store, origin, now| store.audit_screen_command(action, &label, origin, now))?;
    tracing::info!(%what, "control panel: screen command");
    Ok(Done { what })
}
