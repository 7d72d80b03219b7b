//! A photo sent to be read as a QR code (issue 13): whatever the bytes,
//! reading returns text or an error, within the size limits, and never
//! panics (a panic in the image or QR decoder would be answered with
//! "unreadable" by the server, but is a bug to find here first).
#![no_main]

use kenes_web::scan::read_qr;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = read_qr(data) {
        assert!(!text.is_empty() && text.len() <= 4096);
    }
});
