fn main() {
    // tauri-build does not watch the capabilities folder at this non-default
    // path; without this an edited capability is ignored until a clean build.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=ui");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(&[
                "get_snapshot",
                "get_photos",
                "report_render",
                "open_control_panel",
                "control_state",
                "unlock",
                "lock",
                "plan_delay",
                "apply_edit",
                "undo",
                "add_announcement",
                "remove_announcement",
                "set_photo_hidden",
                "set_photo_approved",
                "set_approve_mode",
                "upload_photo",
                "sync_now",
                "set_active_source",
                "rollback",
            ])),
    )
    .expect("tauri-build: see the message above");
}
