//! The control panel's commands. Each one that changes anything first checks
//! the unlock ([`Control::require_unlocked`]), so a display window (which
//! its capability already denies) or a locked panel changes nothing.

use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{json, Value};
use tauri::{AppHandle, Runtime, State};

use kiosk_core::edits::{Announcement, Edit, Priority};
use kiosk_core::model::{Schedule, Session, SessionKind};
use kiosk_core::snapshot::{display_snapshot, Selection};

use super::IpcError;
use crate::control::{self, Control};
use crate::kiosk::Kiosk;

type Reply<T = Value> = Result<T, IpcError>;

fn at_ms(ms: i64) -> Reply<Timestamp> {
    Timestamp::from_millisecond(ms).map_err(|e| IpcError {
        code: "bad_time",
        message: format!("{ms} is not a time: {e}"),
    })
}

fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

/// One change by the organizer: refused unless unlocked; made on the store
/// (one transaction, signed with the panel's origin, at the kiosk clock's
/// now); then the screens, the feed and the panel follow.
fn change<R: Runtime, T>(
    app: &AppHandle<R>,
    kiosk: &Kiosk,
    control: &Control,
    make: impl FnOnce(&mut kiosk_core::store::Store, &str, Timestamp) -> kiosk_core::Result<T>,
) -> Reply<T> {
    control.require_unlocked()?;
    let done = {
        let mut store = kiosk.store().lock().unwrap_or_else(|p| p.into_inner());
        make(&mut store, &control.origin, kiosk.clock().now())?
    };
    kiosk.reload_from_store()?;
    control::changed(app);
    Ok(done)
}

fn session_json(s: &Schedule, x: &Session, imported: Option<&Schedule>, skipped: bool) -> Value {
    let delayed = imported
        .and_then(|i| i.session(&x.id))
        .map(|orig| x.start.duration_since(orig.start).as_mins())
        .unwrap_or(0);
    json!({
        "id": x.id,
        "room_id": x.room,
        "title": x.title,
        "speakers": x.speakers.iter().filter_map(|id| s.speaker(id)).map(|sp| json!({
            "name": sp.name, "affiliation": sp.affiliation,
        })).collect::<Vec<_>>(),
        "kind": x.kind,
        "start_ms": ms(x.start),
        "end_ms": ms(x.end),
        "start_local": s.local_hm(x.start),
        "end_local": s.local_hm(x.end),
        "cancelled": x.cancelled,
        "skipped": skipped,
        "local": x.id.starts_with("local-"),
        "delayed_minutes": delayed,
    })
}

/// Everything the panel shows, in one answer (the panel polls it).
#[tauri::command]
pub fn control_state(kiosk: State<'_, Kiosk>, control: State<'_, Control>) -> Reply {
    let locked = !control.is_unlocked();
    // How long until the next PIN try, in ms (a wait, not an instant).
    let retry = control
        .retry_after()
        .map(|t| t.duration_since(Timestamp::now()).as_millis().max(0) as i64);
    if locked {
        return Ok(json!({ "locked": true, "unlock_retry_after_ms": retry }));
    }
    let now = kiosk.clock().now();
    let store = kiosk.store().lock().unwrap_or_else(|p| p.into_inner());
    let effective = store.effective_schedule()?;
    let imported = store.load()?;
    let Some(s) = effective.as_ref() else {
        return Ok(
            json!({ "locked": false, "conference": "", "rooms": [], "sessions": [],
            "announcements": [], "photos": [], "quarantined": [], "sources": [], "revisions": [], "audit": [], "undo": null }),
        );
    };
    let snapshot = display_snapshot(Some(s), &Selection::Lobby, now, 0, 1.0);
    let day = s.conference_day(now);
    let on_day = |x: &Session| s.conference_day(x.start) == day;
    let mut sessions: Vec<Value> = s
        .sessions
        .iter()
        .filter(|x| on_day(x))
        .map(|x| session_json(s, x, imported.as_ref(), false))
        .collect();
    // Skipped sessions are off the screens; the panel still lists them.
    for edit in store.active_edits()? {
        if let Edit::Skip { session } = &edit.edit {
            if let Some(x) = imported.as_ref().and_then(|i| i.session(session)) {
                if on_day(x) {
                    sessions.push(session_json(s, x, None, true));
                }
            }
        }
    }
    sessions.sort_by_key(|v| v["start_ms"].as_i64());
    let announcements: Vec<Value> = store
        .announcements()?
        .iter()
        .map(|a| {
            json!({
                "id": a.id, "text": a.text, "rooms": a.rooms, "priority": a.priority,
                "starts_ms": ms(a.starts), "expires_ms": a.expires.map(ms), "active": a.is_active(now),
            })
        })
        .collect();
    let photos: Vec<Value> = store
        .photos()?
        .iter()
        .map(|p| {
            json!({
                "id": p.hash, "credit": p.credit, "hidden": p.hidden, "approved": p.approved,
                "added_ms": ms(p.added_at), "thumb_url": format!("photo://localhost/{}-1920.jpg", p.hash),
            })
        })
        .collect();
    let quarantined: Vec<Value> = store
        .photo_files()?
        .into_iter()
        .filter_map(|f| {
            f.quarantine
                .map(|reason| json!({ "path": f.path, "reason": reason }))
        })
        .collect();
    let entries = store.audit(200)?;
    let audit: Vec<Value> = entries
        .iter()
        .map(|a| json!({ "at_ms": ms(a.at), "what": a.what, "origin": a.origin, "undone": a.undone }))
        .collect();
    let undo = entries
        .iter()
        .find(|a| a.undoable && !a.undone)
        .map(|a| json!({ "what": a.what }));
    let revisions: Vec<Value> = store
        .revisions_list()?
        .iter()
        .map(|r| {
            json!({ "revision": r.revision, "applied": r.applied_at, "source": r.source,
            "summary": r.summary, "current": r.current, "restorable": r.restorable })
        })
        .collect();
    drop(store);
    let sources: Vec<Value> = kiosk
        .sources()
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let st = kiosk.sync_state(name);
            json!({
                "name": name, "active": kiosk.active_source() == Some(i),
                "last_success_ms": st.last_success.map(ms), "last_error": st.last_error,
                "failing_since_ms": st.failing_since.map(ms), "failures": st.failures,
            })
        })
        .collect();
    Ok(json!({
        "locked": false,
        "unlock_retry_after_ms": retry,
        "conference": s.conference.name,
        "timezone": s.conference.timezone,
        "now_ms": ms(now),
        "rooms": snapshot.rooms.iter().map(|r| json!({
            "id": r.room_id, "name": r.room, "state": r.state,
            "current": r.current.as_ref().map(|c| json!({"id": c.session.id, "title": c.session.title,
                "start_local": c.session.start_local, "end_local": c.session.end_local})),
            "next": r.next.as_ref().map(|n| json!({"id": n.id, "title": n.title,
                "start_local": n.start_local, "end_local": n.end_local})),
        })).collect::<Vec<_>>(),
        "sessions": sessions,
        "announcements": announcements,
        "photos": photos,
        "quarantined": quarantined,
        "approve_mode": kiosk.approve_mode(),
        "sources": sources,
        "revisions": revisions,
        "audit": audit,
        "undo": undo,
    }))
}

#[tauri::command]
pub fn unlock(control: State<'_, Control>, pin: String) -> Reply<Value> {
    control.unlock(&pin)?;
    Ok(json!({ "ok": true }))
}

#[tauri::command]
pub fn lock(control: State<'_, Control>) {
    control.relock();
}

#[tauri::command]
pub fn plan_delay(
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
    room: String,
    from_ms: i64,
    minutes: i64,
) -> Reply {
    control.require_unlocked()?;
    let store = kiosk.store().lock().unwrap_or_else(|p| p.into_inner());
    let plan = store.plan_delay(&room, at_ms(from_ms)?, minutes)?;
    let s = store
        .effective_schedule()?
        .unwrap_or_else(|| kiosk_core::demo::demo().schedule);
    let shift = |m: &kiosk_core::edits::Shift| {
        json!({ "session_id": m.session, "title": m.title,
            "old_start_local": s.local_hm(m.old_start), "new_start_local": s.local_hm(m.new_start),
            "old_end_local": s.local_hm(m.old_end), "new_end_local": s.local_hm(m.new_end) })
    };
    Ok(json!({
        "shifted": plan.shifted.iter().map(shift).collect::<Vec<_>>(),
        "absorbed_by": plan.absorbed_by.as_ref().map(shift),
        "runs_to_day_end": plan.runs_to_day_end,
        "summary": plan.summary(&s),
    }))
}

/// An edit as the panel sends it (times in milliseconds).
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EditInput {
    Delay {
        room: String,
        from_ms: i64,
        minutes: i64,
    },
    StartedAt {
        session: String,
        at_ms: i64,
    },
    Extend {
        session: String,
        minutes: i64,
    },
    EndNow {
        session: String,
    },
    Skip {
        session: String,
    },
    Cancel {
        session: String,
    },
    Move {
        session: String,
        room: String,
    },
    EditSession {
        session: String,
        title: Option<String>,
        speakers: Option<Vec<String>>,
        start_ms: Option<i64>,
        end_ms: Option<i64>,
        room: Option<String>,
    },
    AddSession {
        room: String,
        title: String,
        #[serde(default)]
        speakers: Vec<String>,
        kind_of_session: SessionKind,
        start_ms: i64,
        end_ms: i64,
    },
}

impl EditInput {
    fn into_edit(self, now: Timestamp) -> Reply<Edit> {
        let opt = |v: Option<i64>| v.map(at_ms).transpose();
        Ok(match self {
            EditInput::Delay {
                room,
                from_ms,
                minutes,
            } => Edit::Delay {
                room,
                from: at_ms(from_ms)?,
                minutes,
            },
            EditInput::StartedAt { session, at_ms: at } => Edit::StartedAt {
                session,
                at: at_ms(at)?,
            },
            EditInput::Extend { session, minutes } => Edit::Extend { session, minutes },
            EditInput::EndNow { session } => Edit::EndNow { session, at: now },
            EditInput::Skip { session } => Edit::Skip { session },
            EditInput::Cancel { session } => Edit::Cancel { session },
            EditInput::Move { session, room } => Edit::Move { session, room },
            EditInput::EditSession {
                session,
                title,
                speakers,
                start_ms,
                end_ms,
                room,
            } => Edit::EditSession {
                session,
                title,
                speakers,
                start: opt(start_ms)?,
                end: opt(end_ms)?,
                room,
            },
            EditInput::AddSession {
                room,
                title,
                speakers,
                kind_of_session,
                start_ms,
                end_ms,
            } => Edit::AddSession {
                session: Session {
                    id: String::new(),
                    title,
                    subtitle: None,
                    abstract_text: None,
                    room,
                    track: None,
                    kind: kind_of_session,
                    start: at_ms(start_ms)?,
                    end: at_ms(end_ms)?,
                    speakers,
                    cancelled: false,
                    info: Default::default(),
                },
            },
        })
    }
}

#[tauri::command]
pub fn apply_edit<R: Runtime>(
    app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
    edit: EditInput,
) -> Reply {
    let edit = edit.into_edit(kiosk.clock().now())?;
    let recorded = change(&app, &kiosk, &control, |store, origin, now| {
        store.record_edit(edit, origin, now)
    })?;
    tracing::info!(what = %recorded.what, "control panel: edit");
    Ok(json!({ "ok": true, "what": recorded.what }))
}

#[tauri::command]
pub fn undo<R: Runtime>(
    app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
) -> Reply {
    let undone = change(&app, &kiosk, &control, |store, origin, now| {
        store.undo_last(origin, now)
    })?;
    Ok(json!({ "what": undone.map(|u| u.what).unwrap_or_else(|| "Nothing to undo.".into()) }))
}

#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub fn add_announcement<R: Runtime>(
    app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
    text: String,
    rooms: Option<Vec<String>>,
    priority: Option<Priority>,
    starts_ms: Option<i64>,
    expires_ms: Option<i64>,
) -> Reply {
    let now = kiosk.clock().now();
    let announcement = Announcement {
        id: String::new(),
        text,
        rooms,
        priority: priority.unwrap_or_default(),
        starts: starts_ms.map(at_ms).transpose()?.unwrap_or(now),
        expires: expires_ms.map(at_ms).transpose()?,
    };
    let stored = change(&app, &kiosk, &control, |store, origin, now| {
        store.add_announcement(announcement, origin, now)
    })?;
    Ok(json!({ "ok": true, "id": stored.id }))
}

#[tauri::command]
pub fn remove_announcement<R: Runtime>(
    app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
    id: String,
) -> Reply {
    let removed = change(&app, &kiosk, &control, |store, origin, now| {
        store.remove_announcement(&id, origin, now)
    })?;
    Ok(json!({ "ok": removed }))
}

fn photo_flag<R: Runtime>(
    app: &AppHandle<R>,
    kiosk: &Kiosk,
    control: &Control,
    set: impl FnOnce(&mut kiosk_core::store::Store) -> kiosk_core::Result<bool>,
) -> Reply {
    control.require_unlocked()?;
    let known = {
        let mut store = kiosk.store().lock().unwrap_or_else(|p| p.into_inner());
        set(&mut store)?
    };
    if !known {
        return Err(IpcError {
            code: "unknown_photo",
            message: "No such photo.".into(),
        });
    }
    kiosk.refresh_playlist()?;
    crate::photos::push_playlist(app, kiosk);
    control::changed(app);
    Ok(json!({ "ok": true }))
}

#[tauri::command]
pub fn set_photo_hidden<R: Runtime>(
    app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
    id: String,
    hidden: bool,
) -> Reply {
    photo_flag(&app, &kiosk, &control, |s| s.set_photo_hidden(&id, hidden))
}

#[tauri::command]
pub fn set_photo_approved<R: Runtime>(
    app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
    id: String,
    approved: bool,
) -> Reply {
    photo_flag(&app, &kiosk, &control, |s| {
        s.set_photo_approved(&id, approved)
    })
}

#[tauri::command]
pub fn set_approve_mode(kiosk: State<'_, Kiosk>, control: State<'_, Control>, on: bool) -> Reply {
    control.require_unlocked()?;
    kiosk.set_approve_mode(on);
    Ok(json!({ "ok": true }))
}

/// A photo from the organizer's laptop: the raw bytes are the request body,
/// the file name in `x-file-name`. It goes into the library's upload folder
/// and through the same ingest as every photo.
#[tauri::command]
pub fn upload_photo(control: State<'_, Control>, request: tauri::ipc::Request<'_>) -> Reply {
    control.require_unlocked()?;
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(IpcError {
            code: "bad_upload",
            message: "Send the photo's bytes as the request body.".into(),
        });
    };
    if bytes.len() as u64 > kiosk_core::photos::MAX_PHOTO_BYTES {
        return Err(IpcError {
            code: "too_large",
            message: format!(
                "The photo is {} MB; the limit is {} MB.",
                bytes.len() >> 20,
                kiosk_core::photos::MAX_PHOTO_BYTES >> 20
            ),
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
    let name = kiosk_core::photos::safe_file_name(&name);
    let name = if kiosk_core::photos::is_photo_name(std::path::Path::new(&name)) {
        name
    } else {
        format!("{name}.jpg")
    };
    std::fs::create_dir_all(&control.uploads).map_err(|e| io_error(&control.uploads, e))?;
    let target = control.uploads.join(&name);
    let temp = control.uploads.join(format!(".{name}.part"));
    std::fs::write(&temp, bytes)
        .and_then(|_| std::fs::rename(&temp, &target))
        .map_err(|e| io_error(&target, e))?;
    tracing::info!(file = %target.display(), "control panel: photo uploaded");
    Ok(json!({ "ok": true, "message": format!("{name} uploaded; it shows once it is processed.") }))
}

fn io_error(path: &std::path::Path, e: std::io::Error) -> IpcError {
    IpcError {
        code: "io",
        message: format!("{}: {e}", path.display()),
    }
}

#[tauri::command]
pub fn sync_now(kiosk: State<'_, Kiosk>, control: State<'_, Control>, source: String) -> Reply {
    control.require_unlocked()?;
    if kiosk.poke_source(&source) {
        Ok(json!({ "ok": true }))
    } else {
        Err(IpcError {
            code: "unknown_source",
            message: format!("No source {source:?}."),
        })
    }
}

#[tauri::command]
pub fn set_active_source(
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
    source: String,
) -> Reply {
    control.require_unlocked()?;
    kiosk.prefer_source(&source)?;
    Ok(json!({ "ok": true }))
}

#[tauri::command]
pub fn rollback<R: Runtime>(
    app: AppHandle<R>,
    kiosk: State<'_, Kiosk>,
    control: State<'_, Control>,
) -> Reply {
    let revision = change(&app, &kiosk, &control, |store, origin, now| {
        store.rollback_to_previous(origin, now)
    })?;
    Ok(
        json!({ "what": format!("Rolled back to the previous schedule (now revision {revision}).") }),
    )
}

/// From the display (a key chord): open the panel. It is locked; opening
/// it changes nothing.
#[tauri::command]
pub fn open_control_panel<R: Runtime>(app: AppHandle<R>, kiosk: State<'_, Kiosk>) -> Reply<()> {
    control::open(&app, kiosk.kiosk_mode()).map_err(|e| IpcError {
        code: "window",
        message: e.to_string(),
    })
}
