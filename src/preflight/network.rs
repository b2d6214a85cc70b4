//! `preflight --network`: whether what the config points at answers, from this host.
//!
//! Opt-in (the `network` feature, and the `--network` flag): a plain preflight sends
//! nothing. Each etcd endpoint gets `GET /health` and `GET /version`; each p2p bootstrap
//! peer a TCP connect; the object store an HTTP `GET` of its `endpoint_url`, where any HTTP
//! answer (403 included) means reachable. Nothing carries a credential: the userinfo of
//! every URL is taken out before the request. Every request has the same timeout.

use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::*;
use crate::nova::DiscoveryConfig;

/// Checks that what `loaded` points at answers within `timeout`: findings of the
/// `reach` check, `info` for each endpoint that answered (with what it said and how fast),
/// `error` for one that did not.
pub fn reach(loaded: &Loaded, timeout: Duration) -> Vec<Finding> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let mut found = Vec::new();
    let mut push = |severity, key: &str, target: &str, message: String| {
        let (value, source) = (
            Some(crate::secret::redact_urls(&format!("{target:?}")).into_owned()),
            loaded.report.origin(key),
        );
        found.push(Finding {
            severity,
            check: "reach",
            role: None,
            key: key.to_string(),
            value,
            source,
            host_fact: "from this host".into(),
            message,
        });
    };
    match &loaded.config.nova.discovery {
        Some(DiscoveryConfig::Etcd(etcd)) => {
            for endpoint in &etcd.endpoints {
                let key = "nova.discovery.endpoints";
                match etcd_health(&agent, endpoint) {
                    Ok(answer) => push(Severity::Info, key, endpoint, answer),
                    Err(why) => push(Severity::Error, key, endpoint, why),
                }
            }
        }
        Some(DiscoveryConfig::P2p(p2p)) => {
            for peer in &p2p.bootstrap_peers {
                let key = "nova.discovery.bootstrap_peers";
                match connect(peer, timeout) {
                    Ok(took) => push(
                        Severity::Info,
                        key,
                        peer,
                        format!("{peer} accepts TCP connections ({} ms)", took.as_millis()),
                    ),
                    Err(why) => push(
                        Severity::Error,
                        key,
                        peer,
                        format!("{peer} cannot be reached: {why}"),
                    ),
                }
            }
        }
        _ => {}
    }
    if let Some(object) = &loaded.config.object {
        if let Some(url) = &object.client.s3().endpoint_url {
            let key = "object.client.endpoint_url";
            let shown = crate::secret::redact_urls(url).into_owned();
            let started = Instant::now();
            match agent.get(&without_userinfo(url)).call() {
                Ok(answer) => push(
                    Severity::Info,
                    key,
                    url,
                    format!(
                        "{shown} answers (HTTP {}, {} ms)",
                        answer.status().as_u16(),
                        started.elapsed().as_millis()
                    ),
                ),
                Err(e) => push(
                    Severity::Error,
                    key,
                    url,
                    format!("{shown} does not answer: {e}"),
                ),
            }
        }
    }
    found
}

/// `GET /health` and `GET /version` of one etcd endpoint: what it said, or why not.
fn etcd_health(agent: &ureq::Agent, endpoint: &str) -> Result<String, String> {
    let base = without_userinfo(&match endpoint.contains("://") {
        true => endpoint.to_string(),
        false => format!("http://{endpoint}"),
    });
    let base = base.trim_end_matches('/');
    let shown = crate::secret::redact_urls(endpoint).into_owned();
    let started = Instant::now();
    let get = |path: &str| -> Result<(u16, String), String> {
        let mut answer = agent
            .get(&format!("{base}{path}"))
            .call()
            .map_err(|e| format!("etcd at {shown} does not answer: {e}"))?;
        let status = answer.status().as_u16();
        let body = answer
            .body_mut()
            .with_config()
            .limit(64 * 1024)
            .read_to_string()
            .map_err(|e| format!("etcd at {shown} sent an unreadable answer: {e}"))?;
        Ok((status, body))
    };
    let (status, health) = get("/health")?;
    let took = started.elapsed();
    let healthy = serde_json::from_str::<serde_json::Value>(&health)
        .ok()
        .and_then(|v| v.get("health").cloned())
        .is_some_and(|h| h == "true" || h == true);
    if status != 200 || !healthy {
        return Err(format!(
            "etcd at {shown} is not healthy (HTTP {status}: {})",
            crate::secret::escape_terminal(health.trim())
        ));
    }
    let version = get("/version")
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
        crate::secret::escape_terminal(&version),
        took.as_millis()
    ))
}

/// A TCP connect to `peer` (`host:port`), within `timeout`; how long it took.
fn connect(peer: &str, timeout: Duration) -> Result<Duration, String> {
    let started = Instant::now();
    let addrs: Vec<_> = peer
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve: {e}"))?
        .collect();
    let mut last = String::from("no address");
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(_) => return Ok(started.elapsed()),
            Err(e) => last = e.to_string(),
        }
    }
    Err(last)
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
