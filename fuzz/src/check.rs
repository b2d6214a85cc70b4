//! One property per source layer, for the fuzz targets and the regression tests.
//!
//! Each target loads the fuzzed input through the full loader (every role), renders
//! everything a user can see through every exit the crate has (the error or the origin
//! report, the warnings, `show` as TOML and JSON, `--origin` entries, `explain`, `env`,
//! preflight's JSON, `diff`, `Debug`), and asserts that nothing panicked, that a credential
//! planted in the input at a position the redaction rule covers never appears, and that no
//! output holds a character a terminal must not get raw. The credential goes first in the
//! document (or beside the variables), so that no fuzzed byte can change how it is read.
//! Its password holds every character a word scanner would stop at (`= , ; ( ) [ ]`, a
//! space, `/`, `#`), base64's `==`, and sits before an IPv6 host.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::OnceLock;

use kvbm_config::agreement::{differences, EffectiveConfig};
use kvbm_config::preflight::{self, Host, Options};
use kvbm_config::secret::{is_unsafe_for_terminal, json_text, redacted, toml_text};
use kvbm_config::{registry, Loaded, Loader, Role};

/// The planted credential: long enough that fuzzed bytes never spell it by chance.
pub const PLANTED: &str = "Pl4nt3dCr3dQx7";

/// A password that holds the credential after each character that once ended a redacted
/// word, so a redaction that stops early shows a copy of it.
pub fn hard_password() -> String {
    ["=", ",", ";", "(", ")", "[", "]", " ", "/", "#", "=="]
        .iter()
        .map(|separator| format!("{separator}{PLANTED}"))
        .collect()
}

/// Where the credential is planted, chosen by the first byte of the input.
fn plant<'a>(choices: &[&'a str], data: &[u8]) -> &'a str {
    let first = data.first().copied().unwrap_or(0);
    choices[usize::from(first) % choices.len()]
}

/// Loads with every role and returns every text a user could see: what a terminal or a
/// file shows (every exit), and what a log shows (`Debug`).
fn render_all(loader: Loader) -> (String, String) {
    let mut out = String::new();
    let mut debug = String::new();
    for role in [None, Some(Role::Leader), Some(Role::Worker)] {
        let loader = match role {
            Some(role) => loader.clone().role(role),
            None => loader.clone(),
        };
        match loader.load() {
            Ok(loaded) => {
                every_exit(&loaded, &mut out);
                debug.push_str(&format!("{:?}", loaded.config));
            }
            Err(error) => {
                out.push_str(&error.to_string());
                for problem in error.problems() {
                    out.push_str(problem.value.as_deref().unwrap_or_default());
                    out.push_str(&problem.message);
                }
                for warning in error.warnings() {
                    out.push_str(&warning.to_string());
                    out.push_str(&warning.message);
                }
                debug.push_str(&format!("{error:?}"));
            }
        }
    }
    (out, debug)
}

/// Every output of a loaded config: `show` (TOML, JSON, `--origin` as text and as
/// entries), `explain` of each setting, preflight's findings as JSON, `diff` against the
/// defaults, the warnings.
fn every_exit(loaded: &Loaded, out: &mut String) {
    let tree = redacted(&loaded.config);
    out.push_str(&toml_text(&tree));
    let json = json_text(&tree);
    out.push_str(&json);
    out.push_str(&loaded.show_origin());
    for entry in loaded.entries() {
        out.push_str(&format!("{} {:?} {}", entry.key, entry.value, entry.source));
    }
    for warning in loaded.report.warnings() {
        out.push_str(&warning.to_string());
        out.push_str(&warning.message);
    }
    for setting in registry::settings() {
        out.push_str(&setting.explain());
        out.push_str(&loaded.report.origin(setting.key).to_string());
    }
    let findings = preflight::run(loaded, &mut Host::default(), Options::default());
    out.push_str(&json_text(
        &serde_json::to_value(&findings).unwrap_or_default(),
    ));
    for finding in &findings {
        out.push_str(&finding.to_string());
    }
    let defaults = json_text(&redacted(&kvbm_config::KvbmConfig::default()));
    if let (Ok(mine), Ok(theirs)) = (
        EffectiveConfig::from_json(&json),
        EffectiveConfig::from_json(&defaults),
    ) {
        for difference in differences(&mine, &theirs).unwrap_or_default() {
            out.push_str(&format!("{difference:?}"));
        }
    }
}

pub fn assert_not_leaked((shown, debug): (String, String), data: &[u8]) {
    // If the fuzzer wrote the token itself, it may legitimately be printed.
    let spelled = data.windows(PLANTED.len()).any(|w| w == PLANTED.as_bytes());
    for rendered in [&shown, &debug] {
        assert!(
            spelled || !rendered.contains(PLANTED),
            "the planted credential leaked:\n{rendered}"
        );
    }
    let rendered = shown;
    for c in rendered.chars() {
        assert!(
            c == '\n' || c == '\t' || !is_unsafe_for_terminal(c),
            "an unescaped character U+{:04X} reached the output:\n{rendered}",
            c as u32
        );
    }
}

/// A TOML file (the user file) whose first line holds a credential.
pub fn toml_file(data: &[u8]) {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("kvbm-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        dir
    });
    let hard = hard_password();
    let lines = [
        format!("password = \"{PLANTED}\"\n"),
        format!("[object.client]\ntype = \"s3\"\nendpoint_url = \"http://u:{hard}@minio:9000\"\n"),
        format!("[leader.nova.discovery]\ntype = \"etcd\"\ncluster_id = \"c\"\nendpoints = [\"alice:{PLANTED}@etcd:2379\", \"http://bob:{hard}@[fd00::1]:2379\"]\n"),
        format!("[nixl.backends.OBJ]\nsecretKey = \"{PLANTED}\"\n"),
        format!("[object.client]\ntype = \"s3\"\nendpoint_url = \"https://minio:9000/b?X-Amz-Signature={PLANTED}\"\n"),
    ];
    let choices: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mut text = plant(&choices, data).as_bytes().to_vec();
    text.extend_from_slice(data);
    let path = dir.join("kvbm.toml");
    std::fs::write(&path, &text).expect("write the fuzzed file");
    let rendered = render_all(Loader::new().user_file(&path));
    assert_not_leaked(rendered, data);
}

/// A JSON document whose first member holds a credential.
pub fn json_document(data: &[u8]) {
    let hard = hard_password();
    let members = [
        format!("{{\"password\": \"{PLANTED}\", "),
        format!("{{\"leader\": {{\"nixl\": {{\"backends\": {{\"X\": {{\"api-key\": \"{PLANTED}\"}}}}}}}}, "),
        format!("{{\"worker\": {{\"object\": {{\"client\": {{\"type\": \"s3\", \"endpoint_url\": \"https://k:{hard}@s3\"}}}}}}, "),
        format!("{{\"kv_connector_extra_config\": {{\"default\": {{\"aws_secret_access_key\": \"{PLANTED}\"}}}}, "),
        format!("{{\"nova\": {{\"discovery\": {{\"type\": \"etcd\", \"cluster_id\": \"c\", \"endpoints\": [\"http://r:{hard}@[fd00::1]:2379\"]}}}}, "),
    ];
    let choices: Vec<&str> = members.iter().map(String::as_str).collect();
    let text = format!("{}{}", plant(&choices, data), String::from_utf8_lossy(data));
    let rendered = render_all(Loader::new().json(text));
    assert_not_leaked(rendered, data);
}

/// Variables from the input's lines (`NAME=VALUE`, bytes as they come), beside planted
/// ones that hold a credential.
pub fn environment(data: &[u8]) {
    let mut vars: Vec<(OsString, OsString)> = vec![
        ("KVBM_OBJECT_CLIENT_SECRET_KEY".into(), PLANTED.into()),
        (
            "KVBM_NOVA_DISCOVERY_ENDPOINTS".into(),
            format!("alice:{PLANTED}@etcd-1:2379").into(),
        ),
        (
            "DYN_KVBM_OBJECT_ENDPOINT".into(),
            format!("http://u:{PLANTED}@minio:9000").into(),
        ),
        (
            "KVBM_OBJECT_CLIENT_ENDPOINT_URL".into(),
            format!("http://u:{}@[fd00::1]:9000", hard_password()).into(),
        ),
        (
            "KVBM_NIXL_BACKENDS".into(),
            format!("{{OBJ={{accessKey=\"{PLANTED}\"}}}}").into(),
        ),
    ];
    for line in data.split(|b| *b == b'\n') {
        let mut parts = line.splitn(2, |b| *b == b'=');
        let name = parts.next().unwrap_or_default();
        let value = parts.next().unwrap_or_default();
        if name.is_empty() {
            continue;
        }
        vars.push((os(name), os(value)));
    }
    let mut rendered = render_all(Loader::new().env(vars.clone()));
    // `env` shows each variable of a setting as it may be printed.
    for (name, value) in &vars {
        let (Some(name), Some(value)) = (name.to_str(), value.to_str()) else {
            continue;
        };
        if let Some(setting) = registry::setting_for_env(name) {
            rendered
                .0
                .push_str(&Loader::shown_variable(setting.key, value));
        }
    }
    assert_not_leaked(rendered, data);
}

#[cfg(unix)]
fn os(bytes: &[u8]) -> OsString {
    use std::os::unix::ffi::OsStringExt;
    OsString::from_vec(bytes.to_vec())
}

#[cfg(not(unix))]
fn os(bytes: &[u8]) -> OsString {
    String::from_utf8_lossy(bytes).into_owned().into()
}
