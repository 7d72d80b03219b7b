//! Bundle and frontier files: whatever the bytes, readers return an error
//! or the file's contents, never panic or allocate beyond the bounds, and
//! the streaming reader agrees with the whole-file reader. Sealed files
//! (issue 14) are opened with the key the corpus's sealed seeds were
//! sealed to ([`kenes_store::sealed::FUZZ_SECRET`]), and what opens is read
//! as a bundle and a frontier in turn.
#![no_main]

use kenes_store::bundle::{BundleReader, check_bundle, read_bundle, read_frontier};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let whole = read_bundle(data);
    let checked = check_bundle(data);
    assert_eq!(whole.is_ok(), checked.is_ok());
    if let (Ok(bundle), Ok(summary)) = (&whole, &checked) {
        assert_eq!(bundle.ops.len() as u64, summary.ops);
        assert_eq!(bundle.federation, summary.federation);
        let mut reader = BundleReader::new(data).expect("header read before");
        let mut streamed = Vec::new();
        loop {
            let batch = reader.next_batch(3, 100).expect("checked before");
            if batch.is_empty() {
                break;
            }
            assert!(batch.len() <= 3);
            streamed.extend(batch);
        }
        assert_eq!(streamed, bundle.ops);
    }
    let _ = read_frontier(data);
    let secret = kenes_core::seal::EncryptionSecret::from_bytes(kenes_store::sealed::FUZZ_SECRET);
    if let Ok(mut opened) = kenes_store::sealed::open(data, &[secret]) {
        let mut contents = Vec::new();
        if std::io::Read::read_to_end(&mut opened, &mut contents).is_ok() {
            assert!(contents.len() <= data.len());
            let _ = read_bundle(&contents[..]);
            let _ = read_frontier(&contents[..]);
        }
    }
});
