//! `bench-desktop`: the release app under Xvfb, driven through WebDriver as the tests drive
//! it, on the demo business and on a 100k-contact / 1M-interaction business:
//! - cold start: from starting the app to its first timeline painted on screen (the shell
//!   counts from its first instruction, the page reports two animation frames after the
//!   rows are in the page; the wall time seen by this harness, WebDriver's own session
//!   start included, is printed beside it);
//! - memory after 60 s idle: resident and proportional set size of the app and each of
//!   its WebKit processes;
//! - a 10,000-item timeline: loading it by scrolling to the end, frame times while
//!   scrolling through it, and jumps into it.
//!
//! `./dev bench desktop` builds the release UI and app and runs this. Figures are printed,
//! never asserted. Arguments: `[BIG_BUSINESS_FILE] [IDLE_SECONDS]`; the big business is
//! `hearth bench timeline`'s file (made by it when missing: about 4 minutes).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use hearth_core::demo::{self, DemoOptions};
use hearth_core::Registry;
use hearth_e2e::desktop::Desktop;
use serde_json::Value;

const RUNS: usize = 3;

#[tokio::main]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let big = args.next().map(PathBuf::from);
    let idle: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(60);
    if std::env::var("HEARTH_E2E_PROFILE").as_deref() != Ok("release") {
        eprintln!("note: HEARTH_E2E_PROFILE is not release: measuring the debug build");
    }

    let demo_dir = tempfile::tempdir()?;
    let (_, store) = Registry::at(demo_dir.path())
        .create("Brightside Home Services (demo)")
        .await?;
    let seeded = demo::seed(&store, &DemoOptions::default(), |_, _| {}).await?;
    let demo_count = store.count_interactions().await?;
    store.close().await;
    let _ = seeded;
    println!("demo business: {demo_count} interactions");
    let demo_starts = cold_starts(demo_dir.path()).await?;
    let demo_memory = idle_memory(demo_dir.path(), idle).await?;

    let Some(big) = big else {
        println!("(no big business file given: the 1M figures are skipped)");
        return Ok(());
    };
    if !big.is_file() {
        bail!(
            "{} is missing: run `hearth bench timeline` first",
            big.display()
        );
    }
    let big_dir = tempfile::tempdir()?;
    let copied = Instant::now();
    let business = Registry::at(big_dir.path())
        .restore(&big, Some("Big business"))
        .await
        .context("copy the big business")?;
    let (_, store) = Registry::at(big_dir.path())
        .open(Some(&business.id))
        .await?;
    let big_count = store.count_interactions().await?;
    store.close().await;
    println!(
        "big business: {big_count} interactions ({:.1} s to copy and check it)",
        copied.elapsed().as_secs_f64()
    );
    let big_starts = cold_starts(big_dir.path()).await?;
    let big_memory = idle_memory(big_dir.path(), idle).await?;
    scrolling(big_dir.path()).await?;

    println!();
    println!("summary (median of {RUNS} starts; memory after {idle} s idle)");
    for (name, starts, memory) in [
        ("demo", &demo_starts, &demo_memory),
        ("1M", &big_starts, &big_memory),
    ] {
        println!(
            "  {name:<5} first painted timeline {:>6} ms after start; RSS {:>5.0} MB (PSS {:>5.0} MB) over {} processes",
            median(starts),
            memory.rss_kb as f64 / 1024.0,
            memory.pss_kb as f64 / 1024.0,
            memory.processes
        );
    }
    Ok(())
}

fn median(values: &[u64]) -> u64 {
    let mut v = values.to_vec();
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

/// Waits for the page's first-paint figure (ms after the app started).
async fn first_paint(desktop: &Desktop) -> Result<u64> {
    let started = Instant::now();
    loop {
        let v = desktop
            .js("return document.documentElement.dataset.firstPaintMs || null")
            .await?;
        if let Some(ms) = v.as_str().and_then(|s| s.parse().ok()) {
            return Ok(ms);
        }
        if started.elapsed() > Duration::from_secs(120) {
            bail!("the timeline was never painted");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn cold_starts(data: &Path) -> Result<Vec<u64>> {
    let mut figures = Vec::new();
    for run in 1..=RUNS {
        let wall = Instant::now();
        let desktop = Desktop::start(data).await?;
        let ms = first_paint(&desktop).await?;
        let seen = wall.elapsed().as_millis();
        let rows = desktop
            .js("return document.querySelectorAll('#timeline .timeline-item').length")
            .await?;
        println!(
            "  start {run}: first timeline painted {ms} ms after the app started ({rows} rows; {seen} ms wall time through WebDriver)"
        );
        figures.push(ms);
        desktop.close().await?;
    }
    Ok(figures)
}

#[derive(Debug, Default)]
struct Memory {
    rss_kb: u64,
    pss_kb: u64,
    processes: usize,
}

/// The app started on `data`, left alone for `idle` seconds, then measured with its WebKit
/// processes.
async fn idle_memory(data: &Path, idle: u64) -> Result<Memory> {
    let desktop = Desktop::start(data).await?;
    first_paint(&desktop).await?;
    tokio::time::sleep(Duration::from_secs(idle)).await;
    let app = find_app(data).context("find the app's process")?;
    let mut memory = Memory::default();
    for pid in with_descendants(app) {
        let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        let rss = status_kb(pid, "VmRSS:");
        let pss = rollup_kb(pid, "Pss:");
        println!(
            "  {:<22} RSS {:>7.1} MB  PSS {:>7.1} MB",
            name.trim(),
            rss as f64 / 1024.0,
            pss as f64 / 1024.0
        );
        memory.rss_kb += rss;
        memory.pss_kb += pss;
        memory.processes += 1;
    }
    println!(
        "  after {idle} s idle: RSS {:.1} MB, PSS {:.1} MB in all",
        memory.rss_kb as f64 / 1024.0,
        memory.pss_kb as f64 / 1024.0
    );
    desktop.close().await?;
    Ok(memory)
}

/// The `hearth-desktop` process whose `HEARTH_DATA_DIR` is `data`.
fn find_app(data: &Path) -> Option<u32> {
    let want = format!("HEARTH_DATA_DIR={}", data.display());
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
            if !exe.to_string_lossy().ends_with("hearth-desktop") {
                return None;
            }
            let environ = std::fs::read(format!("/proc/{pid}/environ")).ok()?;
            environ
                .split(|b| *b == 0)
                .any(|var| var == want.as_bytes())
                .then_some(pid)
        })
}

/// `root` and every process below it.
fn with_descendants(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // The field after the command (which may hold spaces) and the state.
            let after = &stat[stat.rfind(')')? + 2..];
            let ppid = after.split_whitespace().nth(1)?.parse().ok()?;
            Some((pid, ppid))
        })
        .collect();
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, p)| *p == parent)
                .map(|(c, _)| *c),
        );
        i += 1;
    }
    found
}

fn status_kb(pid: u32, key: &str) -> u64 {
    field_kb(&format!("/proc/{pid}/status"), key)
}

fn rollup_kb(pid: u32, key: &str) -> u64 {
    field_kb(&format!("/proc/{pid}/smaps_rollup"), key)
}

fn field_kb(path: &str, key: &str) -> u64 {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Loads 10,000 items by scrolling, then scrolls through them and jumps into them.
async fn scrolling(data: &Path) -> Result<()> {
    let desktop = Desktop::start(data).await?;
    first_paint(&desktop).await?;
    let started = Instant::now();
    loop {
        let count = desktop
            .js("window.scrollTo(0, document.body.scrollHeight);
                 return Number(document.getElementById('timeline').dataset.count);")
            .await?
            .as_u64()
            .unwrap_or(0);
        if count >= 10_000 {
            println!(
                "  10,000-item timeline: {count} items loaded by scrolling to the end in {:.2} s (pages of 500)",
                started.elapsed().as_secs_f64()
            );
            break;
        }
        if started.elapsed() > Duration::from_secs(300) {
            bail!("only {count} items loaded after 5 minutes");
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    let in_page = desktop
        .js("return document.querySelectorAll('#timeline > .timeline-item').length")
        .await?;
    println!("  rows in the page at the end: {in_page}");

    // 600 frames from the top, 400 px each (about 12 rows a frame, so rows come and go
    // every frame), then 8 px each (rows rarely change: the page's own paint cost).
    for step in [400, 8] {
        desktop
            .js(&format!(
                "window.scrollTo(0, 0); window.__frames = null;
                 (async () => {{
                   const frame = () => new Promise(r => requestAnimationFrame(r));
                   await frame(); await frame();
                   let last = performance.now(); const gaps = [];
                   for (let i = 0; i < 600; i++) {{
                     window.scrollBy(0, {step});
                     const t = await frame(); gaps.push(t - last); last = t;
                   }}
                   window.__frames = gaps;
                 }})();
                 return null;"
            ))
            .await?;
        let gaps = wait_for_value(&desktop, "return window.__frames").await?;
        let mut gaps: Vec<f64> = serde_json::from_value(gaps)?;
        report_frames(
            &format!("frame interval scrolling {step} px a frame"),
            &mut gaps,
        );
    }

    // Jumps: to a place far away, until the rows there are painted.
    desktop
        .js("window.__jumps = null;
             (async () => {
               const frame = () => new Promise(r => requestAnimationFrame(r));
               const list = document.getElementById('timeline');
               const row = list.querySelector(':scope > .timeline-item').getBoundingClientRect().height;
               const top = list.getBoundingClientRect().top + window.scrollY;
               const times = [];
               for (const target of [5000, 200, 9000, 2500, 7500, 100, 9990, 4000]) {
                 const t0 = performance.now();
                 window.scrollTo(0, top + target * row);
                 for (let i = 0; i < 60; i++) {
                   await frame();
                   if (list.querySelector(`:scope > .timeline-item[data-index=\"${target}\"]`)) break;
                 }
                 await frame();
                 times.push(performance.now() - t0);
               }
               window.__jumps = times;
             })();
             return null;")
        .await?;
    let jumps = wait_for_value(&desktop, "return window.__jumps").await?;
    let mut jumps: Vec<f64> = serde_json::from_value(jumps)?;
    report_frames("jump to a far row until painted", &mut jumps);
    desktop.close().await?;
    Ok(())
}

async fn wait_for_value(desktop: &Desktop, script: &str) -> Result<Value> {
    let started = Instant::now();
    loop {
        let v = desktop.js(script).await?;
        if !v.is_null() {
            return Ok(v);
        }
        if started.elapsed() > Duration::from_secs(120) {
            bail!("the page never finished: {script}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn report_frames(what: &str, ms: &mut [f64]) {
    ms.sort_by(f64::total_cmp);
    let n = ms.len().max(1);
    let mean = ms.iter().sum::<f64>() / n as f64;
    let at = |q: f64| ms[((n as f64 - 1.0) * q).round() as usize];
    let slow = ms.iter().filter(|m| **m > 50.0).count();
    println!(
        "  {what}: {} samples, mean {mean:.1} ms, median {:.1} ms, p95 {:.1} ms, max {:.1} ms, {slow} over 50 ms",
        ms.len(),
        at(0.5),
        at(0.95),
        at(1.0)
    );
}
