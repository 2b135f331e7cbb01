//! Integration tests: drive the real `scaffold` binary in temporary directories.
