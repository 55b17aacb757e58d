include!("commands.rs");

fn main() {
    // tauri-build does not watch the capabilities folder at this non-default
    // path; without this an edited capability is ignored until a clean build.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=src-tauri/commands.rs");
    println!("cargo:rerun-if-changed=ui");
    // tauri-build keeps the names for the build's whole life.
    let names: &'static [&'static str] = COMMANDS
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .leak();
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(names)),
    )
    .expect("tauri-build: see the message above");
}
