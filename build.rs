//! Rebuilds the binary when anything under templates/ changes, since the packs
//! are embedded with include_dir and stable Rust cannot track those reads.

fn main() {
    println!("cargo:rerun-if-changed=templates");
}
