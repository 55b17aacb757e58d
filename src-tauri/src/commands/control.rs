//! The control panel's commands: parse, call core, map the error. Each one
//! that changes anything first checks the unlock ([`Control::require_unlocked`]),
//! so a display window (which its capability already denies) or a locked
//! panel changes nothing. All run off the main thread (`async`), and read
//! what is shown from the kiosk's cached state, never the store per poll.

use jiff::Timestamp;
use tauri::{AppHandle, Runtime, State};

use kiosk_core::control::{
    AnnouncementIntent, ControlState, Done, EditIntent, EmergencyIntent, Preview, RoomStatusIntent,
};
use kiosk_core::store::Store;

use crate::control::{self, Control};
use crate::error::{Error, Result};
use crate::kiosk::Kiosk;

/// One change by the organizer: refused unless unlocked; made on the store
/// (one transaction, signed with the panel's origin, at the kiosk clock's
/// now); then the screens, the feed and the panel follow.
pub(crate) fn change<R: Runtime, T>(
    app: &AppHandle<R>,
    kiosk: &Kiosk,
    control: &Control,
    make: impl FnOnce(&mut Store, &str, Timestamp) -> kiosk_core::Result<T>,
) -> Result<T> {
    control.require_unlocked()?;
    let now = kiosk.clock().now();
    let done = kiosk.change(|store| make(store, &control.origin, now))?;
    control::changed(app);
    Ok(done)
}

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
pub fn plan_delay(
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
    edit: EditIntent,
) -> Result<Preview> {
    control.require_unlocked()?;
    let shown = kiosk.shown();
    let schedule = shown.schedule().ok_or_else(|| kiosk.no_schedule())?;
    Ok(kiosk_core::control::preview(
        schedule,
        edit,
        kiosk.clock().now(),
    )?)
}

#[tauri::command(async)]
pub fn apply_edit<R: Runtime>(
    app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
    edit: EditIntent,
) -> Result<Done> {
    control.require_unlocked()?;
    let edit = {
        let shown = kiosk.shown();
        let schedule = shown.schedule().ok_or_else(|| kiosk.no_schedule())?;
        edit.resolve_checked(schedule, kiosk.clock().now())?
    };
    let recorded = change(&app, &kiosk, &control, |store, origin, now| {
        store.record_edit(edit, origin, now)
    })?;
    tracing::info!(what = %recorded.what, "control panel: edit");
    Ok(Done {
        what: recorded.what,
    })
}

#[tauri::command(async)]
pub fn undo<R: Runtime>(
    app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
) -> Result<Done> {
    let undone = change(&app, &kiosk, &control, |store, origin, now| {
        store.undo_last(origin, now)
    })?;
    Ok(Done {
        what: undone.map_or_else(|| "Nothing to undo.".into(), |u| u.what),
    })
}

#[tauri::command(async)]
pub fn add_announcement<R: Runtime>(
    app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
    announcement: AnnouncementIntent,
) -> Result<Done> {
    control.require_unlocked()?;
    let (shown, now) = (kiosk.shown(), kiosk.clock().now());
    let announcement = announcement
        .resolve(shown.schedule(), now)?
        .validate(shown.schedule(), now)?;
    let stored = change(&app, &kiosk, &control, |store, origin, now| {
        store.add_announcement(announcement, origin, now)
    })?;
    Ok(Done {
        what: format!("Announcement {} posted.", stored.id),
    })
}

#[tauri::command(async)]
pub fn remove_announcement<R: Runtime>(
    app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
    id: String,
) -> Result<Done> {
    let removed = change(&app, &kiosk, &control, |store, origin, now| {
        store.remove_announcement(&id, origin, now)
    })?;
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
    app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
    status: RoomStatusIntent,
) -> Result<Done> {
    let room = status.room.clone();
    let what = change(&app, &kiosk, &control, |store, origin, now| {
        match status.request() {
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
        }
    })?;
    Ok(Done { what })
}

/// Put an emergency message on the screens (the panel asks to confirm
/// first); it stays until it expires or is cleared.
#[tauri::command(async)]
pub fn post_emergency<R: Runtime>(
    app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
    emergency: EmergencyIntent,
) -> Result<Done> {
    let stored = change(&app, &kiosk, &control, |store, origin, now| {
        store.add_emergency(emergency.resolve(now), origin, now)
    })?;
    tracing::warn!(id = %stored.id, headline = %stored.headline, "control panel: emergency message on the screens");
    Ok(Done {
        what: format!("Emergency message “{}” is on the screens.", stored.headline),
    })
}

#[tauri::command(async)]
pub fn clear_emergency<R: Runtime>(
    app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
    id: String,
) -> Result<Done> {
    let cleared = change(&app, &kiosk, &control, |store, origin, now| {
        store.clear_emergency(&id, origin, now)
    })?;
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
pub fn sync_now(
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
    source: String,
) -> Result<Done> {
    control.require_unlocked()?;
    if !kiosk.poke_source(&source) {
        return Err(Error::not_found(format!("source {source:?}")));
    }
    Ok(Done {
        what: format!("Checking {source} now."),
    })
}

#[tauri::command(async)]
pub fn set_active_source(
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
    source: String,
) -> Result<Done> {
    control.require_unlocked()?;
    if !kiosk.prefer_source(&source)? {
        return Err(Error::not_found(format!("source {source:?}")));
    }
    Ok(Done {
        what: format!("The screens follow {source} while it works."),
    })
}

#[tauri::command(async)]
pub fn rollback<R: Runtime>(
    app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
) -> Result<Done> {
    let revision = change(&app, &kiosk, &control, |store, origin, now| {
        store.rollback_to_previous(origin, now)
    })?;
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
