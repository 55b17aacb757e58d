//! How the display's web engine should run on this machine: the choice is
//! made here, from what the machine offers and what the config asks; the
//! shell (`src-tauri/src/webkit.rs`) only applies it to WebKit.
//!
//! Measured on a 2-core PC with no GPU (Xvfb, 1080p, the demo with its
//! wall): WebKit's default DMA-BUF renderer falls back to software
//! rendering into GPU-style buffers and its web process holds ~270 MB PSS;
//! with shared-memory buffers instead, ~125 MB. So without a usable GPU the
//! display renders in software, and with one it keeps WebKit's defaults.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The `[webview]` table of the config.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebviewConfig {
    /// `auto` (default): the GPU if the machine has a usable one, else
    /// software; `gpu` or `software` to override.
    pub renderer: Renderer,
    /// JavaScriptCore's just-in-time compilers in the web process. Off by
    /// default: the display runs a few small scripts once a second, which
    /// the interpreter does in about the same CPU time, and the kiosk's PSS
    /// was 7 and 19 MiB lower without them (two interleaved A/B pairs).
    pub javascript_jit: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Renderer {
    #[default]
    Auto,
    Gpu,
    Software,
}

/// What the machine offers, as far as the web engine cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    /// A DRM render node this process may open (`/dev/dri/renderD128`).
    pub render_node: Option<PathBuf>,
    /// Physical memory, MiB.
    pub memory_mb: u64,
}

impl Machine {
    /// Look at this machine: the render nodes under `/dev/dri` and
    /// `MemTotal` in `/proc/meminfo`.
    pub fn probe() -> Machine {
        Machine {
            render_node: usable_render_node(Path::new("/dev/dri")),
            memory_mb: memory_total_mb(
                &std::fs::read_to_string("/proc/meminfo").unwrap_or_default(),
            ),
        }
    }
}

/// The first `renderD*` node in `dir` that opens for reading and writing
/// (a node the user may not open is no GPU for us).
pub fn usable_render_node(dir: &Path) -> Option<PathBuf> {
    let mut nodes: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("renderD"))
        })
        .collect();
    nodes.sort();
    nodes.into_iter().find(|p| {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(p)
            .is_ok()
    })
}

/// `MemTotal` of a `/proc/meminfo` text, in MiB (0 if absent).
pub fn memory_total_mb(meminfo: &str) -> u64 {
    meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kib| kib / 1024)
}

/// Blocks from this size on are mapped on their own and unmapped when freed,
/// in the app and in WebKit's processes. glibc's default threshold rises to
/// the size of the largest block freed, so after the first photo the wall's
/// decoded frames (8 MiB at 1080p) came from the web process's heap, which
/// fragmented and grew by ~30 MiB in seven minutes of the 3-day event at
/// --speed 600.
pub const MMAP_THRESHOLD: usize = 256 * 1024;

/// One variable WebKit's processes read from the environment when they
/// start, as chosen for this machine, and why (for the log).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EngineVar {
    pub name: &'static str,
    pub value: String,
    pub why: &'static str,
}

/// What the shell applies to WebKit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EngineChoice {
    /// GPU compositing through DMA-BUF buffers (WebKit's default); else
    /// software rendering into shared-memory buffers, with accelerated
    /// compositing off.
    pub gpu: bool,
    /// Above this, WebKit's processes that take memory-pressure settings
    /// drop caches (MiB).
    pub memory_limit_mb: u64,
    /// One sentence for the log: what was chosen and why.
    pub reason: String,
    /// Set for the app and inherited by WebKit's processes, unless the
    /// environment already has them (a technician's value wins).
    pub env: Vec<EngineVar>,
}

/// The engine's memory budget: an eighth of the machine, 128 to 512 MiB (a
/// 2 GB board gets 256 MiB, more than the display needs at 4K).
fn memory_limit_mb(machine_mb: u64) -> u64 {
    (machine_mb / 8).clamp(128, 512)
}

/// Choose how the display renders on `machine`, as `config` asks.
pub fn choose(config: &WebviewConfig, machine: &Machine) -> EngineChoice {
    let memory_limit_mb = memory_limit_mb(machine.memory_mb);
    let (gpu, why) = match (config.renderer, &machine.render_node) {
        (Renderer::Gpu, _) => (true, "the config asks for the GPU".to_string()),
        (Renderer::Software, _) => (false, "the config asks for software rendering".to_string()),
        (Renderer::Auto, Some(node)) => (true, format!("GPU render node {}", node.display())),
        (Renderer::Auto, None) => (
            false,
            "no usable GPU render node in /dev/dri: DMA-BUF buffers would be drawn in software and cost twice the memory".to_string(),
        ),
    };
    let how = if gpu {
        "GPU compositing (DMA-BUF)"
    } else {
        "software rendering into shared memory, no accelerated compositing"
    };
    EngineChoice {
        gpu,
        memory_limit_mb,
        reason: format!(
            "{how}: {why}; cache model document viewer; memory limit {memory_limit_mb} MiB of {} MiB",
            machine.memory_mb
        ),
        env: engine_env(gpu, config.javascript_jit),
    }
}

/// The environment WebKit's processes start with: what the renderer needs,
/// and what keeps their memory low on this machine.
fn engine_env(gpu: bool, jit: bool) -> Vec<EngineVar> {
    let var = |name, value: &str, why| EngineVar {
        name,
        value: value.to_string(),
        why,
    };
    let mut env = vec![var(
        "GLIBC_TUNABLES",
        &format!("glibc.malloc.mmap_threshold={MMAP_THRESHOLD}"),
        "a fixed mmap threshold keeps the photo wall's frames out of the heap",
    )];
    if !gpu {
        env.push(var(
            "WEBKIT_DISABLE_DMABUF_RENDERER",
            "1",
            "shared-memory buffers: DMA-BUF ones would be drawn in software at twice the memory",
        ));
    }
    if !jit {
        env.push(var(
            "JSC_useJIT",
            "false",
            "the display's scripts are small: the interpreter runs them without the compilers' memory",
        ));
    }
    env
}
