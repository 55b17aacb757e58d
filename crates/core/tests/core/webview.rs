//! How the display's web engine renders, by machine and config.

use std::path::PathBuf;

use kiosk_core::config::Config;
use kiosk_core::webview::{
    choose, memory_total_mb, usable_render_node, Machine, Renderer, WebviewConfig,
};

fn machine(render_node: Option<&str>, memory_mb: u64) -> Machine {
    Machine {
        render_node: render_node.map(PathBuf::from),
        memory_mb,
    }
}

/// (renderer asked, render node, machine MiB) → (GPU, memory limit, words in the reason)
fn check(renderer: Renderer, node: Option<&str>, memory_mb: u64, expect: (bool, u64, &[&str])) {
    let choice = choose(
        &WebviewConfig {
            renderer,
            ..Default::default()
        },
        &machine(node, memory_mb),
    );
    let (gpu, limit, words) = expect;
    assert_eq!(choice.gpu, gpu, "{renderer:?} {node:?}: {}", choice.reason);
    assert_eq!(choice.memory_limit_mb, limit, "{memory_mb} MiB");
    for word in words {
        assert!(
            choice.reason.contains(word),
            "{word:?} not in {:?}",
            choice.reason
        );
    }
}

#[test]
fn the_renderer_follows_the_machine_unless_the_config_says() {
    let gpu = Some("/dev/dri/renderD128");
    check(
        Renderer::Auto,
        None,
        24_000,
        (
            false,
            512,
            &["software", "no usable GPU", "document viewer"],
        ),
    );
    check(
        Renderer::Auto,
        gpu,
        4_096,
        (true, 512, &["DMA-BUF", "/dev/dri/renderD128"]),
    );
    check(
        Renderer::Software,
        gpu,
        4_096,
        (false, 512, &["config asks for software"]),
    );
    check(
        Renderer::Gpu,
        None,
        4_096,
        (true, 512, &["config asks for the GPU"]),
    );
    // A 2 GB board: an eighth; a tiny one: never below 128 MiB.
    check(
        Renderer::Auto,
        None,
        2_048,
        (false, 256, &["256 MiB of 2048 MiB"]),
    );
    check(Renderer::Auto, None, 512, (false, 128, &["128 MiB"]));
}

#[test]
fn the_machine_is_read_from_proc_and_dev() {
    assert_eq!(
        memory_total_mb("MemTotal:       24682672 kB\nMemFree: 1 kB\n"),
        24104
    );
    assert_eq!(memory_total_mb("nothing here"), 0);
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(usable_render_node(dir.path()), None);
    assert_eq!(usable_render_node(&dir.path().join("missing")), None);
    // A render node we may open is taken; card nodes are not render nodes.
    std::fs::write(dir.path().join("card0"), b"").unwrap();
    assert_eq!(usable_render_node(dir.path()), None);
    std::fs::write(dir.path().join("renderD129"), b"").unwrap();
    std::fs::write(dir.path().join("renderD128"), b"").unwrap();
    assert_eq!(
        usable_render_node(dir.path()),
        Some(dir.path().join("renderD128"))
    );
    assert!(Machine::probe().memory_mb > 0);
}

#[test]
fn the_config_names_the_renderer_and_refuses_others() {
    let parse = |text: &str| toml::from_str::<Config>(text);
    assert_eq!(parse("").unwrap().webview.renderer, Renderer::Auto);
    assert_eq!(
        parse("[webview]\nrenderer = \"software\"\n")
            .unwrap()
            .webview
            .renderer,
        Renderer::Software
    );
    let e = parse("[webview]\nrenderer = \"vulkan\"\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("vulkan") && e.contains("auto"), "{e}");
    let e = parse("[webview]\nrender = \"gpu\"\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("render"), "{e}");
    // The documented example says the same.
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../config.example.toml");
    let text = std::fs::read_to_string(example).unwrap();
    assert_eq!(parse(&text).unwrap().webview, WebviewConfig::default());
}

/// (GPU node, JIT asked) → the variables WebKit's processes start with.
fn check_env(node: Option<&str>, javascript_jit: bool, expect: (&[&str], bool)) {
    let config = WebviewConfig {
        javascript_jit,
        ..Default::default()
    };
    let choice = choose(&config, &machine(node, 4_096));
    let set: Vec<String> = choice
        .env
        .iter()
        .map(|v| format!("{}={}", v.name, v.value))
        .collect();
    assert_eq!(set, expect.0, "{node:?} jit {javascript_jit}");
    assert!(choice.env.iter().all(|v| !v.why.is_empty()));
}

#[test]
fn the_engine_environment_follows_the_renderer_and_the_jit_setting() {
    let tunable = "GLIBC_TUNABLES=glibc.malloc.mmap_threshold=262144";
    check_env(
        None,
        false,
        (
            &[
                tunable,
                "WEBKIT_DISABLE_DMABUF_RENDERER=1",
                "JSC_useJIT=false",
            ],
            false,
        ),
    );
    check_env(
        None,
        true,
        (&[tunable, "WEBKIT_DISABLE_DMABUF_RENDERER=1"], false),
    );
    check_env(
        Some("/dev/dri/renderD128"),
        false,
        (&[tunable, "JSC_useJIT=false"], true),
    );
    check_env(Some("/dev/dri/renderD128"), true, (&[tunable], true));
    let parse = |text: &str| toml::from_str::<Config>(text).unwrap().webview;
    assert!(!parse("").javascript_jit);
    assert!(parse("[webview]\njavascript_jit = true\n").javascript_jit);
}
