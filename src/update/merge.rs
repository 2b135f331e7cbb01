//! Merging one file three ways: what the pack rendered before (base), what is on disk
//! (ours) and what the pack renders now (theirs), with git-style conflict markers.

use diffy::{ConflictStyle, IncompleteHunkStyle, MergeOptions};
use similar::{DiffTag, TextDiff};

/// The names written after the conflict markers, so a user can tell the sides apart.
#[derive(Debug, Clone, Copy)]
pub struct Labels<'a> {
    /// The user's file, e.g. `yours`.
    pub ours: &'a str,
    /// The pack's new render, e.g. `rest-api 0.2.0`.
    pub theirs: &'a str,
}

/// The result of merging one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merged {
    /// Both sides' changes applied without overlap.
    Clean(Vec<u8>),
    /// Overlapping changes, marked in the text; `hunks` counts the marked regions.
    Conflicted { text: Vec<u8>, hunks: usize },
    /// One side is not text: nothing can be merged line by line.
    Binary,
}

/// Merges the user's changes (`base` → `ours`) with the pack's (`base` → `theirs`).
pub fn three_way(base: &[u8], ours: &[u8], theirs: &[u8], labels: Labels<'_>) -> Merged {
    let (Some(base), Some(ours), Some(theirs)) = (text(base), text(ours), text(theirs)) else {
        return Merged::Binary;
    };
    let mut options = MergeOptions::new();
    options
        .set_conflict_style(ConflictStyle::Merge)
        .set_incomplete_hunk_style(IncompleteHunkStyle::Git);
    match options.merge(base, ours, theirs) {
        Ok(merged) => Merged::Clean(merged.into_bytes()),
        Err(conflicted) => relabel(&conflicted, labels),
    }
}

/// Without a base, every region where the two files differ is a conflict: nothing tells
/// which side changed it.
pub fn two_way(ours: &[u8], theirs: &[u8], labels: Labels<'_>) -> Merged {
    let (Some(ours), Some(theirs)) = (text(ours), text(theirs)) else {
        return Merged::Binary;
    };
    if ours == theirs {
        return Merged::Clean(ours.as_bytes().to_vec());
    }
    let diff = TextDiff::from_lines(ours, theirs);
    let mut out = String::with_capacity(ours.len() + theirs.len());
    let mut hunks = 0;
    let mut pending: Option<(String, String)> = None;
    for op in diff.ops() {
        if op.tag() == DiffTag::Equal {
            if let Some((mine, pack)) = pending.take() {
                push_conflict(&mut out, &mine, &pack, labels);
                hunks += 1;
            }
            out.extend(op.old_range().filter_map(|i| diff.old_slice(i)));
        } else {
            let (mine, pack) = pending.get_or_insert_with(Default::default);
            mine.extend(op.old_range().filter_map(|i| diff.old_slice(i)));
            pack.extend(op.new_range().filter_map(|i| diff.new_slice(i)));
        }
    }
    if let Some((mine, pack)) = pending {
        push_conflict(&mut out, &mine, &pack, labels);
        hunks += 1;
    }
    Merged::Conflicted {
        text: out.into_bytes(),
        hunks,
    }
}

/// The pack's change to a file as a unified diff, for a `FILE.rej` beside a user's file
/// that keeps its own contents.
pub fn rejected_change(path: &str, base: &[u8], theirs: &[u8], labels: Labels<'_>) -> Vec<u8> {
    let base = String::from_utf8_lossy(base);
    let theirs = String::from_utf8_lossy(theirs);
    let diff = TextDiff::from_lines(base.as_ref(), theirs.as_ref());
    let mut out = format!(
        "# The pack's change to {path} ({}) that could not be merged into your version.\n\
         # Apply what you want of it by hand, then delete this file.\n",
        labels.theirs
    );
    out.push_str(
        &diff
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .to_string(),
    );
    out.into_bytes()
}

fn text(bytes: &[u8]) -> Option<&str> {
    if bytes.contains(&0) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

fn push_conflict(out: &mut String, mine: &str, pack: &str, labels: Labels<'_>) {
    out.push_str(&format!("<<<<<<< {}\n", labels.ours));
    push_lines(out, mine);
    out.push_str("=======\n");
    push_lines(out, pack);
    out.push_str(&format!(">>>>>>> {}\n", labels.theirs));
}

/// Appends `lines`, ending them with a newline so the next marker starts a line.
fn push_lines(out: &mut String, lines: &str) {
    out.push_str(lines);
    if !lines.is_empty() && !lines.ends_with('\n') {
        out.push('\n');
    }
}

/// diffy names the sides `ours` and `theirs`; users need to know which is the pack's.
fn relabel(conflicted: &str, labels: Labels<'_>) -> Merged {
    let mut hunks = 0;
    let mut out = String::with_capacity(conflicted.len() + 64);
    for line in conflicted.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        match body {
            "<<<<<<< ours" => {
                hunks += 1;
                out.push_str(&format!("<<<<<<< {}{end}", labels.ours));
            }
            ">>>>>>> theirs" => out.push_str(&format!(">>>>>>> {}{end}", labels.theirs)),
            _ => out.push_str(line),
        }
    }
    Merged::Conflicted {
        text: out.into_bytes(),
        hunks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LABELS: Labels<'static> = Labels {
        ours: "yours",
        theirs: "pack 0.2.0",
    };

    #[test]
    fn changes_to_different_lines_merge_cleanly() {
        let base = "a\nb\nc\nd\ne\n";
        let ours = "a\nB (mine)\nc\nd\ne\n";
        let theirs = "a\nb\nc\nd\nE (pack)\n";
        assert_eq!(
            three_way(base.as_bytes(), ours.as_bytes(), theirs.as_bytes(), LABELS),
            Merged::Clean(b"a\nB (mine)\nc\nd\nE (pack)\n".to_vec())
        );
    }

    #[test]
    fn changes_to_the_same_line_are_marked_with_both_labels() {
        let Merged::Conflicted { text, hunks } = three_way(
            b"x\nport: 80\ny\n",
            b"x\nport: 81\ny\n",
            b"x\nport: 82\ny\n",
            LABELS,
        ) else {
            panic!("expected a conflict");
        };
        assert_eq!(hunks, 1);
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "x\n<<<<<<< yours\nport: 81\n=======\nport: 82\n>>>>>>> pack 0.2.0\ny\n"
        );
    }

    #[test]
    fn binary_files_are_never_merged() {
        assert_eq!(three_way(b"a\0", b"b\0", b"c\0", LABELS), Merged::Binary);
        assert_eq!(two_way(&[0xff, 0xfe], b"text", LABELS), Merged::Binary);
    }

    #[test]
    fn without_a_base_every_differing_region_is_marked() {
        let ours = "keep\nmine 1\nkeep 2\nmine 2\n";
        let theirs = "keep\npack 1\nkeep 2\npack 2\n";
        let Merged::Conflicted { text, hunks } =
            two_way(ours.as_bytes(), theirs.as_bytes(), LABELS)
        else {
            panic!("expected conflicts");
        };
        assert_eq!(hunks, 2);
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "keep\n<<<<<<< yours\nmine 1\n=======\npack 1\n>>>>>>> pack 0.2.0\nkeep 2\n\
             <<<<<<< yours\nmine 2\n=======\npack 2\n>>>>>>> pack 0.2.0\n"
        );
        assert_eq!(
            two_way(b"same\n", b"same\n", LABELS),
            Merged::Clean(b"same\n".to_vec())
        );
    }

    #[test]
    fn a_missing_final_newline_does_not_glue_a_marker_to_a_line() {
        let Merged::Conflicted { text, .. } = two_way(b"a", b"b", LABELS) else {
            panic!("expected a conflict");
        };
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "<<<<<<< yours\na\n=======\nb\n>>>>>>> pack 0.2.0\n"
        );
    }

    #[test]
    fn a_rejected_change_is_a_unified_diff_of_the_pack_change() {
        let rej =
            String::from_utf8(rejected_change("Makefile", b"a\nb\n", b"a\nc\n", LABELS)).unwrap();
        assert!(rej.contains("--- a/Makefile\n+++ b/Makefile\n"), "{rej}");
        assert!(rej.contains("-b\n+c\n"), "{rej}");
        assert!(
            rej.starts_with("# The pack's change to Makefile (pack 0.2.0)"),
            "{rej}"
        );
    }
}
