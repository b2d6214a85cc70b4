//! The differential test against the released crate: every case of
//! `tests/releases/corpus.json` (files, variables and JSON profiles written for
//! `kvbm-config` 1.6.1) is loaded here and compared, value by value, with what 1.6.1
//! extracted from it (`tests/releases/upstream-1.6.1.json`, written by
//! `differential/regen.sh`, which builds the release from the registry).
//!
//! A case the release refuses must be refused here, and a case it loads must load here with
//! every value the same, except where MIGRATING.md documents the difference: each such
//! rule below quotes the sentence of MIGRATING.md that promises it, and the test checks the
//! sentence is there.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use kvbm_config::{ConfigError, Role};
use serde_json::{json, Value};

/// A case of the corpus.
struct Case<'a> {
    name: &'a str,
    toml: Option<&'a str>,
    env: Vec<(String, String)>,
    json: Option<String>,
    role: Option<Role>,
}

impl<'a> Case<'a> {
    fn read(case: &'a Value) -> Self {
        let role = match case["role"].as_str() {
            None => None,
            Some("leader") => Some(Role::Leader),
            Some("worker") => Some(Role::Worker),
            Some(other) => panic!("unknown role {other}"),
        };
        let env = case["env"]
            .as_object()
            .map(|vars| {
                vars.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        Case {
            name: case["name"].as_str().unwrap(),
            toml: case["toml"].as_str(),
            env,
            json: case.get("json").map(Value::to_string),
            role,
        }
    }

    /// This crate's result: the config as JSON, with the transport table under the
    /// releases' name, or the error's text.
    fn load_here(&self, files: &common::Files) -> Result<Value, ConfigError> {
        // No system file, as on the machine that recorded the fixtures.
        let mut loader = common::loader().env(self.env.clone());
        if let Some(text) = self.toml {
            loader = loader.user_file(files.write(&format!("{}.toml", self.name), text));
        }
        if let Some(json) = &self.json {
            loader = loader.json(json.clone());
        }
        if let Some(role) = self.role {
            loader = loader.role(role);
        }
        let loaded = loader.load()?;
        let mut tree = serde_json::to_value(&loaded.config).unwrap();
        let nova = tree.as_object_mut().unwrap().remove("nova").unwrap();
        tree["messenger"] = nova;
        Ok(tree)
    }
}

/// A difference MIGRATING.md documents: the key, what the release holds, what this crate
/// holds, and the sentence of MIGRATING.md that says so.
struct Documented {
    key: &'static str,
    release: fn(&Value) -> bool,
    here: fn(&Value) -> bool,
    promise: &'static str,
}

/// Every documented difference the corpus can meet. Nothing else may differ.
fn documented() -> Vec<Documented> {
    vec![
        Documented {
            key: "rayon.num_threads",
            release: Value::is_null,
            here: |v| v.as_u64().is_some_and(|n| n >= 1),
            promise: "`rayon.num_threads` defaults to the CPU count",
        },
        Documented {
            key: "tokio.max_blocking_threads",
            release: Value::is_null,
            here: |v| *v == json!(512),
            promise: "The spec gives each a default, so the\n  fields hold values.",
        },
        Documented {
            key: "offload.g1_to_g2.policies",
            release: |v| *v == json!([]),
            here: |v| *v == json!(["presence"]),
            promise: "`presence` on G1 → G2",
        },
        Documented {
            key: "offload.g2_to_g3.policies",
            release: |v| *v == json!([]),
            here: |v| *v == json!(["presence_lfu"]),
            promise: "`presence_lfu` on\n  G2 → G3",
        },
        Documented {
            key: "nixl",
            release: Value::is_null,
            here: |v| *v == json!({"backends": {"UCX": {}, "POSIX": {}}}),
            promise: "**NixL defaults** to UCX and POSIX",
        },
    ]
}

/// The bounds the spec gives and 1.6.1 declares but never runs (its validator does not reach
/// into the discovery enum): a value outside them loads there and is an error here.
const CHECKED_HERE_ONLY: &[&str] = &["nova.discovery.ttl_secs", "nova.discovery.max_retries"];
const CHECKED_HERE_ONLY_PROMISE: &str = "1.6.1 declares these bounds but never runs them";

/// A release error this crate does not raise: the spec gives `bucket` a default.
const BUCKET_DEFAULT: &str = "missing field `bucket`";
const BUCKET_DEFAULT_PROMISE: &str = "1.6.1 refused a client table without `bucket`";

/// Whether this crate's refusal of a case 1.6.1 loads is a documented one: every problem
/// is a bound that only this crate checks.
fn refused_by_documented_bounds(error: &ConfigError) -> bool {
    error
        .problems()
        .iter()
        .all(|p| CHECKED_HERE_ONLY.contains(&p.key.as_str()))
}

/// Where the release writes `null` and this crate a value of the same meaning (MIGRATING.md:
/// "`\"nixl\": null` | no backend | same meaning", "`\"cache\": {\"disk\": null}` | no disk
/// tier | same meaning").
fn same_meaning(key: &str, release: &Value, here: &Value) -> bool {
    match key {
        "nixl" => release.is_null() && *here == json!({"backends": {}}),
        "cache.disk" => {
            release.is_null()
                && here
                    .as_object()
                    .is_some_and(|disk| disk.values().all(|v| v.is_null() || *v == json!(false)))
        }
        _ => false,
    }
}

/// Numbers compare by value (the release may write `4` where this crate writes `4.0`).
fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| equal(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|other| equal(v, other)))
        }
        _ => a == b,
    }
}

/// The outcome of comparing one case.
#[derive(Default)]
struct Tally {
    values: usize,
    documented: BTreeMap<&'static str, usize>,
    mismatches: Vec<String>,
}

impl Tally {
    /// Compares every value the release extracted with this crate's value at the same key.
    /// Tables recurse; a map keyed by the input (the NixL backends) and lists compare whole.
    fn compare(&mut self, case: &str, key: &str, release: &Value, here: Option<&Value>) {
        let rules = documented();
        // This crate leaves an unset optional value out where the release writes `null`.
        let here = here.unwrap_or(&Value::Null);
        if let (Value::Object(r), Value::Object(h)) = (release, here) {
            if key != "nixl.backends" {
                for (field, value) in r {
                    let child = if key.is_empty() {
                        field.clone()
                    } else {
                        format!("{key}.{field}")
                    };
                    self.compare(case, &child, value, h.get(field));
                }
                return;
            }
        }
        self.values += 1;
        if equal(release, here) || same_meaning(key, release, here) {
            return;
        }
        if let Some(rule) = rules
            .iter()
            .find(|r| r.key == key && (r.release)(release) && (r.here)(here))
        {
            *self.documented.entry(rule.key).or_default() += 1;
            return;
        }
        self.mismatches.push(format!(
            "{case}: `{key}` is {release} in 1.6.1 and {here} here"
        ));
    }
}

fn read_json(path: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_release_style_config_loads_here_as_it_does_in_1_6_1() {
    let corpus = read_json("tests/releases/corpus.json");
    let fixtures = read_json("tests/releases/upstream-1.6.1.json");
    let recorded = fixtures["cases"].as_object().unwrap();
    let cases = corpus["cases"].as_array().unwrap();
    let files = common::Files::new();

    let mut tally = Tally::default();
    let (mut loaded, mut refused, mut one_sided) = (0, 0, 0);
    for case in cases {
        let case = Case::read(case);
        let release = recorded.get(case.name).unwrap_or_else(|| {
            panic!(
                "case {} has no fixture: run differential/regen.sh",
                case.name
            )
        });
        match (release.get("ok"), case.load_here(&files)) {
            (Some(release), Ok(here)) => {
                loaded += 1;
                tally.compare(case.name, "", release, Some(&here));
            }
            (None, Err(_)) => refused += 1,
            (Some(_), Err(error)) if refused_by_documented_bounds(&error) => one_sided += 1,
            (Some(_), Err(error)) => tally.mismatches.push(format!(
                "{}: 1.6.1 loads it, this crate refuses it:\n{error}",
                case.name
            )),
            (None, Ok(_)) if release["error"].as_str().unwrap().contains(BUCKET_DEFAULT) => {
                one_sided += 1
            }
            (None, Ok(_)) => tally.mismatches.push(format!(
                "{}: 1.6.1 refuses it ({}), this crate loads it",
                case.name, release["error"]
            )),
        }
    }
    assert_eq!(
        recorded.len(),
        cases.len(),
        "the fixtures hold cases the corpus does not: run differential/regen.sh"
    );
    assert!(
        tally.mismatches.is_empty(),
        "{} difference(s) from 1.6.1:\n{}",
        tally.mismatches.len(),
        tally.mismatches.join("\n")
    );
    // The corpus exercises both outcomes, and a good many values.
    assert!(
        loaded >= 50 && refused >= 20,
        "loaded {loaded}, refused {refused}"
    );
    println!(
        "{} cases ({loaded} loaded, {refused} refused by both, {one_sided} one-sided as documented), \
         {} values compared, documented differences: {:?}",
        cases.len(),
        tally.values,
        tally.documented
    );
}

/// Each documented difference the comparison allows is promised, word for word, by
/// MIGRATING.md.
#[test]
fn every_allowed_difference_is_a_sentence_of_migrating_md() {
    let migrating =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("MIGRATING.md"))
            .unwrap();
    for rule in documented() {
        assert!(
            migrating.contains(rule.promise),
            "MIGRATING.md does not say {:?} (allowed difference of `{}`)",
            rule.promise,
            rule.key
        );
    }
    for promise in [
        CHECKED_HERE_ONLY_PROMISE,
        BUCKET_DEFAULT_PROMISE,
        "| `\"nixl\": null` | no backend | same meaning",
        "| `\"cache\": {\"disk\": null}` | no disk tier | same meaning |",
    ] {
        assert!(
            migrating.contains(promise),
            "MIGRATING.md does not say {promise:?}"
        );
    }
}

/// The comparison itself can fail: a changed value, a missing key and a one-sided refusal
/// are each reported.
#[test]
fn the_comparison_reports_what_differs() {
    let mut tally = Tally::default();
    tally.compare(
        "t",
        "",
        &json!({"events": {"enabled": true, "subject": "a"}}),
        Some(&json!({"events": {"enabled": false}})),
    );
    assert_eq!(tally.mismatches.len(), 2, "{:?}", tally.mismatches);
    let mut tally = Tally::default();
    tally.compare(
        "t",
        "",
        &json!({"nixl": null, "cache": {"disk": null}}),
        Some(&json!({"nixl": {"backends": {}}, "cache": {"disk": {"use_gds": false, "num_blocks": null}}})),
    );
    assert!(tally.mismatches.is_empty(), "{:?}", tally.mismatches);
    let mut tally = Tally::default();
    tally.compare(
        "t",
        "",
        &json!({"nixl": {"backends": {"UCX": {}}}}),
        Some(&json!({"nixl": {"backends": {"UCX": {}, "GDS": {}}}})),
    );
    assert_eq!(tally.mismatches.len(), 1, "{:?}", tally.mismatches);
}
