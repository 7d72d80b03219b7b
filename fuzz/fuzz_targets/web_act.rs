//! The web API's JSON actions (`POST /api/act`): any body, through the
//! real router, with a valid session. Never a panic or a server error.
#![no_main]

use libfuzzer_sys::fuzz_target;
thread_local! {
    static WEB: kenes_fuzz::Web = kenes_fuzz::Web::new();
}

fuzz_target!(|data: &[u8]| WEB.with(|web| run(web, data)));

fn run(web: &kenes_fuzz::Web, data: &[u8]) {
    let status = web.send("POST", "/api/act", "application/json", data.to_vec());
    assert!(
        status < 500,
        "server error {status} for {:?}",
        String::from_utf8_lossy(data)
    );
}
