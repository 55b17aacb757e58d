// Every app command, once: `include!`d by build.rs (which gives the names to
// `AppManifest::commands`, so a command a window is not granted is denied)
// and by the tests (which derive from it what each window may call).
// `true`: the command changes something, so it must check the PIN unlock.

/// `(name, changes something)`.
pub const COMMANDS: &[(&str, bool)] = &[
    ("get_snapshot", false),
    ("report_render", false),
    ("get_photos", false),
    ("open_control_panel", false),
    ("control_labels", false),
    ("control_state", false),
    ("unlock", false),
    ("lock", false),
    ("plan_delay", false),
    ("apply_edit", true),
    ("undo", true),
    ("add_announcement", true),
    ("remove_announcement", true),
    ("set_room_status", true),
    ("post_emergency", true),
    ("clear_emergency", true),
    ("set_photo_hidden", true),
    ("set_photo_approved", true),
    ("set_approve_mode", true),
    ("upload_photo", true),
    ("sync_now", true),
    ("set_active_source", true),
    ("rollback", true),
    ("command_screen", true),
];
