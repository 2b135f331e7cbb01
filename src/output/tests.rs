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
    assert_eq!(err.to_string(), "git failed");
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
fn an_empty_directory_is_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("app");
    fs::create_dir(&dest).unwrap();
    write_project(&dest, &[file("a.txt", "a")], false, |_| Ok(())).unwrap();
    assert_eq!(entries(&dest), ["a.txt"]);
}
