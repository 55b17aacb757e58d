//! What a kiosk measures of itself for its heartbeat: the memory of its
//! process tree (the app, WebKit's web and network processes, a photo
//! worker at work), as the kernel accounts it shared (PSS), and its name.

/// Every process under `pid`, `pid` included (each thread's `children`).
pub fn process_tree(pid: u32) -> Vec<u32> {
    let mut all = Vec::new();
    let mut stack = vec![pid];
    while let Some(p) = stack.pop() {
        all.push(p);
        // A process tree is a few processes; a loop in /proc cannot happen,
        // but a cap keeps a confused kernel answer from costing anything.
        if all.len() > 4096 {
            break;
        }
        for task in std::fs::read_dir(format!("/proc/{p}/task"))
            .into_iter()
            .flatten()
            .flatten()
        {
            if let Ok(children) = std::fs::read_to_string(task.path().join("children")) {
                stack.extend(
                    children
                        .split_whitespace()
                        .filter_map(|c| c.parse::<u32>().ok()),
                );
            }
        }
    }
    all
}

/// Proportional set size of `pid` and its descendants, in bytes; `None`
/// when not even `pid`'s can be read.
pub fn pss_tree_bytes(pid: u32) -> Option<u64> {
    let mut total = None;
    for p in process_tree(pid) {
        if let Some(kib) = pss_kib(p) {
            *total.get_or_insert(0) += kib * 1024;
        }
    }
    total
}

fn pss_kib(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("Pss:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// This machine's host name (`kiosk` if it has none).
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "kiosk".into())
}

/// A new screen id: `screen-` and 12 hex digits from the kernel's random
/// source (kept in the store, so it stays across restarts).
pub fn new_screen_id() -> std::io::Result<String> {
    use std::io::Read;
    let mut bytes = [0u8; 6];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(format!(
        "screen-{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    ))
}
