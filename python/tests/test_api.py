"""The Python API over the Rust loader: names, errors, origins, redaction, threads."""

import builtins
import importlib.metadata
import json
import math
import pathlib
import pickle
import subprocess
import sys
import threading
from collections.abc import Mapping
from typing import Any, Dict, Optional

import pytest

import kvbm_config
from kvbm_config import Config, ConfigError, ConfigWarning, Problem

Warning = ConfigWarning  # the tests' short name; the package's `Warning` is only an alias

NO_ENV = {}
SECRET = "s3cr3t-pa55"


def load(extra=None, **kwargs):
    kwargs.setdefault("env", NO_ENV)
    kwargs.setdefault("system_file", None)
    return kvbm_config.load(extra, **kwargs)


def test_every_public_name_exists():
    for name in kvbm_config.__all__:
        assert hasattr(kvbm_config, name), name
    assert issubclass(ConfigError, ValueError)
    # No name of `from kvbm_config import *` shadows a builtin.
    assert not set(kvbm_config.__all__) & set(dir(builtins))
    assert "Warning" not in kvbm_config.__all__
    with pytest.deprecated_call():
        assert kvbm_config.Warning is ConfigWarning


def test_one_version_for_the_crate_the_wheel_and_the_module():
    import tomllib

    root = pathlib.Path(__file__).resolve().parents[2]
    with open(root / "Cargo.toml", "rb") as f:
        manifest = tomllib.load(f)
    version = manifest["workspace"]["package"]["version"]
    assert kvbm_config.__version__ == version
    assert importlib.metadata.version("kvbm-layered-config") == version


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
    assert problem.source == "JSON profile `leader` (Python mapping)"
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
    assert config.origin("cache.host.cache_size_gb") == "JSON profile `worker` (Python mapping)"
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
    # Every setting is present; an unset one is None.
    assert worker["cache"]["host"]["cache_size_gb"] is None
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
    # Redacted by default; `redact=False` gives the real value, as the Rust struct has it.
    assert config.to_dict()["object"]["client"]["endpoint_url"] == "http://kvbm:***@minio:9000"
    assert config.to_dict(redact=False)["object"]["client"]["endpoint_url"] == url
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
    assert line.split("    # ")[-1].strip() == "JSON profile `worker` (Python mapping)"


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


# vLLM's KVTransferConfig is a pydantic dataclass; this one has the fields a connector reads.
from pydantic.dataclasses import dataclass as pydantic_dataclass


@pydantic_dataclass
class KVTransferConfig:
    kv_connector: Optional[str] = None
    kv_role: Optional[str] = None
    kv_connector_module_path: Optional[str] = None
    kv_connector_extra_config: Dict[str, Any] = None  # type: ignore[assignment]


KVBM_ENTRY = {
    "kv_connector": "DynamoConnector",
    "kv_connector_module_path": "kvbm.vllm_integration.connector",
    "kv_role": "kv_both",
    "kv_connector_extra_config": {"leader": {"tokio": {"max_blocking_threads": 64}}},
}


def test_a_kv_transfer_config_object_loads_like_its_extra_config():
    ktc = KVTransferConfig(
        kv_connector="DynamoConnector",
        kv_role="kv_both",
        kv_connector_module_path="kvbm.vllm_integration.connector",
        kv_connector_extra_config={"worker": {"cache": {"host": {"cache_size_gb": 4.0}}}},
    )
    config = load(ktc, role="worker")
    assert config.to_dict()["cache"]["host"]["cache_size_gb"] == 4.0
    assert config.origin("cache.host.cache_size_gb") == "JSON profile `worker` (Python mapping)"
    # With no extra config at all: the defaults, not unknown vLLM keys.
    assert load(KVTransferConfig(kv_connector="DynamoConnector")).warnings == []
    assert load({"kv_connector": "DynamoConnector", "kv_role": "kv_both"}).warnings == []


def test_a_multiconnector_selects_the_kvbm_entry():
    multi = KVTransferConfig(
        kv_connector="MultiConnector",
        kv_role="kv_both",
        kv_connector_extra_config={
            "connectors": [{"kv_connector": "NixlConnector", "kv_role": "kv_both"}, KVBM_ENTRY]
        },
    )
    config = load(multi, role="leader")
    assert config.to_dict()["tokio"]["max_blocking_threads"] == 64
    assert config.origin("tokio.max_blocking_threads") == "JSON profile `leader` of connector `DynamoConnector` (Python mapping)"
    # By an explicit name; zero or several candidates list them.
    renamed = dict(KVBM_ENTRY, kv_connector="Mine", kv_connector_module_path="my.module")
    doc = {"kv_connector_extra_config": {"connectors": [renamed]}}
    assert load(doc, role="leader", connector="Mine").to_dict()["tokio"]["max_blocking_threads"] == 64
    with pytest.raises(ConfigError, match=r"\[0\] Mine \(my.module\)") as err:
        load(doc)
    assert err.value.problems[0].key == "kv_connector_extra_config.connectors"


def test_any_mapping_is_a_document():
    class Frozen(Mapping):
        def __init__(self, data):
            self._data = data

        def __getitem__(self, key):
            return self._data[key]

        def __iter__(self):
            return iter(self._data)

        def __len__(self):
            return len(self._data)

    config = load(Frozen({"tokio": Frozen({"worker_threads": 2})}))
    assert config.to_dict()["tokio"]["worker_threads"] == 2


def test_errors_survive_pickling_with_every_field():
    with pytest.raises(ConfigError) as caught:
        load({"tokio": {"worker_threads": 0}}, env={"KVBM_TOKIO_WORKER_THREAD": "1"})
    error = caught.value
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is ConfigError
    assert str(again) == str(error)
    assert again.problems == error.problems and again.problems
    assert again.warnings == error.warnings and again.warnings
    assert pickle.loads(pickle.dumps(error.problems[0])) == error.problems[0]
    assert pickle.loads(pickle.dumps(error.warnings[0])) == error.warnings[0]


def test_nan_and_infinity_name_the_key_and_the_value():
    for bad in (math.nan, math.inf):
        with pytest.raises(ConfigError) as err:
            load({"cache": {"host": {"cache_size_gb": bad}}})
        problem = err.value.problems[0]
        assert problem.key == "cache.host.cache_size_gb"
        assert problem.value in ("nan", "inf", "NaN", "inf.0"), problem
        assert "JSON" not in problem.message


def test_env_none_passes_bytes_and_never_raises_unicode_errors():
    # In a child process with a non-UTF-8 value: a ConfigError naming the variable, as the
    # command line gives, and no UnicodeEncodeError. Another non-UTF-8 variable is ignored.
    script = (
        "import kvbm_config as k\n"
        "try:\n"
        "    k.load(system_file=None)\n"
        "except k.ConfigError as e:\n"
        "    print(e.problems[0].source)\n"
    )
    env = {
        b"KVBM_CACHE_HOST_SIZE_GB": b"4\xff",
        b"OTHER": b"\xfe",
        b"PATH": b"/usr/bin",
    }
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode().strip() == "env KVBM_CACHE_HOST_SIZE_GB"


def test_an_explicit_env_is_sealed_even_for_the_home_directory(tmp_path):
    (tmp_path / "kvbm.toml").write_text("[tokio]\nworker_threads = 2\n")
    env = {"KVBM_CONFIG_PATH": "~/kvbm.toml", "HOME": str(tmp_path)}
    assert load(env=env).to_dict()["tokio"]["worker_threads"] == 2
    with pytest.raises(ConfigError, match="~/kvbm.toml"):
        load(env={"KVBM_CONFIG_PATH": "~/kvbm.toml"})


def test_origin_of_a_key_that_is_not_a_setting_is_a_key_error():
    with pytest.raises(KeyError, match="cache.host.cache_size_gb"):
        load().origin("cache.host.cache_size_gbb")


def test_the_readme_snippets_run(capsys, monkeypatch):
    # The snippets import vLLM's KVTransferConfig; this test's pydantic one stands in.
    import types

    vllm = types.ModuleType("vllm")
    vllm_config = types.ModuleType("vllm.config")
    vllm_config.KVTransferConfig = KVTransferConfig
    monkeypatch.setitem(sys.modules, "vllm", vllm)
    monkeypatch.setitem(sys.modules, "vllm.config", vllm_config)
    readme = (pathlib.Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## From Python (vLLM)", 1)[1].split("\n## ", 1)[0]
    snippets = [part.split("```", 1)[0] for part in section.split("```python\n")[1:]]
    assert len(snippets) == 3
    namespace: dict = {}
    for snippet in snippets:
        exec(compile(snippet, "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert "{'cache_size_gb': 4.0, 'num_blocks': None}" in out
    assert "JSON profile `worker` (Python mapping)" in out
    assert "JSON profile `leader` of connector `DynamoConnector` (Python mapping)" in out


def test_import_loads_only_what_a_load_needs():
    # A child process: this one has imported everything already.
    script = (
        "import sys; import kvbm_config; "
        "print(' '.join(m for m in ('json', 'dataclasses', 'typing', 're', 'inspect', 'warnings') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [], out.stdout


def test_hostile_mappings_are_config_errors_that_echo_nothing():
    # A dict nested 10 000 deep: a ConfigError naming the depth, never a crash.
    deep: dict = {}
    node = deep
    for _ in range(10_000):
        node["x"] = {}
        node = node["x"]
    with pytest.raises(ConfigError, match="nested deeper than"):
        load(deep)
    # A huge integer under a credential-named key: refused without its digits.
    huge = 7 ** 200
    with pytest.raises(ConfigError) as error:
        load({"nixl": {"backends": {"OBJ": {"secret_key": huge}}}})
    assert str(huge)[:20] not in str(error.value)
    assert all(str(huge)[:20] not in (p.message or "") for p in error.value.problems)

    # A Mapping whose items() gives a key twice: an error, not "last wins".
    class Twice(Mapping):
        def __getitem__(self, key):
            return {"worker_threads": 2}

        def __iter__(self):
            return iter(["tokio", "tokio"])

        def __len__(self):
            return 2

        def items(self):
            return [("tokio", {"worker_threads": 2}), ("tokio", {"worker_threads": 3})]

    with pytest.raises(ConfigError, match="given twice"):
        load(Twice())


def test_config_warnings_are_python_warnings():
    import warnings

    assert issubclass(ConfigWarning, builtins.Warning)
    env = {"KVBM_TOKIO_WORKER_THREAD": "1"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        config = load(env=env)
    assert [w.category for w in caught] == [ConfigWarning]
    assert caught[0].message == config.warnings[0]
    assert caught[0].message.key == "KVBM_TOKIO_WORKER_THREAD"
    assert caught[0].filename == __file__  # attributed to the caller
    # The standard filters escalate or silence them.
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConfigWarning)
        with pytest.raises(ConfigWarning, match="KVBM_TOKIO_WORKER_THREAD"):
            load(env=env)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("ignore", ConfigWarning)
        assert len(load(env=env).warnings) == 1
    assert caught == []
    restored = pickle.loads(pickle.dumps(config.warnings[0]))
    assert restored == config.warnings[0]


def test_a_config_pickles_and_reads_as_attributes():
    extra = {"worker": {"cache": {"host": {"cache_size_gb": 4.0}},
                        "object": {"client": {"type": "s3", "endpoint_url": f"http://u:{SECRET}@m:9000"}}}}
    config = load(extra, role="worker")
    copy = pickle.loads(pickle.dumps(config))
    assert copy.to_dict() == config.to_dict()
    assert copy.to_dict(redact=False) == config.to_dict(redact=False)
    assert copy.origin("cache.host.cache_size_gb") == config.origin("cache.host.cache_size_gb")
    assert copy.origin("tokio.worker_threads") == "default"
    assert copy.show_origin() == config.show_origin()
    assert copy.cache.host.cache_size_gb == 4.0
    assert config.cache.host.num_blocks is None
    assert SECRET not in repr(config.to_dict()) and SECRET not in str(config.object.client.endpoint_url)
    with pytest.raises(AttributeError, match="cache_size_gbb"):
        config.cache.host.cache_size_gbb


def test_preflight_from_python():
    result = kvbm_config.preflight(env=NO_ENV, system_file=None)
    assert result.ok and result.ok_strict, result.findings
    host = {"memory": {"total": 8_000_000_000, "available": 8_000_000_000, "cgroup_limit": None}}
    path = pathlib.Path(__import__("tempfile").mkdtemp()) / "host.json"
    path.write_text(json.dumps(host))
    result = kvbm_config.preflight(
        {"worker": {"cache": {"host": {"cache_size_gb": 4.0}}}},
        workers=4,
        env=NO_ENV,
        system_file=None,
        host=path,
    )
    assert not result.ok
    error = next(f for f in result.findings if f.severity == "error")
    assert (error.check, error.key, error.value, error.role) == (
        "g2-memory", "cache.host.cache_size_gb", 4.0, "worker")
    assert "at most" in error.message
    # An invalid config is findings of the `config` check, for each role.
    result = kvbm_config.preflight(env={"KVBM_TOKIO_WORKER_THREADS": "0"}, system_file=None)
    assert [(f.check, f.role) for f in result.findings] == [("config", "leader"), ("config", "worker")]
    with pytest.raises(ValueError, match="workers"):
        kvbm_config.preflight(workers=0, env=NO_ENV)


def test_type_hints_resolve_on_every_public_callable():
    import typing

    for name in kvbm_config.__all__:
        item = getattr(kvbm_config, name)
        if callable(item):
            typing.get_type_hints(item)
    for method in (Config.to_dict, Config.origin, kvbm_config.PreflightResult.__init__):
        typing.get_type_hints(method)


def test_paths_take_pathlib_and_tilde(tmp_path, monkeypatch):
    (tmp_path / "kvbm.toml").write_text("[tokio]\nworker_threads = 3\n")
    assert load(config_path=tmp_path / "kvbm.toml").to_dict()["tokio"]["worker_threads"] == 3
    monkeypatch.setenv("HOME", str(tmp_path))
    assert load(config_path="~/kvbm.toml").to_dict()["tokio"]["worker_threads"] == 3


def test_connector_on_a_plain_document_is_an_error():
    with pytest.raises(ConfigError, match="not a MultiConnector"):
        load({"tokio": {"worker_threads": 1}}, connector="DynamoConnector")


def test_origin_and_explain_take_the_same_names():
    config = load(env={"KVBM_MESSENGER_BACKEND_TCP_PORT": "5555"})
    for name in ("nova.backend.tcp_port", "messenger.backend.tcp_port", "KVBM_NOVA_BACKEND_TCP_PORT"):
        assert kvbm_config.explain(name).startswith("nova.backend.tcp_port")
        assert config.origin(name) == "env KVBM_MESSENGER_BACKEND_TCP_PORT"


def test_str_of_problems_and_warnings_escapes_and_sources_say_what_was_given():
    with pytest.raises(ConfigError) as caught:
        load({"tokio": {"worker\x1b]0;x\x07_threads": 1}})
    problem = caught.value.problems[0]
    assert "\x1b" not in str(problem) and "\\u{1b}" in str(problem)
    assert problem.source == "Python mapping"
    with pytest.raises(ConfigError) as caught:
        load('{"tokio": {"worker_threads": "x"}}')
    assert caught.value.problems[0].source == "JSON text"
    warning = ConfigWarning("KVBM_X\x1b[2J", "is odd", "env KVBM_X")
    assert "\x1b" not in str(warning)
