use super::*;

const LABELS: Labels<'static> = Labels {
    ours: "yours",
    theirs: "pack v2",
};

fn tree(files: &[(&str, &str)]) -> Tree {
    files
        .iter()
        .map(|(path, text)| ((*path).to_owned(), text.as_bytes().to_vec()))
        .collect()
}

fn plan_with(
    base: Option<&Tree>,
    theirs: &Tree,
    disk: &Tree,
    written: &BTreeMap<String, String>,
    renames: &BTreeMap<String, String>,
    on_conflict: OnConflict,
) -> Plan {
    let inputs = Inputs {
        base,
        theirs,
        written,
        renames,
        labels: LABELS,
        on_conflict,
    };
    plan(&inputs, |path| Ok(disk.get(path).cloned())).unwrap()
}

fn actions(plan: &Plan) -> Vec<(String, Action)> {
    plan.steps
        .iter()
        .map(|s| (s.path.clone(), s.action.clone()))
        .collect()
}

fn text(plan: &Plan, path: &str) -> String {
    let step = plan.steps.iter().find(|s| s.path == path).unwrap();
    String::from_utf8(step.contents.clone().unwrap()).unwrap()
}

/// The fixture of the update tests: v1 → v2 with every kind of change.
fn fixture() -> (Tree, Tree, Tree) {
    let base = tree(&[
        ("untouched.txt", "one\n"),
        ("edited.go", "a\nb\nc\nd\ne\nf\n"),
        ("clash.yaml", "port: 80\n"),
        ("removed.txt", "old\n"),
        ("removed-edited.txt", "old\n"),
        ("deleted-by-user.txt", "v1\n"),
        ("old-name.md", "title\n\nbody\nmore\n"),
        ("same.txt", "same\n"),
    ]);
    let theirs = tree(&[
        ("untouched.txt", "two\n"),
        ("edited.go", "a\nb\nc\nd\ne\nF (pack)\n"),
        ("clash.yaml", "port: 8080\n"),
        ("deleted-by-user.txt", "v2\n"),
        ("new-name.md", "title\n\nbody\nmore\n"),
        ("added.txt", "new\n"),
        ("same.txt", "same\n"),
    ]);
    let disk = tree(&[
        ("untouched.txt", "one\n"),
        ("edited.go", "A (mine)\nb\nc\nd\ne\nf\n"),
        ("clash.yaml", "port: 9090\n"),
        ("removed.txt", "old\n"),
        ("removed-edited.txt", "old, but mine\n"),
        ("old-name.md", "title (mine)\n\nbody\nmore\n"),
        ("same.txt", "same\n"),
        ("mine.txt", "the user's own file\n"),
    ]);
    (base, theirs, disk)
}

#[test]
fn every_kind_of_change_gets_its_action() {
    let (base, theirs, disk) = fixture();
    let plan = plan_with(
        Some(&base),
        &theirs,
        &disk,
        &BTreeMap::new(),
        &BTreeMap::new(),
        OnConflict::Inline,
    );
    assert_eq!(
        actions(&plan),
        vec![
            ("added.txt".into(), Action::Create),
            ("clash.yaml".into(), Action::Conflict { hunks: 1 }),
            ("deleted-by-user.txt".into(), Action::KeepDeleted),
            ("edited.go".into(), Action::Merge),
            (
                "new-name.md".into(),
                Action::Rename {
                    from: "old-name.md".into(),
                    conflict_hunks: 0
                }
            ),
            ("old-name.md".into(), Action::Delete),
            ("removed-edited.txt".into(), Action::KeepEdited),
            ("removed.txt".into(), Action::Delete),
            ("untouched.txt".into(), Action::Update),
        ]
    );
    assert_eq!(text(&plan, "edited.go"), "A (mine)\nb\nc\nd\ne\nF (pack)\n");
    assert_eq!(
        text(&plan, "clash.yaml"),
        "<<<<<<< yours\nport: 9090\n=======\nport: 8080\n>>>>>>> pack v2\n"
    );
    assert_eq!(text(&plan, "new-name.md"), "title (mine)\n\nbody\nmore\n");
    assert_eq!(plan.conflicts(), 1);
    assert!(!plan.steps.iter().any(|s| s.path == "mine.txt"));
    assert_eq!(plan.written.len(), theirs.len());
    let deletes: Vec<&str> = plan
        .changes()
        .filter(|(_, bytes)| bytes.is_none())
        .map(|(path, _)| path)
        .collect();
    assert_eq!(deletes, ["old-name.md", "removed.txt"]);
}

#[test]
fn reject_mode_keeps_the_users_file_and_writes_the_change_beside_it() {
    let (base, theirs, disk) = fixture();
    let plan = plan_with(
        Some(&base),
        &theirs,
        &disk,
        &BTreeMap::new(),
        &BTreeMap::new(),
        OnConflict::Reject,
    );
    let clash = plan.steps.iter().find(|s| s.path == "clash.yaml").unwrap();
    assert_eq!(clash.action, Action::Conflict { hunks: 1 });
    assert_eq!(clash.contents, None);
    let rej = text(&plan, "clash.yaml.rej");
    assert!(rej.contains("-port: 80\n+port: 8080\n"), "{rej}");
}

#[test]
fn recorded_hashes_decide_what_is_untouched() {
    let base = tree(&[("a.txt", "v1\n")]);
    let theirs = tree(&[("a.txt", "v2\n")]);
    // The disk differs from the base render (e.g. it was rendered by an older engine), but
    // matches what scaffold recorded writing: it is untouched.
    let disk = tree(&[("a.txt", "v1 as written\n")]);
    let written = BTreeMap::from([("a.txt".to_owned(), sha256_hex(b"v1 as written\n"))]);
    let plan = plan_with(
        Some(&base),
        &theirs,
        &disk,
        &written,
        &BTreeMap::new(),
        OnConflict::Inline,
    );
    assert_eq!(actions(&plan), vec![("a.txt".into(), Action::Update)]);
}

#[test]
fn without_a_base_untouched_files_update_and_edited_ones_conflict_per_region() {
    let theirs = tree(&[("a.txt", "new\n"), ("b.txt", "x\npack\ny\n")]);
    let disk = tree(&[
        ("a.txt", "old\n"),
        ("b.txt", "x\nmine\ny\n"),
        ("gone.txt", "as written\n"),
    ]);
    let written = BTreeMap::from([
        ("a.txt".to_owned(), sha256_hex(b"old\n")),
        ("b.txt".to_owned(), sha256_hex(b"x\noriginal\ny\n")),
        ("gone.txt".to_owned(), sha256_hex(b"as written\n")),
    ]);
    let plan = plan_with(
        None,
        &theirs,
        &disk,
        &written,
        &BTreeMap::new(),
        OnConflict::Inline,
    );
    assert!(plan.two_way);
    assert_eq!(
        actions(&plan),
        vec![
            ("a.txt".into(), Action::Update),
            ("b.txt".into(), Action::Conflict { hunks: 1 }),
            ("gone.txt".into(), Action::Delete),
        ]
    );
    assert_eq!(
        text(&plan, "b.txt"),
        "x\n<<<<<<< yours\nmine\n=======\npack\n>>>>>>> pack v2\ny\n"
    );
}

#[test]
fn declared_renames_win_over_content_detection() {
    let base = tree(&[("old.go", "package x\n")]);
    let theirs = tree(&[("new.go", "package x // moved\n")]);
    let disk = tree(&[("old.go", "package x\n")]);
    let renames = BTreeMap::from([("old.go".to_owned(), "new.go".to_owned())]);
    let plan = plan_with(
        Some(&base),
        &theirs,
        &disk,
        &BTreeMap::new(),
        &renames,
        OnConflict::Inline,
    );
    assert_eq!(
        actions(&plan),
        vec![
            (
                "new.go".into(),
                Action::Rename {
                    from: "old.go".into(),
                    conflict_hunks: 0
                }
            ),
            ("old.go".into(), Action::Delete),
        ]
    );
    assert_eq!(text(&plan, "new.go"), "package x // moved\n");
}

#[test]
fn a_file_the_user_added_where_the_pack_adds_one_is_a_conflict_not_an_overwrite() {
    let theirs = tree(&[("Makefile", "all:\n\tgo build\n")]);
    let disk = tree(&[("Makefile", "all:\n\tmake -C src\n")]);
    let plan = plan_with(
        Some(&Tree::new()),
        &theirs,
        &disk,
        &BTreeMap::new(),
        &BTreeMap::new(),
        OnConflict::Inline,
    );
    assert_eq!(
        actions(&plan),
        vec![("Makefile".into(), Action::Conflict { hunks: 1 })]
    );
}

#[test]
fn binary_files_keep_the_users_version() {
    let base = Tree::from([("logo.png".to_owned(), vec![0, 1, 2])]);
    let theirs = Tree::from([("logo.png".to_owned(), vec![0, 1, 3])]);
    let disk = Tree::from([("logo.png".to_owned(), vec![0, 9, 9])]);
    let plan = plan_with(
        Some(&base),
        &theirs,
        &disk,
        &BTreeMap::new(),
        &BTreeMap::new(),
        OnConflict::Inline,
    );
    assert_eq!(
        actions(&plan),
        vec![("logo.png".into(), Action::BinaryConflict)]
    );
    assert_eq!(plan.changes().count(), 0);
}
