//! One property per source layer, for the fuzz targets and the regression tests.
//!
//! Each target loads the fuzzed input through the full loader (every role), renders
//! everything a user can see (the error or the origin report, the warnings, `Debug`), and
//! asserts that nothing panicked and that a credential planted in the input at a position
//! the redaction rule covers never appears in that text. The credential goes first in the
//! document (or beside the variables), so that no fuzzed byte can change how it is read.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::OnceLock;

use kvbm_config::{Loader, Role};

/// The planted credential: long enough that fuzzed bytes never spell it by chance.
pub const PLANTED: &str = "Pl4nt3dCr3dQx7";

/// Where the credential is planted, chosen by the first byte of the input.
fn plant<'a>(choices: &[&'a str], data: &[u8]) -> &'a str {
    let first = data.first().copied().unwrap_or(0);
    choices[usize::from(first) % choices.len()]
}

/// Loads with every role and returns every text a user could see: what a terminal shows
/// (errors, warnings, the origin report) and what a log shows (`Debug`).
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
                out.push_str(&loaded.show_origin());
                for warning in loaded.report.warnings() {
                    out.push_str(&warning.to_string());
                }
                debug.push_str(&format!("{:?}", loaded.config));
                debug.push_str(&format!(
                    "{:?}",
                    kvbm_config::secret::redacted(&loaded.config)
                ));
            }
            Err(error) => {
                out.push_str(&error.to_string());
                for problem in error.problems() {
                    out.push_str(problem.value.as_deref().unwrap_or_default());
                }
                for warning in error.warnings() {
                    out.push_str(&warning.to_string());
                }
                debug.push_str(&format!("{error:?}"));
            }
        }
    }
    (out, debug)
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
            c == '\n' || c == '\t' || !(c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "an unescaped control or bidi character {c:?} reached the output:\n{rendered}"
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
    let lines = [
        format!("password = \"{PLANTED}\"\n"),
        format!("[object.client]\ntype = \"s3\"\nendpoint_url = \"http://u:{PLANTED}@minio:9000\"\n"),
        format!("[leader.nova.discovery]\ntype = \"etcd\"\ncluster_id = \"c\"\nendpoints = [\"alice:{PLANTED}@etcd:2379\"]\n"),
        format!("[nixl.backends.OBJ]\nsecret_key = \"{PLANTED}\"\n"),
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
    let members = [
        format!("{{\"password\": \"{PLANTED}\", "),
        format!("{{\"leader\": {{\"nixl\": {{\"backends\": {{\"X\": {{\"api_token\": \"{PLANTED}\"}}}}}}}}, "),
        format!("{{\"worker\": {{\"object\": {{\"client\": {{\"type\": \"s3\", \"endpoint_url\": \"https://k:{PLANTED}@s3\"}}}}}}, "),
        format!("{{\"kv_connector_extra_config\": {{\"default\": {{\"aws_secret_access_key\": \"{PLANTED}\"}}}}, "),
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
    let rendered = render_all(Loader::new().env(vars));
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
