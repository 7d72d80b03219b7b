//! Names the fold this build runs, for the persisted read snapshot
//! (`src/snapshot.rs`): a BLAKE3 hash of kenes-core's source and of the
//! snapshot format. A snapshot written by another fold is never used, so a
//! change to the fold can never show a state the new fold would not make.

use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let core = manifest.join("../kenes-core/src");
    let format = manifest.join("src/snapshot.rs");
    println!("cargo:rerun-if-changed={}", core.display());
    println!("cargo:rerun-if-changed={}", format.display());
    let mut paths = Vec::new();
    files(&core, &mut paths);
    paths.sort();
    paths.push(format);
    let mut hasher = blake3::Hasher::new();
    for path in &paths {
        let relative = path.strip_prefix(&manifest).unwrap_or(path);
        hasher.update(relative.to_string_lossy().as_bytes());
        hasher.update(&std::fs::read(path).unwrap_or_default());
    }
    println!(
        "cargo:rustc-env=KENES_FOLD_BUILD={}",
        hasher.finalize().to_hex()
    );
}
