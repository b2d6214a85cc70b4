//! Redaction of credentials in anything this crate prints.
//!
//! A URL may carry a password (`http://user:pass@minio:9000`, an etcd endpoint) and a NixL
//! backend may take keys as parameters. Every rendered value (problems, warnings, the load
//! report) and the `Debug` output of the structs that hold such strings pass through here.
//! The config itself keeps the real value for the code that needs it.

use std::borrow::Cow;

/// What a redacted secret is replaced with.
pub(crate) const REDACTED: &str = "***";

/// `text` with the password of every URL in it (`scheme://user:password@host`) replaced by
/// `***`; a lone token before `@` (`scheme://token@host`) is replaced entirely.
pub fn redact_urls(text: &str) -> Cow<'_, str> {
    if !text.contains("://") || !text.contains('@') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(scheme_end) = rest.find("://") {
        let authority_start = scheme_end + 3;
        out.push_str(&rest[..authority_start]);
        rest = &rest[authority_start..];
        let authority_end = rest
            .find(['/', '?', '#', ' ', ',', '"'])
            .unwrap_or(rest.len());
        match rest[..authority_end].rfind('@') {
            Some(at) => {
                match rest[..at].split_once(':') {
                    Some((user, _password)) => {
                        out.push_str(user);
                        out.push(':');
                        out.push_str(REDACTED);
                    }
                    None => out.push_str(REDACTED),
                }
                out.push_str(&rest[at..authority_end]);
            }
            None => out.push_str(&rest[..authority_end]),
        }
        rest = &rest[authority_end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Whether a parameter name looks like it holds a credential (`secret_key`, `password`,
/// `token`, `access_key`, ...), so that its value is never printed.
pub(crate) fn is_secret_name(name: &str) -> bool {
    // Called for every key of every file: compare in place rather than lower-case a copy.
    const WORDS: [&str; 8] = [
        "secret",
        "password",
        "passwd",
        "token",
        "credential",
        "access_key",
        "private_key",
        "api_key",
    ];
    let name = name.as_bytes();
    WORDS.iter().any(|word| {
        name.windows(word.len())
            .any(|window| window.eq_ignore_ascii_case(word.as_bytes()))
    })
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
            redact_urls("s3://k:s@b/path?x=a@b"),
            "s3://k:***@b/path?x=a@b"
        );
    }

    #[test]
    fn recognises_credential_parameter_names() {
        assert!(is_secret_name("secret_key"));
        assert!(is_secret_name("access_key"));
        assert!(is_secret_name("AWS_SECRET_ACCESS_KEY"));
        assert!(is_secret_name("Password"));
        assert!(!is_secret_name("num_threads"));
    }
}
