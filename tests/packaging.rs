//! The crate's own name in every install and manifest line the docs give, and the package
//! contents. The package name is `kvbm-layered-config`, because the registry's `kvbm-config`
//! is upstream's crate: a doc line naming `kvbm-config` as a package would install or
//! resolve upstream's library, so each line is read and checked against the manifest.

mod common;

use common::repo_file;

const PACKAGE: &str = env!("CARGO_PKG_NAME");
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The documents a user copies install lines from.
const DOCS: [&str; 4] = [
    "README.md",
    "MIGRATING.md",
    "CHANGELOG.md",
    "python/README.md",
];

/// A dependency line found in a doc: where, and the line itself.
struct DependencyLine {
    doc: String,
    text: String,
}

/// Every line of a ```toml block in `text` that declares a dependency: under a
/// `[dependencies]`-like header, or anywhere when it names a `package`. Lines of Rust
/// doc comments (`//! `) are read as their text.
fn dependency_lines(doc: &str, text: &str) -> Vec<DependencyLine> {
    let mut lines = Vec::new();
    let mut in_toml = false;
    let mut in_dependencies = false;
    for raw in text.lines() {
        let line = raw.trim_start_matches("//!").trim();
        if let Some(fence) = line.strip_prefix("```") {
            in_toml = !in_toml && fence.trim() == "toml";
            in_dependencies = false;
            continue;
        }
        if !in_toml {
            continue;
        }
        if line.starts_with('[') {
            in_dependencies = line.trim_end_matches(']').ends_with("dependencies");
            continue;
        }
        if (in_dependencies || line.contains("package =")) && line.contains('=') {
            lines.push(DependencyLine {
                doc: doc.to_string(),
                text: line.to_string(),
            });
        }
    }
    lines
}

/// Whether a version requirement like `0.1` or `=0.1.0` admits this crate's version
/// (a caret requirement's components must be a prefix of the version's).
fn admits_this_version(requirement: &str) -> bool {
    let wanted = requirement.trim_start_matches(['^', '=']);
    let have: Vec<&str> = VERSION.split('.').collect();
    wanted
        .split('.')
        .enumerate()
        .all(|(i, part)| have.get(i) == Some(&part))
}

/// Checks one dependency line: it names this package (as its key or in `package = …`), a
/// git source is the manifest's repository, and a version requirement admits this version.
fn check_dependency_line(line: &DependencyLine) -> Result<(), String> {
    let where_ = format!("{}: `{}`", line.doc, line.text);
    let table: toml::Table =
        toml::from_str(&line.text).map_err(|e| format!("{where_} is not TOML: {e}"))?;
    let (key, value) = table
        .iter()
        .next()
        .ok_or_else(|| format!("{where_} declares nothing"))?;
    let (package, source) = match value {
        toml::Value::String(version) => (key.as_str(), Some(("version", version.as_str()))),
        toml::Value::Table(fields) => {
            let package = fields
                .get("package")
                .and_then(|p| p.as_str())
                .unwrap_or(key.as_str());
            let source = ["version", "git", "path"]
                .into_iter()
                .find_map(|k| fields.get(k).and_then(|v| v.as_str()).map(|v| (k, v)));
            (package, source)
        }
        other => return Err(format!("{where_}: unexpected value {other}")),
    };
    if package != PACKAGE {
        return Err(format!(
            "{where_} names package `{package}`, not `{PACKAGE}`"
        ));
    }
    match source {
        Some(("version", requirement)) if !admits_this_version(requirement) => Err(format!(
            "{where_}: `{requirement}` does not admit version {VERSION}"
        )),
        Some(("git", url)) if url != REPOSITORY => Err(format!(
            "{where_}: git `{url}` is not the manifest's repository `{REPOSITORY}`"
        )),
        None => Err(format!("{where_} gives no version, git or path")),
        _ => Ok(()),
    }
}

/// Checks one shell line that installs something: `cargo install` and `cargo add` name
/// this package or install from a path; `pip install` names the distribution, a path or a
/// wheel file of it.
fn check_install_command(doc: &str, line: &str) -> Result<(), String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let where_ = format!("{doc}: `{line}`");
    let after = |tool: &[&str]| {
        words
            .windows(tool.len())
            .position(|w| w == tool)
            .map(|i| &words[i + tool.len()..])
    };
    // Installs of other tools (cargo-fuzz, maturin) are not this package's lines.
    let ours = |args: &[&str]| {
        args.iter()
            .any(|a| a.contains("kvbm") || a.starts_with("./") || ["--path", "--git"].contains(a))
    };
    if let Some(args) = after(&["cargo", "install"])
        .or_else(|| after(&["cargo", "add"]))
        .filter(|args| ours(args))
    {
        if let Some(i) = args.iter().position(|a| *a == "--git") {
            let url = args.get(i + 1).copied().unwrap_or_default();
            if url != REPOSITORY {
                return Err(format!("{where_}: git `{url}` is not `{REPOSITORY}`"));
            }
        }
        let named = args.contains(&PACKAGE);
        let from_path = args.contains(&"--path");
        if !(named || from_path) || args.contains(&"kvbm-config") {
            return Err(format!("{where_} does not install `{PACKAGE}`"));
        }
    }
    if let Some(args) = after(&["pip", "install"]).filter(|args| ours(args)) {
        let wheel = format!("{}-", PACKAGE.replace('-', "_"));
        let ok = args.iter().any(|a| {
            *a == PACKAGE || a.starts_with("./") || a.contains(&wheel) && a.ends_with(".whl")
        });
        if !ok {
            return Err(format!("{where_} does not install `{PACKAGE}`"));
        }
    }
    Ok(())
}

/// Lines of shell text in a doc that run an install (in fences or in inline code).
fn install_commands(text: &str) -> Vec<String> {
    let mut commands = Vec::new();
    for line in text.lines() {
        for piece in line.split('`') {
            let piece = piece.trim();
            let installs = ["cargo install", "cargo add", "pip install"]
                .iter()
                .any(|c| piece.starts_with(c));
            if installs {
                commands.push(piece.to_string());
            }
        }
    }
    commands
}

#[test]
fn every_manifest_line_in_the_docs_names_this_package() {
    let mut lines = Vec::new();
    for doc in DOCS.iter().copied().chain(["src/compat.rs", "src/lib.rs"]) {
        lines.extend(dependency_lines(doc, &repo_file(doc)));
    }
    let problems: Vec<String> = lines
        .iter()
        .filter_map(|l| check_dependency_line(l).err())
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The forms the docs promise, each present: the registry line, the git and path forms
    // that work before publication, and the two drop-ins that keep `use` paths.
    let readme: Vec<&str> = lines
        .iter()
        .filter(|l| l.doc == "README.md")
        .map(|l| l.text.as_str())
        .collect();
    let wanted = [
        format!("{PACKAGE} = \"0.1\""),
        format!("{PACKAGE} = {{ git = \"{REPOSITORY}\" }}"),
        format!("dynamo-kvbm-config = {{ package = \"{PACKAGE}\", version = \"0.1\" }}"),
        format!("kvbm-config = {{ package = \"{PACKAGE}\", version = \"0.1\" }}"),
    ];
    for form in &wanted {
        assert!(readme.contains(&form.as_str()), "README.md lacks `{form}`");
    }
    assert!(
        readme.iter().any(|l| l.contains("path =")),
        "README.md lacks a path form"
    );
    let migrating = lines.iter().filter(|l| l.doc == "MIGRATING.md").count();
    assert!(
        migrating >= 4,
        "MIGRATING.md gives {migrating} manifest lines"
    );
}

#[test]
fn every_install_command_in_the_docs_names_this_package() {
    let mut problems = Vec::new();
    let mut seen = 0;
    for doc in DOCS {
        for command in install_commands(&repo_file(doc)) {
            seen += 1;
            if let Err(problem) = check_install_command(doc, &command) {
                problems.push(problem);
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(seen >= 4, "only {seen} install commands found");
}

#[test]
fn the_checks_refuse_upstreams_name() {
    let line = |text: &str| DependencyLine {
        doc: "doc".into(),
        text: text.into(),
    };
    for bad in [
        r#"dynamo-kvbm-config = { package = "kvbm-config", version = "0.1" }"#,
        r#"kvbm-config = "1.6""#,
        &format!(r#"{PACKAGE} = "0.2""#),
        &format!(r#"{PACKAGE} = {{ git = "https://example.invalid/other" }}"#),
    ] {
        assert!(check_dependency_line(&line(bad)).is_err(), "{bad} passed");
    }
    for bad in [
        "cargo install kvbm-config --features cli",
        "pip install kvbm-config",
        "cargo install --git https://example.invalid/x kvbm-layered-config",
    ] {
        assert!(check_install_command("doc", bad).is_err(), "{bad} passed");
    }
}

#[test]
fn the_python_distribution_has_the_same_name() {
    let pyproject: toml::Table = toml::from_str(&repo_file("python/pyproject.toml")).unwrap();
    assert_eq!(pyproject["project"]["name"].as_str(), Some(PACKAGE));
    let urls = pyproject["project"]["urls"]
        .as_table()
        .expect("[project.urls]");
    assert_eq!(urls["Repository"].as_str(), Some(REPOSITORY));
}

/// The drop-in lines resolve with cargo: a scratch crate depending on this one under
/// each of upstream's names (by path, as before publication) gets this package.
#[test]
fn the_drop_in_lines_resolve_to_this_package() {
    for upstream in ["dynamo-kvbm-config", "kvbm-config"] {
        assert_eq!(resolved_package(upstream), PACKAGE, "{upstream}");
    }
}

/// The triple rustc builds for here (`host:` of `rustc -vV`).
fn host_triple() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let output = std::process::Command::new(rustc)
        .arg("-vV")
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix("host: "))
        .expect("rustc -vV names its host")
        .to_string()
}

/// The package cargo resolves for `NAME = { package = PACKAGE, path = … }`.
fn resolved_package(name: &str) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), "").unwrap();
    let manifest = format!(
        "[package]\nname = \"consumer\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
         [workspace]\n\n[dependencies]\n\
         {name} = {{ package = \"{PACKAGE}\", path = {root:?}, default-features = false }}\n"
    );
    std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
    // Our lock file pins the versions this build already fetched, so the offline
    // resolution never asks for a newer release the local cache does not hold.
    std::fs::copy(
        std::path::Path::new(root).join("Cargo.lock"),
        dir.path().join("Cargo.lock"),
    )
    .unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        // Only this platform's dependencies: the build fetched those, and
        // nothing else is in an offline cache.
        .args(["metadata", "--format-version", "1", "--offline"])
        .args(["--filter-platform", &host_triple()])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let consumer = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "consumer")
        .unwrap()
        .clone();
    let dependency = &consumer["dependencies"][0];
    assert_eq!(dependency["rename"].as_str(), Some(name));
    dependency["name"].as_str().unwrap().to_string()
}
