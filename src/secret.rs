//! Redaction of credentials in anything this crate prints.
//!
//! A URL may carry a password (`http://user:pass@minio:9000`, an etcd endpoint) and a NixL
//! backend may take keys as parameters. Every rendered value (problems, warnings, the load
//! report) and the `Debug` output of the structs that hold such strings pass through here.
//! The config itself keeps the real value for the code that needs it.

use std::borrow::Cow;

/// What a redacted secret is replaced with.
pub(crate) const REDACTED: &str = "***";

/// `text` (one value: an endpoint, a URL, or a list of them as one variable writes it)
/// with every URL credential hidden, found by the URL grammar rather than by words:
///
/// - each URL starts at a scheme (`scheme://`); its authority runs to the first `/`, `?` or
///   `#` (or the next URL's scheme), and its userinfo to the last `@` before that, so a
///   password may hold `= , ; ( ) [ ]` and the host may be an IPv6 literal. The password of
///   `user:password@` becomes `***`; a lone token (`https://token@host`) is replaced whole.
/// - a URL the `url` crate cannot parse (a password holding `/`, `#` or a space) that has
///   an `@` is hidden up to its last `@`.
/// - text without a scheme is read as an etcd client reads an endpoint:
///   `user:password@host:port` loses its password; `user@example.com` is left alone.
/// - query parameters named like credentials (`token`, `X-Amz-Signature`, `sig`) lose
///   their values.
///
/// ```
/// use kvbm_config::secret::redact_urls;
///
/// assert_eq!(redact_urls("http://alice:aHVudGVyMg==@etcd-0:2379"), "http://alice:***@etcd-0:2379");
/// assert_eq!(redact_urls("http://alice:pw@[fd00::1]:2379"), "http://alice:***@[fd00::1]:2379");
/// assert_eq!(redact_urls("s3://b/k?X-Amz-Signature=abc&part=1"), "s3://b/k?X-Amz-Signature=***&part=1");
/// ```
pub fn redact_urls(text: &str) -> Cow<'_, str> {
    if !text.contains(['@', '?']) {
        return Cow::Borrowed(text);
    }
    let starts = url_starts(text);
    let spans: Vec<(usize, usize)> = match starts.is_empty() {
        // No scheme: the whole text is one scheme-less authority (and path).
        true => vec![(0, text.len())],
        false => starts
            .iter()
            .enumerate()
            .map(|(i, &start)| (start, starts.get(i + 1).copied().unwrap_or(text.len())))
            .collect(),
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..spans[0].0]);
    for &(start, end) in &spans {
        redact_one_url(&text[start..end], starts.is_empty(), &mut out);
    }
    match out == text {
        true => Cow::Borrowed(text),
        false => Cow::Owned(out),
    }
}

/// Where each URL of `text` starts: the first letter of its scheme, before `://`.
fn url_starts(text: &str) -> Vec<usize> {
    let is_scheme = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.');
    let mut starts = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find("://") {
        let separator = from + found;
        let scheme_len = text[..separator]
            .chars()
            .rev()
            .take_while(|c| is_scheme(*c))
            .count();
        let start = separator - scheme_len;
        if scheme_len > 0 && starts.last().is_none_or(|last| *last < start) {
            starts.push(start);
        }
        from = separator + 3;
    }
    starts
}

/// Writes one URL (`url`, running to the next one) with its credentials hidden.
fn redact_one_url(url: &str, schemeless: bool, out: &mut String) {
    let authority_start = match schemeless {
        true => 0,
        false => url.find("://").map_or(0, |n| n + 3),
    };
    let authority_end = url[authority_start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |n| authority_start + n);
    let userinfo_end = url[authority_start..authority_end]
        .rfind('@')
        .map(|n| authority_start + n)
        .or_else(|| unparsable_userinfo_end(url, schemeless, authority_start));
    let rest_start = match userinfo_end {
        Some(at) => {
            out.push_str(&url[..authority_start]);
            let userinfo = &url[authority_start..at];
            match userinfo.split_once(':') {
                Some((user, _)) => {
                    out.push_str(user);
                    out.push(':');
                    out.push_str(REDACTED);
                }
                // A scheme-less `user@host` is an address, not a credential.
                None if schemeless => out.push_str(userinfo),
                None => out.push_str(REDACTED),
            }
            at
        }
        None => 0,
    };
    let rest = &url[rest_start..];
    match rest.find('?') {
        Some(q) => {
            out.push_str(&rest[..=q]);
            redact_query(&rest[q + 1..], out);
        }
        None => out.push_str(rest),
    }
}

/// For a URL the `url` crate cannot parse that has an `@` past its authority (a password
/// with `/`, `#` or a space in it): the last `@`, up to which it is hidden.
fn unparsable_userinfo_end(url: &str, schemeless: bool, authority_start: usize) -> Option<usize> {
    let at = url
        .rfind('@')
        .filter(|at| *at > authority_start || schemeless)?;
    let parses = match schemeless {
        true => url::Url::parse(&format!("kvbm://{url}")).is_ok(),
        false => url::Url::parse(url).is_ok(),
    };
    (!parses).then_some(at)
}

/// Writes a query (after `?`) with the values of credential-named parameters hidden.
fn redact_query(query: &str, out: &mut String) {
    let (query, fragment) = match query.find('#') {
        Some(hash) => query.split_at(hash),
        None => (query, ""),
    };
    for (i, pair) in query.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((name, _)) if is_secret_name(name) || is_secret_parameter(name) => {
                out.push_str(name);
                out.push('=');
                out.push_str(REDACTED);
            }
            _ => out.push_str(pair),
        }
    }
    out.push_str(fragment);
}

/// Query parameters that carry a credential under a name that is not one by itself.
fn is_secret_parameter(name: &str) -> bool {
    [
        "sig",
        "x-amz-credential",
        "x-amz-security-token",
        "x-goog-credential",
    ]
    .iter()
    .any(|known| name.eq_ignore_ascii_case(known))
}

/// Whether a name (a key, a path of keys, a parameter or variable) is named like a
/// credential, so that its value is never printed. The name is compared as letters and
/// digits only, in lower case, so every spelling counts: `secret_key`, `secretKey`,
/// `api-key`, `apiKey`, `AWS_SECRET_ACCESS_KEY`, a quoted segment `"pass.word"`; a dotted
/// path counts when any of its parts does (a table named `credentials` hides its entries).
pub(crate) fn is_secret_name(name: &str) -> bool {
    const WORDS: [&str; 13] = [
        "secret",
        "password",
        "passwd",
        "passphrase",
        "pwd",
        "token",
        "credential",
        "accesskey",
        "privatekey",
        "apikey",
        "accountkey",
        "authorization",
        "signature",
    ];
    // Called for every key of every file: normalise into a stack buffer when it fits.
    let mut buffer = [0u8; 128];
    let mut heap = Vec::new();
    let mut len = 0;
    for byte in name.bytes().filter(u8::is_ascii_alphanumeric) {
        let byte = byte.to_ascii_lowercase();
        match len < buffer.len() {
            true => buffer[len] = byte,
            false => {
                if heap.is_empty() {
                    heap.extend_from_slice(&buffer);
                }
                heap.push(byte);
            }
        }
        len += 1;
    }
    let normal: &[u8] = match heap.is_empty() {
        true => &buffer[..len],
        false => &heap,
    };
    // One pass over the name: at each place, only the words that start with its letter.
    (0..normal.len()).any(|at| {
        let rest = &normal[at..];
        WORDS
            .iter()
            .any(|word| word.as_bytes()[0] == rest[0] && rest.starts_with(word.as_bytes()))
    })
}

/// The redaction rule, for a value about to be printed: the whole value when its key (a
/// dotted key path, known or not, a parameter or variable name) is named like a credential,
/// else the credentials of the URLs in it. `rendered` is the value as the output writes it.
pub fn redact_value<'a>(key: &str, rendered: &'a str) -> Cow<'a, str> {
    match is_secret_name(key) {
        true => Cow::Owned(format!("\"{REDACTED}\"")),
        false => redact_urls(rendered),
    }
}

/// Whether a value at `key` holds a credential by the redaction rule: the key is named
/// like one, or the text holds a URL credential. The world-readable file check uses it.
pub(crate) fn holds_credential(key: &str, text: Option<&str>) -> bool {
    is_secret_name(key) || text.is_some_and(|text| matches!(redact_urls(text), Cow::Owned(_)))
}

/// Whether `c` may not reach a terminal (or a file a person reads) as is: a C0 or C1
/// control or DEL (ESC, BEL, CR, U+009B, ...), a bidirectional control (U+202A–U+202E,
/// U+2066–U+2069, U+200E, U+200F, U+061C), which can reorder what a reader sees, or an
/// invisible or line-breaking character (U+200B–U+200D, U+2028, U+2029, U+FEFF, U+00AD),
/// which can hide or forge text.
pub fn is_unsafe_for_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{061c}'
                | '\u{200b}'..='\u{200d}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{feff}'
                | '\u{00ad}'
        )
}

/// `text` safe for a terminal: every character of [`is_unsafe_for_terminal`] written as
/// `\u{1b}`. Every name or value that came from an input passes here before text output.
pub fn escape_terminal(text: &str) -> Cow<'_, str> {
    escape_with(text, |c, out| {
        out.push_str(&format!("\\u{{{:x}}}", c as u32))
    })
}

/// `text` with each unsafe character written by `escape`.
fn escape_with(text: &str, escape: impl Fn(char, &mut String)) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_for_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match is_unsafe_for_terminal(c) {
            true => escape(c, &mut out),
            false => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A JSON value as the command writes it (pretty): standard JSON in which every character
/// of [`is_unsafe_for_terminal`] inside a string is a `\uXXXX` escape, so the output is
/// safe on a terminal and means the same to a JSON reader.
///
/// ```
/// let text = kvbm_config::secret::json_text(&serde_json::json!({"k": "a\u{9b}\u{202e}b"}));
/// assert!(text.contains(r"a\u009b\u202eb"));
/// assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap()["k"], "a\u{9b}\u{202e}b");
/// ```
pub fn json_text(value: &serde_json::Value) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into());
    // Outside strings JSON is ASCII punctuation, spaces and newlines, and serde_json
    // escapes C0 controls inside strings: what remains unsafe is inside a string.
    escape_with(&text, |c, out| {
        if c == '\n' {
            out.push('\n');
        } else {
            out.push_str(&format!("\\u{:04x}", c as u32));
        }
    })
    .into_owned()
}

/// A JSON tree (a config, as [`redacted`] gives it) written as TOML: tables as `[a.b]`
/// headers, every string on one line with every character of [`is_unsafe_for_terminal`]
/// (newlines included) escaped, so no input text can forge a line or reach a terminal raw.
/// `null` entries are left out (TOML has no null).
///
/// ```
/// let text = kvbm_config::secret::toml_text(&serde_json::json!({"a": {"k": "x\ny"}}));
/// assert_eq!(text, "[a]\nk = \"x\\ny\"\n");
/// ```
pub fn toml_text(value: &serde_json::Value) -> String {
    let mut out = String::new();
    if let serde_json::Value::Object(table) = value {
        write_toml_table(&mut Vec::new(), table, &mut out);
    }
    out
}

fn write_toml_table(
    path: &mut Vec<String>,
    table: &serde_json::Map<String, serde_json::Value>,
    out: &mut String,
) {
    for (key, value) in table {
        if value.is_null() || value.is_object() {
            continue;
        }
        out.push_str(&toml_key(key));
        out.push_str(" = ");
        write_toml_value(value, out);
        out.push('\n');
    }
    for (key, value) in table {
        let serde_json::Value::Object(inner) = value else {
            continue;
        };
        path.push(toml_key(key));
        if !out.is_empty() {
            out.push('\n');
        }
        out.push('[');
        out.push_str(&path.join("."));
        out.push_str("]\n");
        write_toml_table(path, inner, out);
        path.pop();
    }
}

/// A key, bare when TOML allows it, else quoted.
fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    match bare {
        true => key.to_string(),
        false => toml_string(key),
    }
}

/// A single-line TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_unsafe_for_terminal(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn write_toml_value(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::String(text) => out.push_str(&toml_string(text)),
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().filter(|v| !v.is_null()).enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_toml_value(item, out);
            }
            out.push(']');
        }
        serde_json::Value::Object(table) => {
            out.push('{');
            for (i, (key, item)) in table.iter().filter(|(_, v)| !v.is_null()).enumerate() {
                out.push_str(if i > 0 { ", " } else { " " });
                out.push_str(&toml_key(key));
                out.push_str(" = ");
                write_toml_value(item, out);
            }
            out.push_str(if table.is_empty() { "}" } else { " }" });
        }
        // Numbers as JSON writes them are TOML numbers (a float keeps its `.0`).
        other => out.push_str(&other.to_string()),
    }
}

/// `text` as one word for a POSIX shell, for commands suggested to the user: as is when it
/// holds only characters no shell treats specially, else in single quotes (a `'` inside
/// written as `'\''`).
///
/// ```
/// use kvbm_config::secret::shell_quote;
///
/// assert_eq!(shell_quote("/etc/kvbm/kvbm.toml"), "/etc/kvbm/kvbm.toml");
/// assert_eq!(shell_quote("k;touch PWNED;.toml"), "'k;touch PWNED;.toml'");
/// assert_eq!(shell_quote("it's"), "'it'\\''s'");
/// ```
pub fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-./+=:,@%".contains(&b));
    match plain {
        true => text.to_string(),
        false => format!("'{}'", text.replace('\'', "'\\''")),
    }
}

/// A serializable view of `value` with every URL password and every credential-named
/// entry (`secret_key = ...`) replaced by `***`, for printing a whole config.
pub fn redacted<T: serde::Serialize>(value: &T) -> serde_json::Value {
    fn walk(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(text) => {
                if let Cow::Owned(clean) = redact_urls(text) {
                    *text = clean;
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            serde_json::Value::Object(entries) => {
                for (key, entry) in entries.iter_mut() {
                    if is_secret_name(key) && entry.is_string() {
                        *entry = serde_json::Value::from(REDACTED);
                    } else {
                        walk(entry);
                    }
                }
            }
            _ => {}
        }
    }
    let mut json = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
    walk(&mut json);
    json
}

/// A field as the generated `Debug` of a `settings!` struct shows it: as is, or, for a
/// setting declared `secret` (`SECRET = true`), through the redaction rule ([`Redact`]).
pub(crate) struct Shown<'a, T, const SECRET: bool>(pub &'a T);

impl<T: std::fmt::Debug> std::fmt::Debug for Shown<'_, T, false> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: Redact> std::fmt::Debug for Shown<'_, T, true> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt_redacted(f)
    }
}

/// `Debug` with the redaction rule applied: URL passwords hidden in text, the value of a
/// map entry named like a credential replaced whole.
pub(crate) trait Redact {
    /// Writes `self` as `Debug` would, redacted.
    fn fmt_redacted(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result;
}

/// A redacted value, as `Debug`.
struct AsRedacted<'a, T: ?Sized>(&'a T);

impl<T: Redact + ?Sized> std::fmt::Debug for AsRedacted<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt_redacted(f)
    }
}

impl Redact for String {
    fn fmt_redacted(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&redact_urls(self), f)
    }
}

impl<T: Redact> Redact for Option<T> {
    fn fmt_redacted(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Some(value) => f.debug_tuple("Some").field(&AsRedacted(value)).finish(),
            None => f.write_str("None"),
        }
    }
}

impl<T: Redact> Redact for Vec<T> {
    fn fmt_redacted(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter().map(AsRedacted)).finish()
    }
}

impl<T: Redact> Redact for std::collections::BTreeMap<String, T> {
    fn fmt_redacted(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut map = f.debug_map();
        for (key, value) in self {
            match is_secret_name(key) {
                true => map.entry(key, &format_args!("{REDACTED:?}")),
                false => map.entry(key, &AsRedacted(value)),
            };
        }
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_the_password_of_each_url_and_nothing_else() {
        assert_eq!(
            redact_urls("http://user:pass@minio:9000/b"),
            "http://user:***@minio:9000/b"
        );
        assert_eq!(redact_urls("https://tok@host"), "https://***@host");
        assert_eq!(
            redact_urls("[\"http://a:b@e1:2379\", \"http://e2:2379\"]"),
            "[\"http://a:***@e1:2379\", \"http://e2:2379\"]"
        );
        assert_eq!(redact_urls("http://minio:9000"), "http://minio:9000");
        assert_eq!(redact_urls("user@example.com"), "user@example.com");
        assert_eq!(
            redact_urls("`http://a:pw@h:1` is not one of `s3`"),
            "`http://a:***@h:1` is not one of `s3`"
        );
        // Scheme-less, as etcd clients accept endpoints.
        assert_eq!(
            redact_urls("alice:hunter2@etcd-1:2379"),
            "alice:***@etcd-1:2379"
        );
        assert_eq!(
            redact_urls("[\"alice:hunter2@etcd-1:2379\", \"etcd-2:2379\"]"),
            "[\"alice:***@etcd-1:2379\", \"etcd-2:2379\"]"
        );
        assert_eq!(
            redact_urls("s3://k:s@b/path?x=a@b"),
            "s3://k:***@b/path?x=a@b"
        );
    }

    #[test]
    fn the_rule_hides_credential_named_keys_whole() {
        assert_eq!(
            redact_value("object.client.aws_secret_access_key", "\"AKIA\""),
            "\"***\""
        );
        assert_eq!(redact_value("cache.host.cache_size_gb", "4.0"), "4.0");
        assert!(holds_credential("x.y", Some("u:p@h:1")));
        assert!(!holds_credential("x.y", Some("h:1")));
    }

    #[test]
    fn controls_and_bidi_overrides_are_escaped() {
        assert_eq!(escape_terminal("a\u{1b}]0;x\u{7}b"), "a\\u{1b}]0;x\\u{7}b");
        assert_eq!(
            escape_terminal("\u{202e}abc\u{2066}"),
            "\\u{202e}abc\\u{2066}"
        );
        assert_eq!(escape_terminal("\u{9b}"), "\\u{9b}", "a C1 control");
        assert!(matches!(escape_terminal("plain ü"), Cow::Borrowed(_)));
    }

    #[test]
    fn recognises_credential_parameter_names() {
        assert!(is_secret_name("secret_key"));
        assert!(is_secret_name("access_key"));
        assert!(is_secret_name("AWS_SECRET_ACCESS_KEY"));
        assert!(is_secret_name("Password"));
        assert!(!is_secret_name("num_threads"));
        for name in [
            "db_passwd",
            "PRIVATE_KEY_FILE",
            "x.api_key",
            "my_credentials",
            "bearer_Token",
            "pass.password",
            // Every spelling: camelCase, `-`, other words for the same thing.
            "apiKey",
            "accessKey",
            "api-key",
            "passphrase",
            "pwd",
            "account_key",
            "authorization",
            // A path counts when any part does; a quoted segment as a whole.
            "secret.b64",
            "a.secret.b",
            "pass.word",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "",
            "s",
            "secre",
            "tok",
            "api",
            "access",
            "passw",
            "cache_size_gb",
        ] {
            assert!(!is_secret_name(name), "{name:?}");
        }
        // No declared setting is named like a credential unless it is one.
        for setting in crate::registry::settings() {
            assert_eq!(
                is_secret_name(setting.key),
                setting.key.ends_with("_key") || setting.key.contains("secret"),
                "{}",
                setting.key
            );
        }
    }

    /// The URL grammar, not words: passwords with separators, IPv6 hosts, unparsable
    /// URLs, several URLs in one value, query parameters.
    #[test]
    fn the_url_grammar_finds_every_userinfo() {
        for (text, expected) in [
            (
                "http://alice:aHVudGVyMg==@etcd-0:2379",
                "http://alice:***@etcd-0:2379",
            ),
            (
                "http://alice:pw@[fd00::1]:2379",
                "http://alice:***@[fd00::1]:2379",
            ),
            (
                "http://minio:p,w;x(y)@minio:9000",
                "http://minio:***@minio:9000",
            ),
            (
                "http://minio:pa/ss@minio:9000",
                "http://minio:***@minio:9000",
            ),
            ("http://u:p ss#x@h:1/p", "http://u:***@h:1/p"),
            ("http://u:a@b@h:1", "http://u:***@h:1"),
            (
                "http://a:p@x:1,http://b:q@y:2",
                "http://a:***@x:1,http://b:***@y:2",
            ),
            ("u:p=w@h:1", "u:***@h:1"),
            ("https://h/o?token=abc&x=1", "https://h/o?token=***&x=1"),
            ("https://h/o?sig=abc#f", "https://h/o?sig=***#f"),
            (
                "https://h/o?x-amz-credential=AKIA",
                "https://h/o?x-amz-credential=***",
            ),
        ] {
            assert_eq!(redact_urls(text), expected, "{text}");
        }
        for clean in [
            "http://h:1/a@b",
            "user@example.com",
            "h:1",
            "https://h/o?x=1",
        ] {
            assert!(matches!(redact_urls(clean), Cow::Borrowed(_)), "{clean}");
        }
    }
}
