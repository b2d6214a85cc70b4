//! The rules a declaration's `check: [...]` list names, and the check of one setting.

use std::net::IpAddr;

use super::key_path::{join, KeyPath};
use super::kind::{Kind, SettingType, View};

/// Code of a broken [`Rule::NotWith`], which names two settings.
pub(crate) const EXCLUSIVE_CODE: &str = "mutually_exclusive";

/// A broken rule at a dotted key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    /// Dotted key of the setting.
    pub key: String,
    /// The rule's code (`range`, `length`, [`EXCLUSIVE_CODE`], ...).
    pub code: &'static str,
    /// What the rule requires, in words.
    pub message: String,
    /// For [`Rule::NotWith`], the dotted key of the other setting.
    pub partner: Option<String>,
}

/// Declares the rules: for each, in one item, the name a `check: [...]` list writes, its
/// parameters, its words, the value kinds it can check (as a [`Kind`] and as a [`View`]
/// pattern), the numbers it bounds, what it adds to the JSON Schema, and its check. The
/// macro makes the [`Rule`] enum, the constructors the declarations call (module `make`)
/// and each method of [`Rule`] as one `match` over every rule, so a rule cannot exist
/// without each of its parts, and no part has a wildcard arm over rules.
macro_rules! rules {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $name:ident $(($($arg:ident : $ty:ty),*))? {
            text: $text:expr,
            kinds: $kinds:pat,
            views: $views:pat,
            bounds: $bounds:expr,
            schema($schema:ident) => $schema_body:expr,
            check($value:ident, $sibling_set:ident) => $check:expr,
            $(partner: $partner:expr,)?
        }
    )*) => {
        /// A constraint on a setting's value, declared in its `check: [...]` list.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Rule {
            $($(#[doc = $doc])* $variant $(($($ty),*))?,)*
        }

        /// The constructors a `check: [...]` list calls: `min(1)`, `not_empty`.
        #[allow(non_upper_case_globals)]
        pub(crate) mod make {
            use super::Rule;
            $(rules!(@make $variant $name $(($($arg: $ty),*))?);)*
        }

        impl Rule {
            /// What the rule requires, in the words of the docs and `explain` (`≥ 1`).
            pub(crate) fn text(self) -> String {
                match self {
                    $(Rule::$variant $(($($arg),*))? => $text.to_string(),)*
                }
            }

            /// Whether the rule can check a value of `kind`; a test proves that every
            /// declaration pairs its rules with a kind they fit.
            pub(crate) fn fits(self, kind: Kind) -> bool {
                match self {
                    $(Rule::$variant $(($(rules!(@ignore $arg)),*))? => matches!(kind, $kinds),)*
                }
            }

            /// Whether the rule can look at a value of this shape (the [`View`] of
            /// [`Rule::fits`]); [`Rule::check`] reports a mismatch rather than skip it.
            fn applies_to(self, view: View<'_>) -> bool {
                match self {
                    $(Rule::$variant $(($(rules!(@ignore $arg)),*))? => matches!(view, $views),)*
                }
            }

            /// The smallest and largest number the rule allows.
            pub(crate) fn bounds(self) -> (Option<u64>, Option<u64>) {
                #[allow(unused_variables)]
                match self {
                    $(Rule::$variant $(($($arg),*))? => $bounds,)*
                }
            }

            /// What the rule adds to the JSON Schema of its setting (`minimum`, `minLength`).
            #[cfg(feature = "schema")]
            pub(crate) fn schema(self, property: &mut serde_json::Map<String, serde_json::Value>) {
                #[allow(unused_variables)]
                match self {
                    $(Rule::$variant $(($($arg),*))? => {
                        let $schema = property;
                        $schema_body
                    })*
                }
            }

            /// The sibling setting a rule pairs this one with, whose key a broken rule names.
            fn partner(self) -> Option<&'static str> {
                #[allow(unused_variables)]
                match self {
                    $(Rule::$variant $(($($arg),*))? => crate::declare::first!($($partner,)? None),)*
                }
            }

            /// Checks `value`; `sibling_set` says whether a setting of the same table is
            /// set. `Err((code, message))` when the rule is broken. A rule never applies to
            /// an unset value.
            fn check(
                self,
                value: View<'_>,
                sibling_set: &dyn Fn(&str) -> bool,
            ) -> Result<(), (&'static str, String)> {
                if let View::Unset = value {
                    return Ok(());
                }
                if !self.applies_to(value) {
                    return Err((
                        "rule",
                        format!("the rule {self:?} cannot check this value (a declaration error)"),
                    ));
                }
                #[allow(unused_variables)]
                match self {
                    $(Rule::$variant $(($($arg),*))? => {
                        let ($value, $sibling_set) = (value, sibling_set);
                        $check
                    })*
                }
            }
        }
    };
    (@make $variant:ident $name:ident) => {
        #[doc = concat!("`", stringify!($name), "`: [`Rule::", stringify!($variant), "`].")]
        pub(crate) const $name: Rule = Rule::$variant;
    };
    (@make $variant:ident $name:ident ($($arg:ident : $ty:ty),*)) => {
        #[doc = concat!("`", stringify!($name), "(..)`: [`Rule::", stringify!($variant), "`].")]
        pub(crate) const fn $name($($arg: $ty),*) -> Rule {
            Rule::$variant($($arg),*)
        }
    };
    (@ignore $arg:ident) => { _ };
}

/// A broken rule, with its code and words.
fn broken(code: &'static str, message: &str) -> Result<(), (&'static str, String)> {
    Err((code, message.to_string()))
}

rules! {
    /// `min(n)`: at least `n`.
    Min = min(min: u64) {
        text: format!("≥ {min}"),
        kinds: Kind::Unsigned(_),
        views: View::Unsigned(_),
        bounds: (Some(min), None),
        schema(property) => {
            property.insert("minimum".into(), min.into());
        },
        check(value, sibling_set) => match value {
            View::Unsigned(n) if n < min => Err(("range", format!("must be at least {min}"))),
            _ => Ok(()),
        },
    }
    /// `range(a, b)`: from `a` to `b`, both included.
    Range = range(low: u64, high: u64) {
        text: format!("{low} ≤ x ≤ {high}"),
        kinds: Kind::Unsigned(_),
        views: View::Unsigned(_),
        bounds: (Some(low), Some(high)),
        schema(property) => {
            property.insert("minimum".into(), low.into());
            property.insert("maximum".into(), high.into());
        },
        check(value, sibling_set) => match value {
            View::Unsigned(n) if n < low || n > high => {
                Err(("range", format!("must be between {low} and {high}")))
            }
            _ => Ok(()),
        },
    }
    /// `not_empty`: text or path with at least one character.
    NotEmpty = not_empty {
        text: "not empty",
        kinds: Kind::Text | Kind::Path,
        views: View::Text(_) | View::Path(_),
        bounds: (None, None),
        schema(property) => {
            property.insert("minLength".into(), 1.into());
        },
        check(value, sibling_set) => match value {
            View::Text("") => broken("length", "must not be empty"),
            View::Path(path) if path.as_os_str().is_empty() => broken("length", "must not be empty"),
            _ => Ok(()),
        },
    }
    /// `non_empty_list`: at least one entry, none empty.
    NonEmptyList = non_empty_list {
        text: "at least one, none empty",
        kinds: Kind::TextList,
        views: View::List(_),
        bounds: (None, None),
        schema(property) => {
            property.insert("minItems".into(), 1.into());
        },
        check(value, sibling_set) => match value {
            View::List([]) => broken("length", "must list at least one entry"),
            View::List(items) => no_empty_item(items),
            _ => Ok(()),
        },
    }
    /// `no_empty_items`: no empty entry.
    NoEmptyItems = no_empty_items {
        text: "none empty",
        kinds: Kind::TextList,
        views: View::List(_),
        bounds: (None, None),
        schema(property) => {},
        check(value, sibling_set) => match value {
            View::List(items) => no_empty_item(items),
            _ => Ok(()),
        },
    }
    /// `positive_finite`: a finite number above zero.
    PositiveFinite = positive_finite {
        text: "finite, > 0",
        kinds: Kind::Float,
        views: View::Float(_),
        bounds: (None, None),
        schema(property) => {
            property.insert("exclusiveMinimum".into(), 0.into());
        },
        check(value, sibling_set) => match value {
            View::Float(f) if !(f.is_finite() && f > 0.0) => {
                broken("positive_finite", "must be a finite number greater than 0")
            }
            _ => Ok(()),
        },
    }
    /// `ip`: an IPv4 or IPv6 address.
    Ip = ip {
        text: "valid IP address",
        kinds: Kind::Text,
        views: View::Text(_),
        bounds: (None, None),
        schema(property) => {},
        check(value, sibling_set) => match value {
            View::Text(text) if text.parse::<IpAddr>().is_err() => {
                broken("ip", "must be a valid IPv4 or IPv6 address")
            }
            _ => Ok(()),
        },
    }
    /// `url`: a URL with a scheme and a host.
    Url = url {
        text: "a URL with a scheme and a host",
        kinds: Kind::Text,
        views: View::Text(_),
        bounds: (None, None),
        schema(property) => {},
        check(value, sibling_set) => match value {
            View::Text(text) if !is_url_with_host(text) => broken(
                "url",
                "must be a URL with a scheme and a host, e.g. http://minio:9000",
            ),
            _ => Ok(()),
        },
    }
    /// `etcd_endpoints`: each item `host:port` or `http(s)://host:port`, as etcd clients
    /// accept them.
    EtcdEndpoints = etcd_endpoints {
        text: "each host:port or http(s)://host:port",
        kinds: Kind::TextList,
        views: View::List(_),
        bounds: (None, None),
        schema(property) => {},
        check(value, sibling_set) => match value {
            View::List(items) if items.iter().any(|e| !is_etcd_endpoint(e)) => broken(
                "etcd_endpoint",
                "each endpoint must be host:port or http(s)://host:port, e.g. http://etcd-0:2379",
            ),
            _ => Ok(()),
        },
    }
    /// `host_ports`: each item `host:port` (an IPv6 host in brackets), as a peer address.
    HostPorts = host_ports {
        text: "each host:port",
        kinds: Kind::TextList,
        views: View::List(_),
        bounds: (None, None),
        schema(property) => {},
        check(value, sibling_set) => match value {
            View::List(items) if !items.iter().all(|p| is_host_port(p)) => broken(
                "host_port",
                "each peer must be host:port, e.g. 10.0.0.10:5000 or [fd00::1]:5000",
            ),
            _ => Ok(()),
        },
    }
    /// `backend_names`: backend names not empty and unique ignoring case.
    BackendNames = backend_names {
        text: "names not empty; unique ignoring case",
        kinds: Kind::Backends,
        views: View::Backends(_),
        bounds: (None, None),
        schema(property) => {},
        check(value, sibling_set) => match value {
            View::Backends(backends) => check_backend_names(backends.keys().map(String::as_str))
                .map_err(|message| ("backend_name", message)),
            _ => Ok(()),
        },
    }
    /// `not_with("field")`: not set together with the sibling `field`.
    NotWith = not_with(other: &'static str) {
        text: format!("not with {other}"),
        kinds: _,
        views: _,
        bounds: (None, None),
        schema(property) => {},
        check(value, sibling_set) => match sibling_set(other) {
            true => Err((EXCLUSIVE_CODE, String::new())),
            false => Ok(()),
        },
        partner: Some(other),
    }
}

/// The check of `no_empty_items`, which `non_empty_list` includes.
fn no_empty_item(items: &[String]) -> Result<(), (&'static str, String)> {
    match items.iter().any(|item| item.trim().is_empty()) {
        true => broken("no_empty_items", "must not contain an empty entry"),
        false => Ok(()),
    }
}

/// Whether `text` is a URL with a scheme and a host (`http://minio:9000`); also used by
/// preflight for etcd endpoints.
pub(crate) fn is_url_with_host(text: &str) -> bool {
    // A URL parses (`url`, the WHATWG parser); `mailto:x` does too, so an endpoint also
    // needs `scheme://host`.
    url::Url::parse(text).is_ok()
        && text
            .split_once("://")
            .is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with(['/', ':', '@']))
}

/// Whether `text` is an etcd endpoint as etcd clients accept it: `host:port`, or
/// `http://host:port` / `https://host:port` (userinfo and a trailing `/` allowed).
pub(crate) fn is_etcd_endpoint(text: &str) -> bool {
    let with_scheme = match text.contains("://") {
        true => std::borrow::Cow::Borrowed(text),
        false => std::borrow::Cow::Owned(format!("http://{text}")),
    };
    url::Url::parse(&with_scheme).is_ok_and(|url| {
        matches!(url.scheme(), "http" | "https")
            && url.host_str().is_some_and(|host| !host.is_empty())
            // An explicit port: `Url` hides the scheme's default, so look at the text.
            && has_explicit_port(&with_scheme)
            && matches!(url.path(), "" | "/")
            && url.query().is_none()
            && url.fragment().is_none()
    })
}

/// Whether `text` is `host:port`: a host name or IPv4 address, or an IPv6 address in
/// brackets, then a port of 1 to 65535 (an empty item is `no_empty_items`'s to report).
pub(crate) fn is_host_port(text: &str) -> bool {
    let Some((host, port)) = text.rsplit_once(':') else {
        return text.trim().is_empty();
    };
    let port_ok =
        port.parse::<u16>().is_ok_and(|p| p > 0) && port.bytes().all(|b| b.is_ascii_digit());
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => v6.parse::<std::net::Ipv6Addr>().is_ok(),
        None => {
            !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        }
    };
    port_ok && host_ok
}

/// Whether the authority of a `scheme://authority/...` URL ends in `:digits`.
fn has_explicit_port(url: &str) -> bool {
    let authority = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest.split('/').next().unwrap_or(rest));
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    host_port.rsplit_once(':').is_some_and(|(host, port)| {
        !host.is_empty()
            && !port.is_empty()
            && port.bytes().all(|b| b.is_ascii_digit())
            && !host.ends_with(':')
    })
}

/// Checks the rules of one setting, recording each broken one.
pub(crate) fn check_setting<T: SettingType>(
    at: &KeyPath<'_>,
    name: &'static str,
    value: &T,
    rules: &[Rule],
    sibling_set: &dyn Fn(&str) -> bool,
    found: &mut Vec<Violation>,
) {
    for rule in rules {
        let Err((code, message)) = rule.check(value.view(), sibling_set) else {
            continue;
        };
        // The key is built only for a broken rule: a valid config costs no allocation.
        let key = at.key(name);
        let partner = match rule.partner() {
            Some(other) => {
                let (table, this) = key.rsplit_once('.').unwrap_or(("", &key));
                // The pair is one problem: report it once, at the later name.
                if this < other {
                    continue;
                }
                Some(join(table, other))
            }
            None => None,
        };
        let message = match &partner {
            Some(other) => format!(
                "`{}` and `{}` are mutually exclusive; set only one",
                other.rsplit('.').next().unwrap_or(other),
                key.rsplit('.').next().unwrap_or(&key)
            ),
            None => message,
        };
        found.push(Violation {
            key: key.clone(),
            code,
            message,
            partner,
        });
    }
}

/// The one rule for backend names, used by every source and by the declared rule: none is
/// empty, and none repeats another ignoring case. The message names both spellings.
pub(crate) fn check_backend_names<'a>(
    names: impl IntoIterator<Item = &'a str>,
) -> Result<(), String> {
    let mut seen: Vec<&str> = Vec::new();
    for name in names {
        if name.trim().is_empty() {
            return Err("backend names must not be empty".into());
        }
        if let Some(first) = seen.iter().find(|s| s.eq_ignore_ascii_case(name)) {
            return Err(format!(
                "backend `{name}` is given twice (as `{first}` too); names ignore case"
            ));
        }
        seen.push(name);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{is_etcd_endpoint, Rule, View};

    #[test]
    fn a_rule_on_the_wrong_type_is_reported_not_skipped() {
        let no_sibling = |_: &str| false;
        let (code, message) = Rule::Min(1)
            .check(View::Text("x"), &no_sibling)
            .unwrap_err();
        assert_eq!(code, "rule");
        assert!(message.contains("declaration error"), "{message}");
        assert!(Rule::Url.check(View::Unsigned(3), &no_sibling).is_err());
        // The same rule on its own type passes a good value.
        assert!(Rule::Min(1).check(View::Unsigned(3), &no_sibling).is_ok());
    }

    #[test]
    fn peers_are_host_and_port() {
        for good in ["10.0.0.10:5000", "peer-0.kvbm:5000", "[fd00::1]:5000"] {
            assert!(super::is_host_port(good), "{good}");
        }
        for bad in [
            "10.0.0.10",
            "[\"10.0.0.1:5000\"",
            "10.0.0.2:5000\"]",
            "peer:0",
            "peer:70000",
            "fd00::1:5000",
            ":5000",
            "peer:+50",
        ] {
            assert!(!super::is_host_port(bad), "{bad}");
        }
    }

    #[test]
    fn etcd_endpoints_are_what_etcd_clients_accept() {
        for good in [
            "etcd-1:2379",
            "http://etcd-1:2379",
            "https://10.0.0.1:2379/",
            "http://[::1]:2379",
            "alice:pw@etcd-1:2379",
        ] {
            assert!(is_etcd_endpoint(good), "{good}");
        }
        for bad in [
            "etcd-1",
            "http://etcd-1",
            "ftp://etcd-1:2379",
            "http://etcd-1:2379/v3/kv",
            ":2379",
            "etcd-1:port",
            "",
        ] {
            assert!(!is_etcd_endpoint(bad), "{bad}");
        }
    }
}

/// Every declared bound, at its edges, through a real load: the bound itself and a value
/// inside it load; one below and one above are refused, naming the key. Derived from the
/// declarations, so a new bound is tested without a new test.
#[cfg(test)]
mod bound_edges {
    use crate::registry::{settings, Setting};

    /// A JSON document that sets `setting` to `value`, with what its table needs beside
    /// it (the variant's `type`, required text).
    fn document(setting: &Setting, value: u64) -> serde_json::Value {
        let mut doc = serde_json::json!({});
        let (table, _) = setting.key.rsplit_once('.').unwrap();
        let mut set = |key: &str, value: serde_json::Value| {
            let mut node = &mut doc;
            let parts: Vec<&str> = key.split('.').collect();
            for part in &parts[..parts.len() - 1] {
                node = node
                    .as_object_mut()
                    .unwrap()
                    .entry(part.to_string())
                    .or_insert_with(|| serde_json::json!({}));
            }
            node[parts[parts.len() - 1]] = value;
        };
        if let Some(variant) = setting.applies_to.first() {
            set(&format!("{table}.type"), (*variant).into());
            for sibling in settings().iter().filter(|s| {
                s.key.starts_with(&format!("{table}.")) && s.applies_to.contains(variant)
            }) {
                if sibling.rules.contains(&super::Rule::NotEmpty) {
                    set(sibling.key, "x".into());
                }
            }
        }
        set(setting.key, value.into());
        doc
    }

    fn loads(setting: &Setting, value: u64) -> Result<(), String> {
        let json = document(setting, value).to_string();
        match crate::Loader::new().json(json.clone()).load() {
            Ok(_) => Ok(()),
            Err(error) => match error.problem_for(setting.key) {
                Some(problem) => Err(problem.to_string()),
                None => panic!("{json}: refused for another reason:\n{error}"),
            },
        }
    }

    #[test]
    fn every_bound_holds_at_its_edges() {
        let mut checked = 0;
        for setting in settings() {
            let crate::declare::Kind::Unsigned(width) = setting.kind else {
                continue;
            };
            let (low, high) = setting.bounds();
            let (low, high) = (low.unwrap_or(0), high.unwrap_or(width.max()));
            if low == 0 && high == width.max() {
                continue;
            }
            for inside in [low, high, low + (high - low) / 2] {
                assert_eq!(loads(setting, inside), Ok(()), "{} = {inside}", setting.key);
            }
            if low > 0 {
                assert!(
                    loads(setting, low - 1).is_err(),
                    "{} = {}",
                    setting.key,
                    low - 1
                );
            }
            if high < width.max() {
                assert!(
                    loads(setting, high + 1).is_err(),
                    "{} = {}",
                    setting.key,
                    high + 1
                );
            }
            checked += 1;
        }
        assert!(checked >= 10, "only {checked} bounded settings");
    }
}
