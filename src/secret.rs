//! Redaction of credentials in anything this crate prints.
//!
//! A URL may carry a password (`http://user:pass@minio:9000`, an etcd endpoint) and a NixL
//! backend may take keys as parameters. Every rendered value (problems, warnings, the load
//! report) and the `Debug` output of the structs that hold such strings pass through here.
//! The config itself keeps the real value for the code that needs it.

use std::borrow::Cow;

/// What a redacted secret is replaced with.
pub(crate) const REDACTED: &str = "***";

/// `text` with the credentials of every URL in it hidden: the password of
/// `scheme://user:password@host` and of a scheme-less `user:password@host:port` (as etcd
/// clients accept endpoints) becomes `***`; a lone token before `@` in a URL with a scheme
/// (`scheme://token@host`) is replaced entirely. `user@example.com` is left alone.
///
/// Candidates are the words of `text` (split at blanks, quotes, commas and brackets, so a
/// rendered list works too); each one with an `@` is parsed with the `url` crate, and only
/// what it finds as a username or password is replaced.
pub fn redact_urls(text: &str) -> Cow<'_, str> {
    if !text.contains('@') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    for (word, separator) in words(text) {
        match redact_word(word) {
            Some(clean) => {
                out.push_str(&clean);
                changed = true;
            }
            None => out.push_str(word),
        }
        out.push_str(separator);
    }
    match changed {
        true => Cow::Owned(out),
        false => Cow::Borrowed(text),
    }
}

/// The words of `text`, each with the separators that follow it.
fn words(text: &str) -> impl Iterator<Item = (&str, &str)> {
    const SEPARATORS: &[char] = &[
        ' ', '\t', '\n', '"', '\'', '`', ',', ';', '[', ']', '{', '}', '(', ')', '<', '>', '=',
    ];
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let word_end = rest.find(SEPARATORS).unwrap_or(rest.len());
        let sep_end = rest[word_end..]
            .find(|c: char| !SEPARATORS.contains(&c))
            .map_or(rest.len(), |n| word_end + n);
        let item = (&rest[..word_end], &rest[word_end..sep_end]);
        rest = &rest[sep_end..];
        Some(item)
    })
}

/// `word` with its credentials hidden, if it is a URL (or scheme-less authority) that has
/// some; `None` when there is nothing to hide.
fn redact_word(word: &str) -> Option<String> {
    let at = word.find('@')?;
    let (scheme, authority_start) = match word.find("://") {
        Some(end) if end < at => (true, end + 3),
        _ => (false, 0),
    };
    let parsed = match scheme {
        true => url::Url::parse(word).ok(),
        false => url::Url::parse(&format!("kvbm://{word}")).ok(),
    }?;
    let has_password = parsed.password().is_some_and(|p| !p.is_empty());
    let has_token = scheme && !parsed.username().is_empty();
    if !has_password && !has_token {
        return None;
    }
    // Replace the userinfo as written, so that the rest of the word is unchanged.
    let authority = &word[authority_start..];
    let authority_end = authority.find(['/', '?', '#']).unwrap_or(authority.len());
    let userinfo_end = authority[..authority_end].rfind('@')?;
    let userinfo = &authority[..userinfo_end];
    let hidden = match userinfo.split_once(':') {
        Some((user, _)) if has_password => format!("{user}:{REDACTED}"),
        _ => REDACTED.to_string(),
    };
    Some(format!(
        "{}{hidden}{}",
        &word[..authority_start],
        &authority[userinfo_end..]
    ))
}

/// Whether a key or parameter name looks like it holds a credential (`secret_key`,
/// `password`, `token`, `access_key`, ...), so that its value is never printed. A dotted
/// key path is named like a credential when its last part is.
pub(crate) fn is_secret_name(name: &str) -> bool {
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
    const SHORTEST: usize = {
        let (mut shortest, mut i) = (usize::MAX, 0);
        while i < WORDS.len() {
            if WORDS[i].len() < shortest {
                shortest = WORDS[i].len();
            }
            i += 1;
        }
        shortest
    };
    // Called for every key of every file: compare in place rather than lower-case a copy,
    // a word only where its first letter stands, and only where the shortest word fits.
    let name = name.rsplit('.').next().unwrap_or(name).as_bytes();
    (0..(name.len() + 1).saturating_sub(SHORTEST)).any(|start| {
        let rest = &name[start..];
        let first = rest[0].to_ascii_lowercase();
        WORDS.iter().map(|word| word.as_bytes()).any(|word| {
            word[0] == first
                && rest.len() >= word.len()
                && rest[..word.len()].eq_ignore_ascii_case(word)
        })
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

/// Whether `c` may not reach a terminal as is: a C0 or C1 control (ESC, BEL, CR, ...) or a
/// Unicode bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069), which can
/// reorder what a reader sees.
fn is_unsafe_for_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` safe for a terminal: every control character and bidi override written as
/// `\u{1b}`. Every name or value that came from an input passes here before text output.
pub fn escape_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_for_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match is_unsafe_for_terminal(c) {
            true => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            false => out.push(c),
        }
    }
    Cow::Owned(out)
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
            "a.secret.b",
            "passw",
        ] {
            assert!(!is_secret_name(name), "{name:?}");
        }
    }
}
