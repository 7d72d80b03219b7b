//! Exit codes: 0 ok, 1 user error (one line on stderr), 2 internal error.

use std::fmt;

/// An error caused by the user's input or situation, not by a bug.
#[derive(Debug)]
pub struct UserError(pub String);

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UserError {}

/// A user error with `message`.
pub fn user(message: impl Into<String>) -> anyhow::Error {
    UserError(message.into()).into()
}

/// The exit code an error deserves.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    let is_user = error.chain().any(|cause| {
        cause.is::<UserError>()
            || cause.is::<kenes_store::bundle::BundleError>()
            || cause.is::<kenes_store::keyfile::KeyError>()
            || cause.is::<kenes_core::types::HexError>()
            || cause
                .downcast_ref::<kenes_store::StoreError>()
                .is_some_and(kenes_store::StoreError::is_user_error)
            || cause
                .downcast_ref::<kenes_store::author::AuthorError>()
                .is_some_and(kenes_store::author::AuthorError::is_user_error)
            || cause
                .downcast_ref::<std::io::Error>()
                .is_some_and(is_user_io)
    });
    if is_user { 1 } else { 2 }
}

/// I/O failures the user can fix: a path that is missing, a directory, a
/// file where a directory should be, or not writable.
fn is_user_io(e: &std::io::Error) -> bool {
    use std::io::ErrorKind as K;
    matches!(
        e.kind(),
        K::NotFound
            | K::PermissionDenied
            | K::AlreadyExists
            | K::IsADirectory
            | K::NotADirectory
            | K::ReadOnlyFilesystem
            | K::StorageFull
            | K::InvalidFilename
            | K::DirectoryNotEmpty
    )
}

/// The error and its causes on one line.
pub fn one_line(error: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ").replace('\n', " ")
}
