//! Bundle and frontier files: whatever the bytes, readers return an error
//! or the file's contents, never panic or allocate beyond the bounds, and
//! the streaming reader agrees with the whole-file reader.
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
});
