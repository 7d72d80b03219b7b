//! The web UI's bundle upload (`POST /import`, multipart): any body, the
//! first bytes choosing the boundary, through the real router. Never a
//! panic or a server error.
#![no_main]

use libfuzzer_sys::fuzz_target;
thread_local! {
    static WEB: kenes_fuzz::Web = kenes_fuzz::Web::new();
}

fuzz_target!(|data: &[u8]| WEB.with(|web| run(web, data)));

fn run(web: &kenes_fuzz::Web, data: &[u8]) {
    // Half the inputs as a well-formed form around fuzzed file bytes (to
    // reach the bundle reader), half as a raw body (to reach the parser).
    let (body, boundary) = match data.split_first() {
        Some((&b, rest)) if b & 1 == 0 => {
            let mut body = b"--XyZ\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"a.bundle\"\r\nContent-Type: application/octet-stream\r\n\r\n".to_vec();
            body.extend_from_slice(rest);
            body.extend_from_slice(b"\r\n--XyZ--\r\n");
            (body, "XyZ")
        }
        Some((_, rest)) => (rest.to_vec(), "XyZ"),
        None => (Vec::new(), "XyZ"),
    };
    let status = web.send(
        "POST",
        "/import",
        &format!("multipart/form-data; boundary={boundary}"),
        body,
    );
    assert!(status < 500, "server error {status}");
}
