use std::fs;

use super::*;

fn file(path: &str, contents: &str) -> RenderedFile {
    RenderedFile {
        path: path.to_owned(),
        contents: contents.as_bytes().to_vec(),
        executable: path.ends_with(".sh"),
    }
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_fresh_project_appears_whole_and_leaves_no_staging_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("app");
    let files = [file("a/b.txt", "b"), file("run.sh", "#!/bin/sh\n")];
    let outcome = write_project(&dest, &files, false, |_| Ok(())).unwrap();
    assert_eq!(outcome.created, ["a/b.txt", "run.sh"]);
    assert_eq!(fs::read_to_string(dest.join("a/b.txt")).unwrap(), "b");
    assert_eq!(entries(tmp.path()), ["app"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dest.join("run.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o100, 0o100);
    }
}

#[test]
fn a_failure_before_the_rename_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("app");
    let err = write_project(&dest, &[file("a.txt", "a")], false, |_| {
        anyhow::bail!("git failed")
    })
    .unwrap_err();
    assert_eq!(
        format!("{err:#}"),
        format!("nothing was written to {}: git failed", dest.display())
    );
    assert!(entries(tmp.path()).is_empty());
}

#[test]
fn a_non_empty_destination_is_refused_and_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let err = write_project(
        tmp.path(),
        &[file("notes.txt", "theirs")],
        false,
        |_| Ok(()),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("not empty (it holds notes.txt)"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(
        fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn force_overwrites_conflicts_and_keeps_other_files() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("keep.txt"), "mine").unwrap();
    fs::write(tmp.path().join("same.txt"), "same").unwrap();
    fs::write(tmp.path().join("conflict.txt"), "old").unwrap();
    let files = [
        file("conflict.txt", "new"),
        file("same.txt", "same"),
        file("sub/new.txt", "n"),
    ];
    let outcome = write_project(tmp.path(), &files, true, |_| Ok(())).unwrap();
    assert_eq!(outcome.overwritten, ["conflict.txt"]);
    assert_eq!(outcome.unchanged, ["same.txt"]);
    assert_eq!(outcome.created, ["sub/new.txt"]);
    assert_eq!(
        fs::read_to_string(tmp.path().join("keep.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        fs::read_to_string(tmp.path().join("conflict.txt")).unwrap(),
        "new"
    );
    assert_eq!(
        entries(tmp.path()),
        ["conflict.txt", "keep.txt", "same.txt", "sub"]
    );
}

#[test]
fn force_refuses_a_directory_where_a_file_goes() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("README.md")).unwrap();
    let err = write_project(tmp.path(), &[file("README.md", "x")], true, |_| Ok(()))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("is a directory where scaffold must write a file"),
        "{err}"
    );
}

#[test]
#[cfg(unix)]
fn an_empty_directory_is_filled_in_place() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("app");
    fs::create_dir(&dest).unwrap();
    fs::set_permissions(&dest, fs::Permissions::from_mode(0o2770)).unwrap();
    let inode = fs::metadata(&dest).unwrap().ino();
    write_project(
        &dest,
        &[file("a/b.txt", "b"), file("c.txt", "c")],
        false,
        |dir| {
            fs::write(dir.join("finished"), "")?;
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(entries(&dest), ["a", "c.txt", "finished"]);
    let meta = fs::metadata(&dest).unwrap();
    assert_eq!(meta.ino(), inode);
    assert_eq!(meta.permissions().mode() & 0o7777, 0o2770);
}

#[test]
fn a_file_in_the_way_is_refused_before_anything_changes() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("a.txt"), "old a").unwrap();
    fs::create_dir(tmp.path().join("z")).unwrap();
    // A file where a directory must go fails late, after a.txt would have been replaced.
    let files = [
        file("a.txt", "new a"),
        file("b/new.txt", "n"),
        file("z/c/d.txt", "d"),
    ];
    fs::write(tmp.path().join("z/c"), "in the way").unwrap();
    let err = write_project(tmp.path(), &files, true, |_| Ok(())).unwrap_err();
    assert!(format!("{err:#}").contains("is a file where scaffold must create a directory"));
    assert_eq!(
        fs::read_to_string(tmp.path().join("a.txt")).unwrap(),
        "old a"
    );
    assert_eq!(entries(tmp.path()), ["a.txt", "z"]);
}

#[test]
fn deletes_are_part_of_the_transaction() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("gone.txt"), "old").unwrap();
    fs::write(tmp.path().join("kept.txt"), "old").unwrap();
    let outcome = claim_project(tmp.path())
        .unwrap()
        .write(&[file("kept.txt", "new")], &["gone.txt".to_owned()], |_| {
            Ok(())
        })
        .unwrap();
    assert_eq!(outcome.deleted, ["gone.txt"]);
    assert_eq!(outcome.overwritten, ["kept.txt"]);
    assert_eq!(entries(tmp.path()), ["kept.txt"]);
}
