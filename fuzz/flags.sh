# Sourced by fuzz/run: libFuzzer's instrumentation on the stable toolchain.
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
export CARGO_TARGET_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/target"
# With an explicit --target, RUSTFLAGS skip build scripts and proc macros
# (which cannot link the instrumentation), as cargo-fuzz does.
FUZZ_TARGET_TRIPLE="$(rustc -vV | sed -n 's/^host: //p')"
export FUZZ_TARGET_TRIPLE
