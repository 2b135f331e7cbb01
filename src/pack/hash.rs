//! The content hash of a pack tree, recorded in projects to pin exactly what rendered them.

use sha2::{Digest, Sha256};

/// Lowercase hex sha256 over `entries` (relative `/`-separated path, bytes) sorted by path.
/// Each entry contributes its path, a NUL, its length as 8 big-endian bytes and its bytes, so
/// no two different trees can produce the same byte stream.
pub fn content_hash<'a>(entries: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut entries: Vec<(&str, &[u8])> = entries.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let mut hasher = Sha256::new();
    for (path, bytes) in entries {
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update((bytes.len() as u64).to_be_bytes());
        hasher.update(bytes);
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::content_hash;

    #[test]
    fn order_does_not_matter_but_boundaries_do() {
        let a = content_hash([("a", &b"xy"[..]), ("b", &b""[..])]);
        let b = content_hash([("b", &b""[..]), ("a", &b"xy"[..])]);
        assert_eq!(a, b);
        assert_eq!(a.len(), 64);
        let moved = content_hash([("a", &b"x"[..]), ("b", &b"y"[..])]);
        assert_ne!(a, moved);
    }
}
