"""The Python API over the Rust loader: names, errors, origins, redaction, threads."""

import json
import subprocess
import sys
import threading

import pytest

import kvbm_config
from kvbm_config import Config, ConfigError, Problem, Warning

NO_ENV = {}
SECRET = "s3cr3t-pa55"


def load(extra=None, **kwargs):
    kwargs.setdefault("env", NO_ENV)
    kwargs.setdefault("system_file", None)
    return kvbm_config.load(extra, **kwargs)


def test_every_public_name_exists():
    for name in kvbm_config.__all__:
        assert hasattr(kvbm_config, name), name
    assert kvbm_config.__version__ == "0.1.0"
    assert issubclass(ConfigError, ValueError)


def test_defaults_load_and_say_where_they_came_from():
    config = load()
    assert isinstance(config, Config)
    values = config.to_dict()
    assert values["tokio"]["worker_threads"] == 1
    assert sorted(values["nixl"]["backends"]) == ["POSIX", "UCX"]
    assert config.origin("tokio.worker_threads") == "default"
    assert config.warnings == []


def test_a_typo_in_the_leader_profile_names_key_suggestion_and_profile():
    extra = {"leader": {"tokio": {"worker_thread": 2}}}
    with pytest.raises(ConfigError) as caught:
        load(extra, role="leader")
    (problem,) = caught.value.problems
    assert isinstance(problem, Problem)
    assert problem.key == "tokio.worker_thread"
    assert "did you mean `worker_threads`?" in problem.message
    assert problem.source == "JSON profile `leader`"
    assert problem.value == "2"
    assert str(caught.value) == str(problem)


def test_several_problems_are_reported_at_once():
    extra = {"tokio": {"worker_threads": 0}, "rayon": {"num_thread": 2}}
    env = {"KVBM_CACHE_HOST_NUM_BLOCKS": "lots"}
    with pytest.raises(ConfigError) as caught:
        load(extra, env=env)
    keys = sorted(p.key for p in caught.value.problems)
    assert keys == ["cache.host.num_blocks", "rayon.num_thread", "tokio.worker_threads"]
    assert len(str(caught.value).splitlines()) == 3
    sources = {p.key: p.source for p in caught.value.problems}
    assert sources["cache.host.num_blocks"] == "env KVBM_CACHE_HOST_NUM_BLOCKS"


def test_the_whole_kv_transfer_config_is_accepted():
    transfer = {
        "kv_connector": "DynamoConnector",
        "kv_role": "kv_both",
        "kv_connector_module_path": "kvbm.vllm_integration.connector",
        "kv_connector_extra_config": {"worker": {"cache": {"host": {"cache_size_gb": 2.0}}}},
    }
    config = load(transfer, role="worker")
    assert config.to_dict()["cache"]["host"]["cache_size_gb"] == 2.0
    assert config.origin("cache.host.cache_size_gb") == "JSON profile `worker`"
    assert load(json.dumps(transfer), role="worker").to_dict() == config.to_dict()


def test_env_replaces_the_process_environment():
    config = load(env={"KVBM_TOKIO_WORKER_THREADS": "1", "KVBM_RAYON_NUM_THREADS": "3"})
    assert config.to_dict()["rayon"]["num_threads"] == 3
    assert config.origin("rayon.num_threads") == "env KVBM_RAYON_NUM_THREADS"
    unknown = load(env={"KVBM_TOKIO_WORKER_THREAD": "1"}).warnings
    assert [w.key for w in unknown] == ["KVBM_TOKIO_WORKER_THREAD"]
    assert isinstance(unknown[0], Warning)
    assert "KVBM_TOKIO_WORKER_THREADS" in unknown[0].message


def test_env_none_reads_os_environ_and_empty_reads_nothing():
    # In a child process, so that this process's environment is never changed.
    script = (
        "import kvbm_config as k;"
        "a = k.load(system_file=None).to_dict()['rayon']['num_threads'];"
        "b = k.load(env={}, system_file=None).origin('rayon.num_threads');"
        "print(a, b)"
    )
    env = {"KVBM_RAYON_NUM_THREADS": "5", "PATH": "/usr/bin"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["5", "default"]


def test_a_config_path_gives_file_and_line_origins(tmp_path):
    path = tmp_path / "kvbm.toml"
    path.write_text("[tokio]\nmax_blocking_threads = 64\n")
    config = load(config_path=str(path))
    assert config.to_dict()["tokio"]["max_blocking_threads"] == 64
    assert config.origin("tokio.max_blocking_threads") == f"file {path}:2"
    env = {"KVBM_CONFIG_PATH": str(tmp_path / "missing.toml")}
    assert load(config_path=path, env=env).origin("tokio.max_blocking_threads") == f"file {path}:2"


def test_a_system_file_is_read_unless_none(tmp_path):
    path = tmp_path / "system.toml"
    path.write_text("[rayon]\nnum_threads = 7\n")
    assert load(system_file=path).to_dict()["rayon"]["num_threads"] == 7
    assert load(system_file=None).origin("rayon.num_threads") == "default"


def test_leader_and_worker_get_their_own_tables():
    extra = {
        "leader": {"tokio": {"worker_threads": 1}, "cache": {"host": {"cache_size_gb": 4.0}}},
        "worker": {"nixl": {"backends": {"UCX": {}, "GDS": {}}}},
    }
    leader = load(extra, role="leader").to_dict()
    worker = load(extra, role="worker").to_dict()
    assert leader["cache"]["host"]["cache_size_gb"] == 4.0
    assert "cache_size_gb" not in worker["cache"]["host"]
    assert sorted(worker["nixl"]["backends"]) == ["GDS", "UCX"]
    assert sorted(leader["nixl"]["backends"]) == ["POSIX", "UCX"]


def test_strict_turns_warnings_into_errors():
    env = {"KVBM_TOKIO_WORKER_THREAD": "1"}
    assert len(kvbm_config.check(env=env, system_file=None)) == 1
    with pytest.raises(ConfigError) as caught:
        kvbm_config.check(env=env, system_file=None, strict=True)
    assert caught.value.problems[0].key == "KVBM_TOKIO_WORKER_THREAD"
    # An invalid config keeps its warnings beside its problems.
    with pytest.raises(ConfigError) as caught:
        load(env={**env, "KVBM_RAYON_NUM_THREADS": "0"})
    assert [p.key for p in caught.value.problems] == ["rayon.num_threads"]
    assert [w.key for w in caught.value.warnings] == ["KVBM_TOKIO_WORKER_THREAD"]


def test_credentials_are_redacted_in_errors_and_reports_but_kept_in_to_dict():
    url = f"http://kvbm:{SECRET}@minio:9000"
    good = {"object": {"client": {"type": "s3", "endpoint_url": url}}}
    config = load(good)
    assert config.to_dict()["object"]["client"]["endpoint_url"] == url
    assert SECRET not in config.show_origin()
    assert "http://kvbm:***@minio:9000" in config.show_origin()
    bad = {"object": {"client": {"type": "s3", "endpoint_url": url, "bucket": ""}},
           "cache": {"host": {"cache_size_gb": url}}}
    with pytest.raises(ConfigError) as caught:
        load(bad)
    assert SECRET not in str(caught.value)
    assert all(SECRET not in (p.value or "") for p in caught.value.problems)


def test_show_origin_is_the_commands_text():
    config = load({"worker": {"tokio": {"worker_threads": 1}}}, role="worker")
    line = next(l for l in config.show_origin().splitlines() if l.startswith("tokio.worker_threads"))
    assert line.split("    # ")[-1].strip() == "JSON profile `worker`"


def test_wrong_types_and_values_raise_the_python_errors():
    with pytest.raises(TypeError):
        load(42)
    with pytest.raises(TypeError):
        load(env=[("KVBM_X", "1")])
    with pytest.raises(TypeError):
        load(role=1)
    with pytest.raises(TypeError):
        load(config_path=3)
    with pytest.raises(ValueError, match="role"):
        load(role="leadr")
    with pytest.raises(ConfigError):
        load("{ not json")


def test_explain_schema_template_and_unknown_keys():
    text = kvbm_config.explain("cache.host.cache_size_gb")
    assert "KVBM_CACHE_HOST_SIZE_GB" in text and "finite, > 0" in text
    assert kvbm_config.explain("KVBM_TOKIO_WORKER_THREADS").startswith("tokio.worker_threads")
    with pytest.raises(KeyError, match="cache.host.cache_size_gb"):
        kvbm_config.explain("cache.host.cache_size_gbb")
    with pytest.raises(TypeError):
        kvbm_config.explain(None)
    schema = kvbm_config.schema()
    assert {"leader", "worker", "default"} <= set(schema["properties"])
    assert kvbm_config.template().startswith("# kvbm.toml")


def test_loads_from_eight_threads_at_once():
    results = [None] * 8
    errors = []

    def run(i):
        try:
            env = {"KVBM_RAYON_NUM_THREADS": str(i + 1)}
            if i % 2:
                env["KVBM_TOKIO_WORKER_THREADS"] = "0"
            for _ in range(20):
                try:
                    results[i] = load(env=env).to_dict()["rayon"]["num_threads"]
                except ConfigError as err:
                    results[i] = err.problems[0].key
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # Each thread got its own environment's result, never another thread's.
    assert results == [i + 1 if i % 2 == 0 else "tokio.worker_threads" for i in range(8)]


def test_the_readme_snippet_runs(capsys):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## From Python (vLLM)", 1)[1]
    snippet = section.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(snippet, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "{'cache_size_gb': 4.0}" in out and "JSON profile `worker`" in out
