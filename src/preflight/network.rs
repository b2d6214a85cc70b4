//! `preflight --network`: whether what the config points at answers, from this host.
//!
//! Opt-in (the `network` feature, and the `--network` flag): a plain preflight sends
//! nothing. Each etcd endpoint gets `GET /health` and `GET /version`; each p2p bootstrap
//! peer a TCP connect; the object store an HTTP `GET` of its `endpoint_url`, where any HTTP
//! answer (403 included) means reachable. Nothing carries a credential: the userinfo of
//! every URL is taken out before the request, and no redirect is followed.
//!
//! One deadline holds for the whole run: the distinct targets of every config given (the
//! leader's and the workers' share most) are probed once each, all at the same time, each
//! on a thread of its own, name lookups included; a target that has not answered when the
//! deadline passes is an error, whatever its thread is still waiting for. So the run takes
//! at most the timeout and a small margin, however many targets stay silent.

use std::net::{TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::*;
use crate::agreement::normal_url;
use crate::nova::DiscoveryConfig;
use crate::secret::{escape_terminal, redact_urls};

/// How long after the deadline the run still waits for answers already on their way.
const MARGIN: Duration = Duration::from_millis(100);

/// The most of an answer a finding quotes, in characters.
const QUOTED: usize = 120;

/// When every probe must have ended, and the timeout it came from (for messages).
#[derive(Debug, Clone, Copy)]
struct Deadline {
    at: Instant,
    timeout: Duration,
}

impl Deadline {
    /// What is left of it.
    fn left(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    /// The message of a target that did not answer in time.
    fn missed(&self, shown: &str) -> String {
        format!(
            "{shown} did not answer within the {} ms deadline",
            self.timeout.as_millis()
        )
    }

    /// Why an HTTP request failed, in words; a timeout is the deadline's.
    fn failure(&self, shown: &str, error: ureq::Error) -> String {
        match error {
            ureq::Error::Timeout(_) => self.missed(shown),
            error => format!("{shown} does not answer: {error}"),
        }
    }
}

/// What a target is, which says how it is probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An etcd client URL: `GET /health`, `GET /version`.
    Etcd,
    /// A p2p bootstrap peer: a TCP connect.
    Peer,
    /// The object store: any HTTP answer.
    ObjectStore,
}

/// One thing to probe, with the setting and the source that named it.
#[derive(Debug, Clone)]
struct Target {
    kind: Kind,
    key: &'static str,
    text: String,
    source: Source,
}

impl Target {
    /// What makes two targets the same: their kind and the normal form of their address.
    fn identity(&self) -> (u8, String) {
        let address = match self.kind {
            Kind::Peer => self.text.to_ascii_lowercase(),
            Kind::Etcd | Kind::ObjectStore => normal_url(&self.text),
        };
        (self.kind as u8, address)
    }
}

/// Checks that what `loaded` points at answers within `timeout`: findings of the `reach`
/// check, `info` for each target that answered (with what it said and how fast), `error`
/// for one that did not. As [`reach_all`] with one config.
pub fn reach(loaded: &Loaded, timeout: Duration) -> Vec<Finding> {
    reach_all(&[loaded], timeout)
}

/// As [`reach`], for the configs of every process of a node: each distinct target is
/// probed once, all at the same time, and the whole run ends within `timeout` (and a
/// margin of 100 ms), name lookups included.
pub fn reach_all(configs: &[&Loaded], timeout: Duration) -> Vec<Finding> {
    let deadline = Deadline {
        at: Instant::now() + timeout,
        timeout,
    };
    let mut targets: Vec<Target> = Vec::new();
    for loaded in configs {
        for target in targets_of(loaded) {
            if !targets.iter().any(|t| t.identity() == target.identity()) {
                targets.push(target);
            }
        }
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let (sender, answers) = mpsc::channel();
    let mut results: Vec<Option<Result<String, String>>> = vec![None; targets.len()];
    for (index, target) in targets.iter().enumerate() {
        let (sender, agent, target) = (sender.clone(), agent.clone(), target.clone());
        let spawned = std::thread::Builder::new()
            .name("kvbm-reach".into())
            .spawn(move || {
                // The receiver may have stopped waiting (the deadline passed): fine.
                let _ = sender.send((index, probe(&agent, &target, deadline)));
            });
        if let Err(e) = spawned {
            results[index] = Some(Err(format!("could not start its probe: {e}")));
        }
    }
    drop(sender);
    while results.iter().any(Option::is_none) {
        let left = deadline.left() + MARGIN;
        match answers.recv_timeout(left) {
            Ok((index, result)) => results[index] = Some(result),
            Err(_) => break,
        }
    }
    targets
        .iter()
        .zip(results)
        .map(|(target, result)| {
            let result = result.unwrap_or_else(|| Err(deadline.missed(&shown(&target.text))));
            finding(target, result)
        })
        .collect()
}

/// The targets one config points at.
fn targets_of(loaded: &Loaded) -> Vec<Target> {
    let target = |kind, key: &'static str, text: &str| Target {
        kind,
        key,
        text: text.to_string(),
        source: loaded.report.origin(key),
    };
    let mut targets = Vec::new();
    match &loaded.config.nova.discovery {
        Some(DiscoveryConfig::Etcd(etcd)) => targets.extend(
            etcd.endpoints
                .iter()
                .map(|e| target(Kind::Etcd, crate::key::nova::discovery::ENDPOINTS, e)),
        ),
        Some(DiscoveryConfig::P2p(p2p)) => targets.extend(
            p2p.bootstrap_peers
                .iter()
                .map(|p| target(Kind::Peer, crate::key::nova::discovery::BOOTSTRAP_PEERS, p)),
        ),
        _ => {}
    }
    if let Some(url) = loaded
        .config
        .object
        .as_ref()
        .and_then(|object| object.client.s3().endpoint_url.as_ref())
    {
        targets.push(target(
            Kind::ObjectStore,
            crate::key::object::client::ENDPOINT_URL,
            url,
        ));
    }
    targets
}

/// The finding of one probed target.
fn finding(target: &Target, result: Result<String, String>) -> Finding {
    let (severity, message) = match result {
        Ok(message) => (Severity::Info, message),
        Err(message) => (Severity::Error, message),
    };
    Finding {
        severity,
        check: "reach",
        role: None,
        key: target.key.to_string(),
        value: Some(redact_urls(&format!("{:?}", target.text)).into_owned()),
        source: target.source.clone(),
        host_fact: "from this host".into(),
        message,
    }
}

/// A target's address as findings show it: credentials redacted, terminal-safe.
fn shown(text: &str) -> String {
    escape_terminal(&redact_urls(text)).into_owned()
}

/// Probes one target before `deadline`: what it said, or why not.
fn probe(agent: &ureq::Agent, target: &Target, deadline: Deadline) -> Result<String, String> {
    match target.kind {
        Kind::Etcd => etcd_health(agent, &target.text, deadline),
        Kind::Peer => connect(&target.text, deadline),
        Kind::ObjectStore => object_store(agent, &target.text, deadline),
    }
}

/// An HTTP `GET` that ends by `deadline`, without credentials or redirects.
fn get(
    agent: &ureq::Agent,
    url: &str,
    deadline: Deadline,
) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
    agent
        .get(url)
        .config()
        .timeout_global(Some(deadline.left()))
        .build()
        .call()
}

/// An answer that is not what was asked for, summarised: its status, content type and
/// size, never its body.
fn summary(answer: &ureq::http::Response<ureq::Body>, body: &str) -> String {
    let header = |name: &str| {
        answer
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| shorten(&shown(v)))
    };
    let kind = header("content-type").unwrap_or_else(|| "no content type".into());
    let mut text = format!(
        "HTTP {} ({kind}, {} bytes)",
        answer.status().as_u16(),
        body.len()
    );
    if answer.status().is_redirection() {
        let to = header("location").unwrap_or_else(|| "nowhere".into());
        text.push_str(&format!(", a redirect to {to}, which is not followed"));
    }
    text
}

/// At most [`QUOTED`] characters of `text`.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(QUOTED) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// `GET /health` and `GET /version` of one etcd endpoint: what it said, or why not.
fn etcd_health(agent: &ureq::Agent, endpoint: &str, deadline: Deadline) -> Result<String, String> {
    let base = without_userinfo(&match endpoint.contains("://") {
        true => endpoint.to_string(),
        false => format!("http://{endpoint}"),
    });
    let base = base.trim_end_matches('/');
    let shown = shown(endpoint);
    let started = Instant::now();
    let read = |path: &str| {
        let mut answer = get(agent, &format!("{base}{path}"), deadline)
            .map_err(|e| deadline.failure(&format!("etcd at {shown}"), e))?;
        let body = answer
            .body_mut()
            .with_config()
            .limit(64 * 1024)
            .read_to_string()
            .unwrap_or_default();
        Ok::<_, String>((answer, body))
    };
    let (answer, body) = read("/health")?;
    let took = started.elapsed();
    let health = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("health").cloned());
    match health {
        Some(h) if answer.status() == 200 && (h == "true" || h == true) => {}
        Some(h) => {
            return Err(format!(
                "etcd at {shown} is not healthy (HTTP {}, health {})",
                answer.status().as_u16(),
                shorten(&escape_terminal(&h.to_string()))
            ))
        }
        None => {
            return Err(format!(
                "{shown} answered {}, not etcd's /health: is it etcd's client URL?",
                summary(&answer, &body)
            ))
        }
    }
    let version = read("/version")
        .ok()
        .and_then(|(_, body)| serde_json::from_str::<serde_json::Value>(&body).ok())
        .and_then(|v| {
            v.get("etcdserver")
                .and_then(|s| s.as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| "version unknown".into());
    Ok(format!(
        "etcd at {shown} is healthy (etcd {}, {} ms)",
        shorten(&escape_terminal(&version)),
        took.as_millis()
    ))
}

/// An HTTP `GET` of the object store's URL: any answer counts.
fn object_store(agent: &ureq::Agent, url: &str, deadline: Deadline) -> Result<String, String> {
    let shown = shown(url);
    let started = Instant::now();
    match get(agent, &without_userinfo(url), deadline) {
        Ok(answer) => Ok(format!(
            "{shown} answers (HTTP {}, {} ms)",
            answer.status().as_u16(),
            started.elapsed().as_millis()
        )),
        Err(e) => Err(deadline.failure(&shown, e)),
    }
}

/// A TCP connect to `peer` (`host:port`) before `deadline`; how long it took. The name
/// lookup runs under the same deadline: the caller stops waiting for this thread then.
fn connect(peer: &str, deadline: Deadline) -> Result<String, String> {
    let started = Instant::now();
    let shown = shown(peer);
    let addrs: Vec<_> = peer
        .to_socket_addrs()
        .map_err(|e| format!("{shown} cannot be resolved: {e}"))?
        .collect();
    let mut last = String::from("no address");
    for addr in addrs {
        let left = deadline.left();
        if left.is_zero() {
            return Err(deadline.missed(&shown));
        }
        match TcpStream::connect_timeout(&addr, left) {
            Ok(_) => {
                return Ok(format!(
                    "{shown} accepts TCP connections ({} ms)",
                    started.elapsed().as_millis()
                ))
            }
            Err(e) => last = e.to_string(),
        }
    }
    Err(format!("{shown} cannot be reached: {last}"))
}

/// `url` without its userinfo (`http://u:p@h` → `http://h`): no credential is ever sent.
fn without_userinfo(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}
