use std::fs;
use std::path::Path;

use serde_json::Value;

use super::*;
use crate::answers::{base_context, collect_given, resolve};
use crate::git::Identity;
use crate::pack::{builtin_catalog, globals};
use crate::render::{Engine, RenderedFile};

fn copy_tree(from: &Path, to: &Path) {
    for entry in WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn render_with_defaults(pack: &Pack) -> Vec<RenderedFile> {
    let engine = Engine::new().unwrap();
    let base = base_context(pack, &[], globals().unwrap(), 2026, &Identity::default());
    let given = collect_given(pack, None, &[], Some("demo-app")).unwrap();
    let resolution = resolve(pack, &engine, &base, given, None).unwrap();
    engine
        .render_pack(pack, &Value::Object(resolution.context))
        .unwrap()
}

fn write(root: &Path, relative: &str, contents: &[u8]) {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

const MANIFEST: &str = "name: mine\ndescription: d\nversion: 1.0.0\nvariables:\n  - {name: project_name, type: string}\n";

fn error_of(root: &Path) -> String {
    format!("{:#}", load_dir(root).unwrap_err())
}

#[test]
fn an_embedded_pack_copied_to_a_folder_renders_and_hashes_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    for name in ["rest-api", "bot", "healthcheck"] {
        let copy = dir.path().join(name);
        copy_tree(&templates.join(name), &copy);
        let local = load_dir(&copy).unwrap();
        let catalog = builtin_catalog().unwrap();
        let embedded = catalog.get(name).unwrap();
        assert_eq!(local.content_hash, embedded.content_hash, "{name}");
        assert_eq!(
            local.source,
            PackSource::Directory {
                path: fs::canonicalize(&copy).unwrap()
            }
        );
        let from_folder = render_with_defaults(&local);
        assert!(from_folder.iter().any(|f| f.path == "go.mod"), "{name}");
        assert_eq!(from_folder, render_with_defaults(embedded), "{name}");
    }
}

#[test]
fn own_partials_shadow_shared_ones_and_shared_ones_stay_available() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "pack.yaml", MANIFEST.as_bytes());
    write(
        root,
        "partials/license/MIT.hbs",
        b"house license {{project_name}}",
    );
    write(root, "partials/banner.hbs", b"== {{> license/MIT}} ==");
    write(root, "files/LICENSE", b"{{> banner}}!\n");
    write(root, "files/.editorconfig", b"{{> editorconfig}}");
    let pack = load_dir(root).unwrap();
    assert_eq!(
        pack.partials
            .iter()
            .map(|p| p.0.as_str())
            .collect::<Vec<_>>(),
        ["banner", "license/MIT"]
    );
    let files = render_with_defaults(&pack);
    let license = files.iter().find(|f| f.path == "LICENSE").unwrap();
    assert_eq!(license.contents, b"== house license demo-app ==!\n");
    let editorconfig = files.iter().find(|f| f.path == ".editorconfig").unwrap();
    assert!(!editorconfig.contents.is_empty());

    // The same engine then renders an embedded pack with the shared partial again.
    let engine = Engine::new().unwrap();
    let data = serde_json::json!({"project_name": "x", "year": 2026, "author": "A"});
    engine.use_partials_of(&pack);
    let own = engine.render_str("t", "{{> license/MIT}}", &data).unwrap();
    assert_eq!(own, "house license x");
    let catalog = builtin_catalog().unwrap();
    engine.use_partials_of(catalog.get("rest-api").unwrap());
    let shared = engine.render_str("t", "{{> license/MIT}}", &data).unwrap();
    assert!(shared.contains("MIT License"), "{shared}");
}

#[test]
fn files_are_sorted_binary_is_verbatim_and_the_hash_follows_every_byte() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "pack.yaml", MANIFEST.as_bytes());
    write(root, "files/z.txt", b"z");
    write(
        root,
        "files/a/logo.png",
        &[0x89, b'P', b'N', b'G', 0xff, 0x00, b'{', b'{'],
    );
    write(root, ".git/HEAD", b"ignored");
    let pack = load_dir(root).unwrap();
    let paths: Vec<&str> = pack.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["a/logo.png", "z.txt"]);
    let rendered = render_with_defaults(&pack);
    assert_eq!(
        rendered[0].contents,
        [0x89, b'P', b'N', b'G', 0xff, 0x00, b'{', b'{']
    );

    let before = pack.content_hash;
    write(root, ".git/HEAD", b"changed");
    assert_eq!(
        load_dir(root).unwrap().content_hash,
        before,
        ".git is not content"
    );
    write(root, "files/z.txt", b"y");
    assert_ne!(load_dir(root).unwrap().content_hash, before);
}

#[cfg(unix)]
#[test]
fn symlinks_are_followed_inside_the_pack_only() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("pack");
    write(&root, "pack.yaml", MANIFEST.as_bytes());
    write(&root, "shared/notice.txt", b"notice");
    write(dir.path(), "secret.txt", b"secret");
    fs::create_dir_all(root.join("files")).unwrap();
    symlink(root.join("shared/notice.txt"), root.join("files/NOTICE")).unwrap();
    let pack = load_dir(&root).unwrap();
    assert_eq!(pack.files[0].contents.as_ref(), b"notice");

    symlink(dir.path().join("secret.txt"), root.join("files/leak.txt")).unwrap();
    let err = error_of(&root);
    assert!(err.contains("files/leak.txt is a symlink to"), "{err}");
    assert!(err.contains("outside the pack"), "{err}");
    fs::remove_file(root.join("files/leak.txt")).unwrap();

    symlink(dir.path(), root.join("files/up")).unwrap();
    let err = error_of(&root);
    assert!(
        err.contains("outside the pack") || err.contains("loop"),
        "{err}"
    );
}

#[test]
fn bad_packs_are_refused_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    assert!(error_of(&root.join("nope")).contains("cannot open the pack folder"));
    let err = error_of(root);
    assert!(err.contains("has no pack.yaml"), "{err}");

    write(root, "pack.yaml", b"name: [unclosed\n");
    let err = error_of(root);
    assert!(
        err.contains("pack.yaml is not a valid pack manifest"),
        "{err}"
    );
    assert!(!err.contains('\n'), "{err}");

    write(
        root,
        "pack.yaml",
        b"name: x\ndescription: d\nversion: 1\ncolour: red\n",
    );
    let err = error_of(root);
    assert!(err.contains("colour"), "{err}");

    write(root, "pack.yaml", MANIFEST.as_bytes());
    write(root, "partials/bad.hbs", &[0xff, 0xfe]);
    assert!(error_of(root).contains("bad.hbs is not UTF-8"));
    fs::remove_file(root.join("partials/bad.hbs")).unwrap();

    let big = fs::File::create(root.join("files-big")).unwrap();
    big.set_len(MAX_FILE_BYTES + 1).unwrap();
    let err = error_of(root);
    assert!(
        err.contains("files-big is 11 MiB; a pack file may be at most 10 MiB"),
        "{err}"
    );
    fs::remove_file(root.join("files-big")).unwrap();

    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"files/bad-\xff.txt");
        write(root, "files/ok.txt", b"ok");
        fs::write(root.join(name), b"x").unwrap();
        let err = error_of(root);
        assert!(err.contains("not UTF-8: rename it"), "{err}");
    }
}
