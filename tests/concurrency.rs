//! Loads from many threads at once, each with its own injected environment.

mod common;

use kvbm_config::{ConfigError, KvbmConfig, LoadReport, Loaded, Loader, Problem, Source, Warning};

fn assert_send_sync_static<T: Send + Sync + 'static>() {}

#[test]
fn the_public_types_are_send_sync_and_static() {
    assert_send_sync_static::<KvbmConfig>();
    assert_send_sync_static::<ConfigError>();
    assert_send_sync_static::<Problem>();
    assert_send_sync_static::<Warning>();
    assert_send_sync_static::<Source>();
    assert_send_sync_static::<Loader>();
    assert_send_sync_static::<Loaded>();
    assert_send_sync_static::<LoadReport>();
    assert_send_sync_static::<kvbm_config::BuildError>();
}

#[test]
fn eight_threads_with_different_environments_get_their_own_results() {
    let files = common::Files::new();
    let user = files.write("kvbm.toml", "[tokio]\nmax_blocking_threads = 1000\n");
    std::thread::scope(|scope| {
        let handles: Vec<_> = (1..=8usize)
            .map(|i| {
                let user = user.clone();
                scope.spawn(move || {
                    for round in 0..50 {
                        let threads = (i * 100 + round).to_string();
                        let mut env = vec![("KVBM_TOKIO_MAX_BLOCKING_THREADS", threads.clone())];
                        if i % 2 == 0 {
                            env.push(("KVBM_CONFIG_PATH", user.display().to_string()));
                        }
                        // Every third thread also sends a bad value: its error must be its own.
                        if i % 3 == 0 {
                            env.push(("KVBM_RAYON_NUM_THREADS", format!("bad-{i}")));
                        }
                        match common::loader().env(env).load() {
                            Ok(loaded) => {
                                assert_ne!(i % 3, 0);
                                assert_eq!(
                                    loaded.config.tokio.max_blocking_threads.to_string(),
                                    threads
                                );
                            }
                            Err(error) => {
                                assert_eq!(i % 3, 0, "{error}");
                                assert_eq!(error.problems().len(), 1);
                                assert!(error.to_string().contains(&format!("bad-{i}")), "{error}");
                            }
                        }
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().expect("no thread panicked");
        }
    });
}
