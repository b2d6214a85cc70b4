//! `preflight --network` against real components on 127.0.0.1 only: Debian's etcd
//! (`etcd-server`), started on free loopback ports with a temporary data directory, and a
//! plain HTTP server standing for the object store.
//!
//! Without an `etcd` binary the etcd test says so and passes, unless `REQUIRE_ETCD` is
//! set, as `.ci/run` sets it (after installing `etcd-server`): there it fails.
#![cfg(all(feature = "network", unix))]

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::loader;
use kvbm_config::preflight::{reach, Finding, Severity};

const TIMEOUT: Duration = Duration::from_secs(3);

/// A port that is free now on 127.0.0.1.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running etcd, stopped (and its data removed) when dropped.
struct Etcd {
    child: Child,
    client: String,
    _data: tempfile::TempDir,
}

impl Drop for Etcd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_etcd() -> Option<Etcd> {
    if Command::new("etcd").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("REQUIRE_ETCD").is_none(),
            "etcd is required here (REQUIRE_ETCD is set) but not installed"
        );
        eprintln!("skipped: no etcd binary (install Debian's etcd-server)");
        return None;
    }
    let data = tempfile::tempdir().unwrap();
    let (client_port, peer_port) = (free_port(), free_port());
    let client = format!("http://127.0.0.1:{client_port}");
    let peer = format!("http://127.0.0.1:{peer_port}");
    let child = Command::new("etcd")
        .arg("--name=kvbm-test")
        .arg(format!("--data-dir={}", data.path().display()))
        .arg(format!("--listen-client-urls={client}"))
        .arg(format!("--advertise-client-urls={client}"))
        .arg(format!("--listen-peer-urls={peer}"))
        .arg(format!("--initial-advertise-peer-urls={peer}"))
        .arg(format!("--initial-cluster=kvbm-test={peer}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("etcd starts");
    let etcd = Etcd {
        child,
        client,
        _data: data,
    };
    // Wait for /health, as the loader's own check would see it.
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        let loaded = etcd_config(&etcd.client);
        if reach(&loaded, TIMEOUT)
            .iter()
            .all(|f| f.severity == Severity::Info)
        {
            return Some(etcd);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("etcd did not become healthy in 30 s");
}

fn etcd_config(endpoints: &str) -> kvbm_config::Loaded {
    loader()
        .env([
            ("KVBM_NOVA_DISCOVERY_TYPE", "etcd"),
            ("KVBM_NOVA_DISCOVERY_CLUSTER_ID", "c"),
            ("KVBM_NOVA_DISCOVERY_ENDPOINTS", endpoints),
        ])
        .load()
        .unwrap()
}

fn by_severity(findings: &[Finding], severity: Severity) -> Vec<&Finding> {
    findings.iter().filter(|f| f.severity == severity).collect()
}

#[test]
fn a_real_etcd_is_reachable_and_a_closed_port_is_an_error() {
    let Some(etcd) = start_etcd() else {
        return;
    };
    let closed = format!("127.0.0.1:{}", free_port());
    // One endpoint with a (fake) password: it must not be sent, nor shown.
    let with_password = etcd.client.replace("http://", "http://root:hunter2@");
    let loaded = etcd_config(&format!("{with_password},{closed}"));
    let findings = reach(&loaded, TIMEOUT);
    let ok = by_severity(&findings, Severity::Info);
    assert_eq!(ok.len(), 1, "{findings:?}");
    assert!(ok[0].message.contains("is healthy (etcd 3."), "{}", ok[0]);
    let error = by_severity(&findings, Severity::Error);
    assert_eq!(error.len(), 1, "{findings:?}");
    assert_eq!(error[0].key, "nova.discovery.endpoints");
    assert!(error[0].message.contains(&closed), "{}", error[0]);
    let shown: String = findings.iter().map(ToString::to_string).collect();
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("root:***@127.0.0.1"), "{shown}");
}

/// A one-shot HTTP server on 127.0.0.1 that answers 403 and hands back the request it got.
fn forbidding_server() -> (String, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => request.extend_from_slice(&buffer[..n]),
            }
        }
        let _ = stream
            .write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        String::from_utf8_lossy(&request).into_owned()
    });
    (url, handle)
}

#[test]
fn any_http_answer_from_the_object_store_counts_and_no_credential_is_sent() {
    let (url, server) = forbidding_server();
    let endpoint = url.replace("http://", "http://key:s3cr3t@");
    let loaded = loader()
        .env([
            ("KVBM_OBJECT_CLIENT_TYPE", "s3"),
            ("KVBM_OBJECT_CLIENT_ENDPOINT_URL", endpoint.as_str()),
        ])
        .load()
        .unwrap();
    let findings = reach(&loaded, TIMEOUT);
    let request = server.join().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].severity, Severity::Info);
    assert!(findings[0].message.contains("HTTP 403"), "{}", findings[0]);
    assert!(
        !request.to_ascii_lowercase().contains("authorization"),
        "{request}"
    );
    assert!(!request.contains("s3cr3t") && !findings[0].to_string().contains("s3cr3t"));
    // Nobody listening: an error naming the setting.
    let closed = format!("http://127.0.0.1:{}", free_port());
    let loaded = loader()
        .env([
            ("KVBM_OBJECT_CLIENT_TYPE", "s3"),
            ("KVBM_OBJECT_CLIENT_ENDPOINT_URL", closed.as_str()),
        ])
        .load()
        .unwrap();
    let findings = reach(&loaded, TIMEOUT);
    assert_eq!(findings[0].severity, Severity::Error);
    assert_eq!(findings[0].key, "object.client.endpoint_url");
}

#[test]
fn p2p_bootstrap_peers_get_a_tcp_connect() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let open = listener.local_addr().unwrap().to_string();
    let closed = format!("127.0.0.1:{}", free_port());
    let loaded = loader()
        .env([
            ("KVBM_NOVA_DISCOVERY_TYPE", "p2p"),
            ("KVBM_NOVA_DISCOVERY_CLUSTER_ID", "c"),
            (
                "KVBM_NOVA_DISCOVERY_BOOTSTRAP_PEERS",
                format!("{open},{closed}").as_str(),
            ),
        ])
        .load()
        .unwrap();
    let findings = reach(&loaded, TIMEOUT);
    let severities: Vec<(Severity, bool)> = findings
        .iter()
        .map(|f| (f.severity, f.message.contains(&open)))
        .collect();
    assert!(severities.contains(&(Severity::Info, true)), "{findings:?}");
    assert!(
        severities.contains(&(Severity::Error, false)),
        "{findings:?}"
    );
    // Without `--network` (a plain run), nothing is contacted: no `reach` finding.
    let plain = kvbm_config::preflight::run(
        &loaded,
        &mut kvbm_config::preflight::Host::default(),
        Default::default(),
    );
    assert!(plain.iter().all(|f| f.check != "reach"));
}

/// A server on 127.0.0.1 that answers every connection with `answer` (or, for `None`,
/// holds it open and says nothing), counting the connections it gets.
fn server(answer: Option<Vec<u8>>) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let hits = std::sync::Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            counted.fetch_add(1, Ordering::SeqCst);
            match &answer {
                Some(bytes) => {
                    let mut buffer = [0u8; 4096];
                    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
                    let _ = stream.read(&mut buffer);
                    let _ = stream.write_all(bytes);
                }
                None => held.push(stream),
            }
        }
    });
    (addr, hits)
}

/// Three silent etcd endpoints, in the leader's and the worker's configs: each is asked
/// once, all at the same time, and each is an error naming the deadline.
#[test]
fn silent_endpoints_of_every_role_are_asked_once_under_one_deadline() {
    use std::sync::atomic::Ordering;
    let silent: Vec<_> = (0..3).map(|_| server(None)).collect();
    let endpoints: Vec<String> = silent.iter().map(|(addr, _)| addr.clone()).collect();
    let leader = etcd_config(&endpoints.join(","));
    // The worker spells the same endpoints differently, in another order.
    let respelled: Vec<String> = endpoints
        .iter()
        .rev()
        .map(|e| format!("http://{e}/"))
        .collect();
    let worker = etcd_config(&respelled.join(","));
    let timeout = Duration::from_millis(700);
    let findings = kvbm_config::preflight::reach_all(&[&leader, &worker], timeout);
    assert_eq!(findings.len(), 3, "{findings:?}");
    for finding in &findings {
        assert_eq!(finding.severity, Severity::Error);
        assert!(
            finding
                .message
                .contains("did not answer within the 700 ms deadline"),
            "{finding}"
        );
    }
    for (addr, hits) in &silent {
        assert_eq!(hits.load(Ordering::SeqCst), 1, "{addr} asked once");
    }
}

/// No redirect is followed (the target of one is never contacted), and an answer that is
/// not etcd's is summarised by its status, type and size, never dumped.
#[test]
fn redirects_are_not_followed_and_foreign_answers_are_summarised() {
    use std::sync::atomic::Ordering;
    let (elsewhere, elsewhere_hits) = server(Some(
        b"HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n{\"health\":\"true\"}".to_vec(),
    ));
    let redirect = format!(
        "HTTP/1.1 301 Moved Permanently\r\nLocation: http://{elsewhere}/health\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    let (redirecting, _) = server(Some(redirect.into_bytes()));
    let findings = reach(&etcd_config(&redirecting), TIMEOUT);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::Error);
    assert!(
        findings[0].message.contains("HTTP 301") && findings[0].message.contains("not followed"),
        "{}",
        findings[0]
    );
    assert_eq!(
        elsewhere_hits.load(Ordering::SeqCst),
        0,
        "the redirect was followed"
    );

    let page = format!("<html>{}</html>", "secret-ish page text ".repeat(200));
    let html = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
    let (web, _) = server(Some(html.into_bytes()));
    let findings = reach(&etcd_config(&web), TIMEOUT);
    let message = &findings[0].message;
    assert_eq!(findings[0].severity, Severity::Error);
    assert!(
        message.contains(&format!("HTTP 200 (text/html, {} bytes)", page.len())),
        "{message}"
    );
    assert!(
        !message.contains("page text") && message.len() < 300,
        "{message}"
    );
}
