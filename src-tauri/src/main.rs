// A GUI app on Windows would need this; on Linux it is harmless.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    summit_kiosk::cli::main()
}
