//! The admission handshake: a peer's hello frame and proof frame, checked
//! against a real engine. Only a member's valid proof may be admitted.
#![no_main]

use kenes_core::Signature;
use kenes_sync::admission::{Hello, admit, challenge};
use libfuzzer_sys::fuzz_target;
thread_local! {
    static ENGINE: kenes_core::Engine = kenes_fuzz::engine();
}

fuzz_target!(|data: &[u8]| ENGINE.with(|engine| run(engine, data)));

fn run(engine: &kenes_core::Engine, data: &[u8]) {
    let (hello, rest) = match postcard::take_from_bytes::<Hello>(data) {
        Ok(parsed) => parsed,
        Err(_) => return,
    };
    let Ok(proof) = <[u8; 64]>::try_from(rest.get(..64).unwrap_or(&[])) else {
        return;
    };
    let ours = Hello {
        federation: engine.federation(),
        member: kenes_fuzz::founder().public(),
        nonce: [7; 32],
    };
    let challenge = challenge(&[1; 32], &[2; 32], &hello, &ours);
    if admit(engine, &hello, &Signature(proof), &challenge).is_ok() {
        assert!(engine.may_sync(&hello.member));
        assert!(kenes_core::keys::verify(
            &hello.member,
            &challenge,
            &Signature(proof)
        ));
    }
}
