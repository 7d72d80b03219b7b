//! Op decoding and acceptance: any bytes, as one op arriving from outside.
//! Decoding never panics, a decoded op re-encodes to the same bytes (one
//! op, one id), and ingest never panics.
#![no_main]

use kenes_core::{Op, Verify};
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

thread_local! {
    static ENGINE: RefCell<kenes_core::Engine> = RefCell::new(kenes_fuzz::engine());
}

fuzz_target!(|data: &[u8]| {
    if let Ok(op) = Op::decode(data) {
        assert_eq!(op.bytes, data, "a decoded op keeps its exact bytes");
        let _ = kenes_core::validate::check_all_but_signature(&op);
    }
    let _ = kenes_core::validate::check_stateless(data);
    ENGINE.with_borrow_mut(|engine| {
        // Without signatures, so that the fuzzer reaches acceptance and the
        // fold; the signature check is a separate, total function.
        let report = engine.ingest(&[data], Verify::Trusted);
        let _ = report;
        if engine.len() > 10_000 || engine.pending_len() > 10_000 {
            *engine = kenes_fuzz::engine();
        }
    });
});
