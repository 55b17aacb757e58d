//! The control panel's commands: parse, call core, map the error. Each one
//! that changes anything takes an [`Unlocked`] panel, checked before its
//! other arguments, so a display window (which its capability already
//! denies) or a locked panel changes nothing. All run off the main thread (`async`), and read
//! what is shown from the kiosk's cached state, never the store per poll.

use tauri::{AppHandle, Runtime, State};

use kiosk_core::control::{
    AnnouncementIntent, ControlState, Done, EditIntent, EmergencyIntent, Preview, RoomStatusIntent,
};
use kiosk_core::i18n::panel::PanelLabels;

use super::Unlocked;
use crate::control::{self, Control};
use crate::error::{Error, Result};
use crate::kiosk::Kiosk;

/// Everything the panel shows for conference day `day` (a day tab's key;
/// none: today). Locked, only the lock.
#[tauri::command(async)]
pub fn control_state(
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
    day: Option<String>,
) -> Result<ControlState> {
    let started = std::time::Instant::now();
    let state = control::state(&kiosk, &control, day.as_deref());
    let took = started.elapsed();
    // The panel polls this every 2 s; a slow answer is worth a line in the log.
    if took > std::time::Duration::from_millis(50) {
        tracing::warn!(ms = took.as_millis() as u64, "control_state was slow");
    }
    Ok(state)
}

/// The panel's words in the organizer's language, asked once at start
/// (locked too: the lock screen needs them; they say nothing of the event).
#[tauri::command(async)]
pub fn control_labels(control: State<'_, Control>) -> Result<PanelLabels> {
    Ok(PanelLabels::new(control.language))
}

#[tauri::command(async)]
pub fn unlock(kiosk: State<'_, Kiosk>, control: State<'_, Control>, pin: String) -> Result<()> {
    control.unlock(&pin, kiosk.store())
}

#[tauri::command(async)]
pub fn lock(control: State<'_, Control>) -> Result<()> {
    control.relock();
    Ok(())
}

/// What an edit would move (changes nothing).
#[tauri::command(async)]
pub fn plan_delay<R: Runtime>(panel: Unlocked<'_, R>, edit: EditIntent) -> Result<Preview> {
    let kiosk = &panel.kiosk;
    let shown = kiosk.shown();
    let schedule = shown.schedule().ok_or_else(|| kiosk.no_schedule())?;
    Ok(kiosk_core::control::preview_in(
        panel.control.language.catalogue(),
        schedule,
        edit,
        kiosk.clock().now(),
    )?)
}

#[tauri::command(async)]
pub fn apply_edit<R: Runtime>(panel: Unlocked<'_, R>, edit: EditIntent) -> Result<Done> {
    let edit = {
        let shown = panel.kiosk.shown();
        let schedule = shown.schedule().ok_or_else(|| panel.kiosk.no_schedule())?;
        edit.resolve_checked(schedule, panel.kiosk.clock().now())?
    };
    let recorded = panel.change(|store, origin, now| store.record_edit(edit, origin, now))?;
    tracing::info!(what = %recorded.what, "control panel: edit");
    Ok(Done {
        what: recorded.what,
    })
}

#[tauri::command(async)]
pub fn undo<R: Runtime>(panel: Unlocked<'_, R>) -> Result<Done> {
    let undone = panel.change(|store, origin, now| store.undo_last(origin, now))?;
    Ok(Done {
        what: undone.map_or_else(
            || {
                panel
                    .control
                    .language
                    .catalogue()
                    .text("panel.nothing_to_undo_done")
                    .into()
            },
            |u| u.what,
        ),
    })
}

#[tauri::command(async)]
pub fn add_announcement<R: Runtime>(
    panel: Unlocked<'_, R>,
    announcement: AnnouncementIntent,
) -> Result<Done> {
    let (shown, now) = (panel.kiosk.shown(), panel.kiosk.clock().now());
    let announcement = announcement
        .resolve(shown.schedule(), now)?
        .validate(shown.schedule(), now)?;
    let stored =
        panel.change(|store, origin, now| store.add_announcement(announcement, origin, now))?;
    Ok(Done {
        what: format!("Announcement {} posted.", stored.id),
    })
}

#[tauri::command(async)]
pub fn remove_announcement<R: Runtime>(panel: Unlocked<'_, R>, id: String) -> Result<Done> {
    let removed = panel.change(|store, origin, now| store.remove_announcement(&id, origin, now))?;
    Ok(Done {
        what: if removed {
            "Announcement removed.".into()
        } else {
            format!("Announcement {id:?} was not on.")
        },
    })
}

/// Set a room's status ("filling up", "full", with an overflow room and a
/// stream), or clear it.
#[tauri::command(async)]
pub fn set_room_status<R: Runtime>(
    panel: Unlocked<'_, R>,
    status: RoomStatusIntent,
) -> Result<Done> {
    let room = status.room.clone();
    let what = panel.change(|store, origin, now| match status.request() {
        Some(request) => store
            .set_room_status(request, origin, now)
            .map(|s| format!("{}: {}", room, s.occupancy.text())),
        None => store.clear_room_status(&room, origin, now).map(|cleared| {
            if cleared {
                format!("{room}: status cleared")
            } else {
                format!("{room} had no status")
            }
        }),
    })?;
    Ok(Done { what })
}

/// Put an emergency message on the screens (the panel asks to confirm
/// first); it stays until it expires or is cleared.
#[tauri::command(async)]
pub fn post_emergency<R: Runtime>(
    panel: Unlocked<'_, R>,
    emergency: EmergencyIntent,
) -> Result<Done> {
    let stored = panel
        .change(|store, origin, now| store.add_emergency(emergency.resolve(now), origin, now))?;
    tracing::warn!(id = %stored.id, headline = %stored.headline, "control panel: emergency message on the screens");
    Ok(Done {
        what: format!("Emergency message “{}” is on the screens.", stored.headline),
    })
}

#[tauri::command(async)]
pub fn clear_emergency<R: Runtime>(panel: Unlocked<'_, R>, id: String) -> Result<Done> {
    let cleared = panel.change(|store, origin, now| store.clear_emergency(&id, origin, now))?;
    tracing::warn!(%id, cleared, "control panel: emergency message cleared");
    Ok(Done {
        what: if cleared {
            "Emergency message cleared.".into()
        } else {
            format!("Emergency message {id:?} was not on.")
        },
    })
}

#[tauri::command(async)]
pub fn sync_now<R: Runtime>(panel: Unlocked<'_, R>, source: String) -> Result<Done> {
    if !panel.kiosk.poke_source(&source) {
        return Err(Error::not_found(format!("source {source:?}")));
    }
    Ok(Done {
        what: format!("Checking {source} now."),
    })
}

#[tauri::command(async)]
pub fn set_active_source<R: Runtime>(panel: Unlocked<'_, R>, source: String) -> Result<Done> {
    if !panel.kiosk.prefer_source(&source)? {
        return Err(Error::not_found(format!("source {source:?}")));
    }
    Ok(Done {
        what: format!("The screens follow {source} while it works."),
    })
}

#[tauri::command(async)]
pub fn rollback<R: Runtime>(panel: Unlocked<'_, R>) -> Result<Done> {
    let revision = panel.change(|store, origin, now| store.rollback_to_previous(origin, now))?;
    Ok(Done {
        what: format!("Rolled back to the previous schedule (now revision {revision})."),
    })
}

/// From the display (a key chord): open the panel. It is locked; opening
/// it changes nothing.
#[tauri::command(async)]
pub fn open_control_panel<R: Runtime>(app: AppHandle<R>, kiosk: State<'_, Kiosk>) -> Result<()> {
    Ok(control::open(&app, kiosk.kiosk_mode())?)
}
