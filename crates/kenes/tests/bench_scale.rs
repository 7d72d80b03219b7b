//! `kenes bench scale` (issue 18) at a tiny size: it runs to the end and
//! prints every figure next to its goal. Figures only, never timings
//! checked against limits here.

use std::process::Command;

fn bench_scale(extra: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().expect("tempdir");
    Command::new(env!("CARGO_BIN_EXE_kenes"))
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "bench",
            "scale",
            "--ops",
            "400",
            "--members",
            "60",
            "--late",
            "50",
        ])
        .args(extra)
        .env_remove("KENES_PASSPHRASE")
        .output()
        .expect("run kenes")
}

#[test]
fn the_scale_bench_prints_every_figure_next_to_its_goal() {
    let out = bench_scale(&[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "bench scale failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for expected in [
        "400 ops (and 50 late) from 60 members in 3 committees (0 unauthorised)",
        "limit   batch signature verification, one core",
        "figure  end-to-end ingest",
        "ratio   ",
        "(goal >= 1.00",
        "figure  re-fold of all 400 ops from scratch",
        "figure  merge of 50 late ops into the 400-op state",
        "figure  `kenes state` on the 450-op store",
        "from the snapshot   (goal < 0.2 s and < 100 MB",
        "replaying the log",
        "memory  a writing command's engine, loaded in",
        "bytes per op (goal 215",
        "memory  peak RSS of this bench",
        "(goal < 2 GB at 10M ops",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn the_scale_bench_reports_every_figure_as_json() {
    let out = bench_scale(&["--json"]);
    assert!(
        out.status.success(),
        "bench scale failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let figures: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(figures["ops"], 400);
    assert_eq!(figures["late_ops"], 50);
    for key in [
        "verify_one_core_per_sec",
        "ingest_end_to_end_per_sec",
        "ratio",
        "refold_seconds",
        "late_merge_seconds",
        "late_merge_share_of_refold",
        "state_startup_snapshot_seconds",
        "state_startup_snapshot_peak_rss_bytes",
        "engine_bytes_per_op",
        "peak_rss_bytes",
    ] {
        assert!(
            figures[key].as_f64().is_some_and(|v| v > 0.0),
            "{key} missing or not positive in {figures}"
        );
    }
}

#[test]
fn too_few_ops_for_the_members_is_a_one_line_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_kenes"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["bench", "scale", "--ops", "100", "--members", "60"])
        .output()
        .expect("run kenes");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("use at least"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}
