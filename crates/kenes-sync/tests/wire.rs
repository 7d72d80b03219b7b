//! Round trips for every wire message, and hostile bytes that never panic.

use kenes_core::Hash;
use kenes_sync::admission::Hello;
use kenes_sync::net::Ticket;
use kenes_sync::session::Message;
use proptest::prelude::*;

fn message() -> impl Strategy<Value = Message> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200).prop_map(Message::Reconcile),
        proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..100), 0..10)
            .prop_map(Message::Ops),
        proptest::collection::vec(any::<[u8; 32]>().prop_map(Hash), 0..20).prop_map(Message::Want),
        Just(Message::Done),
    ]
}

proptest! {
    #[test]
    fn session_messages_round_trip(m in message()) {
        prop_assert_eq!(Message::decode(&m.encode()).unwrap(), m);
    }

    #[test]
    fn hellos_round_trip(f in any::<[u8; 32]>(), k in any::<[u8; 32]>(), nonce in any::<[u8; 32]>()) {
        let hello = Hello { federation: Hash(f), member: kenes_core::PublicKey(k), nonce };
        let bytes = postcard::to_allocvec(&hello).unwrap();
        prop_assert_eq!(postcard::from_bytes::<Hello>(&bytes).unwrap(), hello);
    }

    #[test]
    fn tickets_round_trip(id in any::<[u8; 32]>(), f in any::<[u8; 32]>(), port in 1u16..) {
        let ticket = Ticket { endpoint: id, addrs: vec![std::net::SocketAddr::from(([127, 0, 0, 1], port))], federation: Hash(f) };
        prop_assert_eq!(Ticket::from_text(&ticket.to_text()).unwrap(), ticket);
    }

    #[test]
    fn hostile_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = Message::decode(&bytes);
        let _ = Ticket::from_text(&format!("kenes1{}", hex::encode(&bytes)));
        let index = kenes_sync::SyncIndex::new();
        let _ = kenes_sync::Reconciler::new(&index).respond(&bytes);
    }
}
