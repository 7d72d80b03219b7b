//! Sync frames: a peer's message bytes, handled by both sides of a session
//! on a real engine, and raw negentropy messages by the reconciler.
#![no_main]

use kenes_sync::session::{Initiator, Message, Responder, index_of};
use libfuzzer_sys::fuzz_target;
thread_local! {
    static ENGINE: kenes_core::Engine = kenes_fuzz::engine();
}

fuzz_target!(|data: &[u8]| ENGINE.with(|engine| run(engine, data)));

fn run(engine: &kenes_core::Engine, data: &[u8]) {
    if let Ok(message) = Message::decode(data) {
        let mut responder = Responder::new(engine);
        let _ = responder.handle(engine, message.clone());
        let mut initiator = Initiator::new(engine);
        let _ = initiator.start();
        let _ = initiator.handle(engine, message);
    }
    let index = index_of(engine);
    let mut reconciler = kenes_sync::reconcile::Reconciler::new(&index);
    let _ = reconciler.respond(data);
    let mut initiator = kenes_sync::reconcile::Reconciler::resume_as_initiator(&index);
    let _ = initiator.respond(data);
}
