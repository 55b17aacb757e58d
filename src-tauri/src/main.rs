// A GUI app on Windows would need this; on Linux it is harmless.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    // The data folder, store, logs and staging are private whatever umask
    // the kiosk was started with (files meant for others set their mode).
    kiosk_core::private::restrict_umask();
    summit_kiosk::cli::main()
}
