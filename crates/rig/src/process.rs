//! Processes the rig starts, stopped with everything they started, and what
//! a process tree holds in memory (from `/proc`).

use std::process::{Child, Command, ExitStatus};
use std::time::Duration;

use crate::{wait_until, Error, Result};

/// How long a process group has to end on SIGTERM before it is killed.
const GRACE: Duration = Duration::from_secs(3);

/// A child started as the leader of a new process group, and the group
/// stopped when dropped: SIGTERM to the group, the leader given [`GRACE`]
/// to exit, then SIGKILL to whatever of the group is left. (A kiosk's WebKit
/// processes, tauri-driver's WebKitWebDriver and the app it launched,
/// Chromium's or nginx's children: none outlives the test or the bench.)
#[derive(Debug)]
pub struct Group {
    child: Child,
}

impl Group {
    /// Start `cmd` as the leader of a new process group.
    pub fn spawn(cmd: &mut Command) -> Result<Group> {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0)
            .spawn()
            .map(|child| Group { child })
            .map_err(|source| Error::Start {
                what: format!("{cmd:?}"),
                source,
            })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The leader's exit status, if it has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// The leader itself (its pipes).
    pub fn child(&mut self) -> &mut Child {
        &mut self.child
    }

    /// Send `signal` (a name: `TERM`, `KILL`, …) to the whole group.
    pub fn signal(&self, signal: &str) {
        signal_group(self.pid(), signal);
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        stop_group(&mut self.child);
    }
}

/// Send `signal` to the process group led by `leader`, and to `leader`.
fn signal_group(leader: u32, signal: &str) {
    // The `kill` program, not libc: the rig stays on std. `--`: a negative
    // pid (a group) is no option. The leader by its own pid too: a child
    // that was not started in a group of its own still gets the signal.
    let _ = Command::new("kill")
        .args([
            "-s",
            signal,
            "--",
            &format!("-{leader}"),
            &leader.to_string(),
        ])
        .stderr(std::process::Stdio::null())
        .status();
}

/// Stop `leader`, started as the leader of its own process group, and its
/// whole group: SIGTERM to the group, the leader given [`GRACE`] to exit,
/// then SIGKILL to whatever of the group is left; the leader reaped. What
/// [`Group`] does when dropped, for a child spawned some other way.
pub fn stop_group(leader: &mut Child) {
    let pid = leader.id();
    signal_group(pid, "TERM");
    // The leader is not reaped while we wait (a zombie keeps the group's
    // id), so the SIGKILL cannot reach a group that took its number.
    let _ = wait_until(GRACE, "the group's leader to exit", || {
        matches!(state(pid), None | Some('Z'))
    });
    signal_group(pid, "KILL");
    let _ = leader.kill();
    let _ = leader.wait();
}

/// A process's state letter (`R`, `S`, `Z`, …), or `None` once it is gone.
fn state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the command name, which is in parentheses and may hold spaces.
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

/// Every process under `pid` (its children, theirs, …), by walking each
/// thread's `children`.
pub fn descendants(pid: u32) -> Vec<u32> {
    let mut all = Vec::new();
    let mut stack = vec![pid];
    while let Some(p) = stack.pop() {
        for task in std::fs::read_dir(format!("/proc/{p}/task"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let children =
                std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            for child in children.split_whitespace().filter_map(|c| c.parse().ok()) {
                all.push(child);
                stack.push(child);
            }
        }
    }
    all
}

/// `pid` and every process under it.
pub fn tree(pid: u32) -> Vec<u32> {
    let mut all = vec![pid];
    all.extend(descendants(pid));
    all
}

/// A `Name:   123 kB` (or `Name:   123`) field of `/proc/PID/<file>`.
pub fn proc_field(pid: u32, file: &str, field: &str) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/{file}"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Proportional set size of one process, in KiB: pages shared between
/// processes are split between them, so a tree's sum is what it holds.
pub fn pss_kib(pid: u32) -> Option<u64> {
    proc_field(pid, "smaps_rollup", "Pss")
}

/// PSS of a process and its descendants, in KiB.
pub fn pss_tree_kib(pid: u32) -> u64 {
    tree(pid).into_iter().filter_map(pss_kib).sum()
}

/// Resident set size of one process, in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    proc_field(pid, "status", "VmRSS")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alive(pid: u32) -> bool {
        !matches!(state(pid), None | Some('Z'))
    }

    #[test]
    fn dropping_a_group_stops_its_children_too() {
        // A shell that starts a grandchild ignoring SIGTERM, then waits.
        let group = Group::spawn(
            Command::new("sh").args(["-c", "(trap '' TERM; sleep 60) & sleep 60; wait"]),
        )
        .unwrap();
        let pid = group.pid();
        wait_until(Duration::from_secs(10), "two sleeps", || {
            descendants(pid).len() >= 2
        })
        .unwrap();
        let under = descendants(pid);
        assert!(under.iter().all(|p| alive(*p)), "{under:?}");
        drop(group);
        wait_until(Duration::from_secs(10), "every process gone", || {
            under.iter().all(|p| !alive(*p))
        })
        .unwrap();
    }

    #[test]
    fn a_tree_is_the_process_and_everything_under_it() {
        let mut group =
            Group::spawn(Command::new("sh").args(["-c", "sleep 60 & sleep 60; wait"])).unwrap();
        let pid = group.pid();
        wait_until(Duration::from_secs(10), "two sleeps", || {
            descendants(pid).len() == 2
        })
        .unwrap();
        let all = tree(pid);
        assert_eq!(all[0], pid);
        assert_eq!(all.len(), 3, "{all:?}");
        // Each holds some memory, and the sum is at least the leader's.
        let leader = pss_kib(pid).expect("smaps_rollup of a live process");
        assert!(leader > 0);
        assert!(pss_tree_kib(pid) > leader);
        assert!(rss_kib(pid).unwrap() >= leader);
        assert_eq!(group.exited(), None);
    }

    #[test]
    fn a_plain_field_is_read_too() {
        let threads = proc_field(std::process::id(), "status", "Threads").unwrap();
        assert!(threads >= 1);
        assert_eq!(
            proc_field(std::process::id(), "status", "NoSuchField"),
            None
        );
    }
}
