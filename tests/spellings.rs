//! The two spellings of `nova.discovery` and `object.client`, from every source.
// Configs are built with `..Default::default()` even when every field is given, so that
// a new setting breaks no test (see the README, "Adding a setting").
#![allow(clippy::needless_update)]

mod common;

use common::{load, loader, Files};
use kvbm_config::nova::{DiscoveryConfig, EtcdDiscoveryConfig};
use kvbm_config::object::{ObjectClientConfig, S3ClientConfig};
use kvbm_config::{KvbmConfig, Role};

fn etcd(cluster: &str, ttl: u64) -> Option<DiscoveryConfig> {
    Some(DiscoveryConfig::Etcd(EtcdDiscoveryConfig {
        cluster_id: cluster.into(),
        ttl_secs: ttl,
        ..Default::default()
    }))
}

#[test]
fn discovery_in_table_and_tagged_form_from_toml() {
    let files = Files::new();
    let table = files.write(
        "t.toml",
        "[nova.discovery.etcd]\ncluster_id = \"c\"\nttl_secs = 30\n",
    );
    let tagged = files.write(
        "g.toml",
        "[nova.discovery]\ntype = \"etcd\"\ncluster_id = \"c\"\nttl_secs = 30\n",
    );
    let profile = files.write(
        "p.toml",
        "[leader.nova.discovery.etcd]\ncluster_id = \"c\"\nttl_secs = 30\n",
    );
    assert_eq!(
        load(loader().user_file(&table)).nova.discovery,
        etcd("c", 30)
    );
    assert_eq!(
        load(loader().system_file(&tagged)).nova.discovery,
        etcd("c", 30)
    );
    assert_eq!(
        load(loader().user_file(&profile).role(Role::Leader))
            .nova
            .discovery,
        etcd("c", 30)
    );
}

#[test]
fn discovery_in_table_and_tagged_form_from_json_and_env() {
    let table =
        r#"{"leader": {"nova": {"discovery": {"etcd": {"cluster_id": "c", "ttl_secs": 30}}}}}"#;
    let tagged = r#"{"nova": {"discovery": {"type": "etcd", "cluster_id": "c", "ttl_secs": 30}}}"#;
    assert_eq!(
        common::json_for(Role::Leader, table).nova.discovery,
        etcd("c", 30)
    );
    assert_eq!(
        common::json_for(Role::Worker, tagged).nova.discovery,
        etcd("c", 30)
    );
    let env = [
        ("KVBM_NOVA_DISCOVERY_TYPE", "etcd"),
        ("KVBM_NOVA_DISCOVERY_CLUSTER_ID", "c"),
        ("KVBM_NOVA_DISCOVERY_TTL_SECS", "30"),
    ];
    assert_eq!(load(loader().env(env)).nova.discovery, etcd("c", 30));
}

#[test]
fn a_lower_table_form_and_a_higher_tagged_form_merge() {
    let files = Files::new();
    let table = files.write("t.toml", "[nova.discovery.etcd]\ncluster_id = \"c\"\n");
    let config = load(
        loader()
            .user_file(&table)
            .json(r#"{"nova": {"discovery": {"type": "etcd", "ttl_secs": 45}}}"#),
    );
    assert_eq!(config.nova.discovery, etcd("c", 45));
}

#[test]
fn object_client_in_both_forms() {
    let s3 = Some(kvbm_config::object::ObjectConfig {
        client: ObjectClientConfig::S3(S3ClientConfig {
            endpoint_url: Some("http://minio:9000".into()),
            force_path_style: true,
            ..Default::default()
        }),
        ..Default::default()
    });
    let files = Files::new();
    let table = files.write(
        "t.toml",
        "[object.client.s3]\nendpoint_url = \"http://minio:9000\"\nforce_path_style = true\n",
    );
    assert_eq!(load(loader().user_file(&table)).object, s3);
    let tagged = r#"{"object": {"client": {"type": "s3", "endpoint_url": "http://minio:9000", "force_path_style": true}}}"#;
    assert_eq!(load(loader().json(tagged)).object, s3);
    let env = [
        ("KVBM_OBJECT_CLIENT_TYPE", "s3"),
        ("KVBM_OBJECT_CLIENT_ENDPOINT_URL", "http://minio:9000"),
        ("KVBM_OBJECT_CLIENT_FORCE_PATH_STYLE", "true"),
    ];
    assert_eq!(load(loader().env(env)).object, s3);
    let nixl = load(loader().json(r#"{"object": {"client": {"nixl": {"bucket": "b"}}}}"#))
        .object
        .unwrap();
    match nixl.client {
        ObjectClientConfig::Nixl(c) => {
            assert_eq!((c.backend(), c.s3().bucket.as_str()), ("s3", "b"))
        }
        other => panic!("expected nixl, got {other:?}"),
    }
}

#[test]
fn serde_accepts_both_forms_and_serializes_the_tagged_one() {
    let table: KvbmConfig =
        toml::from_str("[nova.discovery.etcd]\ncluster_id = \"c\"\nttl_secs = 30\n").unwrap();
    let tagged: KvbmConfig = serde_json::from_str(
        r#"{"nova":{"discovery":{"type":"etcd","cluster_id":"c","ttl_secs":30}}}"#,
    )
    .unwrap();
    assert_eq!(table, tagged);
    let json = serde_json::to_value(&table).unwrap();
    assert_eq!(json["nova"]["discovery"]["type"], "etcd");
    let back: KvbmConfig = serde_json::from_value(json).unwrap();
    assert_eq!(back, table);
    assert!(serde_json::from_str::<KvbmConfig>(
        r#"{"nova":{"discovery":{"type":"etcd","bogus":1}}}"#
    )
    .is_err());
}
