import builtins
import os
from collections.abc import Mapping
from typing import Any, Literal, Protocol, type_check_only

__all__ = [
    "Config",
    "ConfigError",
    "ConfigWarning",
    "Finding",
    "PreflightResult",
    "Problem",
    "check",
    "explain",
    "load",
    "preflight",
    "schema",
    "template",
    "__version__",
]

__version__: str
SYSTEM_FILE: str

class _TransferConfig(Protocol):
    """Any object with a ``kv_connector_extra_config`` attribute (vLLM's ``KVTransferConfig``)."""

    @property
    def kv_connector_extra_config(self) -> Mapping[str, object] | None: ...

# A JSON value, as the config holds them.
_Json = str | int | float | bool | None | list["_Json"] | dict[str, "_Json"]
_ExtraConfig = Mapping[str, object] | str | _TransferConfig | None
_Path = str | os.PathLike[str] | None
# `os.environ` is a `Mapping[str, str]`, `os.environb` a `Mapping[bytes, bytes]`.
_Env = Mapping[str, str] | Mapping[bytes, bytes] | None

class Problem:
    __match_args__ = ("key", "message", "value", "source")
    @property
    def key(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def value(self) -> str | None: ...
    @property
    def source(self) -> str: ...
    def __init__(self, key: str, message: str, value: str | None, source: str) -> None: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

class ConfigWarning(Warning):
    __match_args__ = ("key", "message", "source")
    key: str
    message: str
    source: str
    def __init__(self, key: str, message: str, source: str) -> None: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

class ConfigError(ValueError):
    problems: list[Problem]
    warnings: list[ConfigWarning]
    def __init__(
        self,
        text: str,
        problems: list[Problem],
        warnings: list[ConfigWarning] | None = None,
    ) -> None: ...

# A table of the config read by attribute: its settings (JSON values) and its tables,
# whose names `kvbm-config template` lists; untyped per setting here.
class _Section:
    def __init__(self, path: str, table: dict[str, object]) -> None: ...
    def __getattr__(self, name: str) -> Any: ...

# The tables of a loaded config as attributes read them: one class per table, generated from
# the declarations by `BLESS=1 cargo test --all-features` (only the stub has them; at run
# time each table is a `_Section`).
# tables:start

@type_check_only
class _Tokio:
    """The table `[tokio]`."""

    worker_threads: int
    max_blocking_threads: int

@type_check_only
class _Rayon:
    """The table `[rayon]`."""

    num_threads: int

@type_check_only
class _NovaBackend:
    """The table `[nova.backend]`."""

    tcp_port: int
    tcp_addr: str | None
    tcp_interface: str | None

@type_check_only
class _NovaDiscovery:
    """The table `[nova.discovery]`."""

    type: Literal["etcd", "p2p", "filesystem"] | None
    cluster_id: str | None
    endpoints: list[str] | None
    ttl_secs: int | None
    operation_timeout_secs: int | None
    max_retries: int | None
    bootstrap_peers: list[str] | None
    listen_port: int | None
    replication_factor: int | None
    enable_mdns: bool | None
    record_ttl_secs: int | None
    path: str | None

@type_check_only
class _Nova:
    """The table `[nova]`."""

    backend: _NovaBackend
    discovery: _NovaDiscovery

@type_check_only
class _Nixl:
    """The table `[nixl]`."""

    backends: dict[str, dict[str, str]]

@type_check_only
class _CacheHost:
    """The table `[cache.host]`."""

    cache_size_gb: float | None
    num_blocks: int | None

@type_check_only
class _CacheDisk:
    """The table `[cache.disk]`."""

    cache_size_gb: float | None
    num_blocks: int | None
    use_gds: bool
    storage_path: str | None

@type_check_only
class _Cache:
    """The table `[cache]`."""

    parallelism: Literal["tensor_parallel", "replicated_data"]
    host: _CacheHost
    disk: _CacheDisk

@type_check_only
class _OffloadG1ToG2PresenceLfu:
    """The table `[offload.g1_to_g2.presence_lfu]`."""

    min_lfu_count: int

@type_check_only
class _OffloadG1ToG2:
    """The table `[offload.g1_to_g2]`."""

    policies: list[Literal["pass_all", "presence", "presence_lfu"]]
    presence_lfu: _OffloadG1ToG2PresenceLfu

@type_check_only
class _OffloadG2ToG3PresenceLfu:
    """The table `[offload.g2_to_g3.presence_lfu]`."""

    min_lfu_count: int

@type_check_only
class _OffloadG2ToG3:
    """The table `[offload.g2_to_g3]`."""

    policies: list[Literal["pass_all", "presence", "presence_lfu"]]
    presence_lfu: _OffloadG2ToG3PresenceLfu

@type_check_only
class _Offload:
    """The table `[offload]`."""

    g1_to_g2: _OffloadG1ToG2
    g2_to_g3: _OffloadG2ToG3

@type_check_only
class _Onboard:
    """The table `[onboard]`."""

    mode: Literal["inter", "intra"]

@type_check_only
class _ObjectClient:
    """The table `[object.client]`."""

    type: Literal["s3", "nixl"] | None
    endpoint_url: str | None
    bucket: str | None
    region: str | None
    force_path_style: bool | None
    max_concurrent_requests: int | None
    backend: Literal["s3"] | None

@type_check_only
class _Object:
    """The table `[object]`."""

    client: _ObjectClient

@type_check_only
class _EventsBatching:
    """The table `[events.batching]`."""

    window_duration_ms: int
    max_batch_size: int

@type_check_only
class _Events:
    """The table `[events]`."""

    enabled: bool
    subject: str
    channel_capacity: int
    policy: Literal["power_of_two", "all"]
    batching: _EventsBatching
# tables:end

class Config:
    # config:start
    tokio: _Tokio
    rayon: _Rayon
    nova: _Nova
    nixl: _Nixl
    cache: _Cache
    offload: _Offload
    onboard: _Onboard
    object: _Object
    events: _Events
# config:end
    # `object` is a table here: the builtin is spelled in full below.
    def __init__(self, native: builtins.object) -> None: ...
    def to_dict(self, *, redact: bool = True) -> dict[str, Any]: ...
    def origin(self, key: str) -> str: ...
    @property
    def warnings(self) -> list[ConfigWarning]: ...
    def show_origin(self) -> str: ...

class Finding:
    __match_args__ = (
        "severity",
        "check",
        "key",
        "message",
        "value",
        "source",
        "role",
        "unchecked",
    )
    @property
    def severity(self) -> str: ...
    @property
    def check(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def value(self) -> _Json: ...
    @property
    def source(self) -> str: ...
    @property
    def role(self) -> str | None: ...
    @property
    def unchecked(self) -> bool: ...
    def __init__(
        self,
        severity: str,
        check: str,
        key: str,
        message: str,
        value: _Json,
        source: str,
        role: str | None = None,
        unchecked: bool = False,
    ) -> None: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

class PreflightResult:
    findings: list[Finding]
    def __init__(self, findings: list[Finding]) -> None: ...
    @property
    def ok(self) -> bool: ...
    @property
    def ok_strict(self) -> bool: ...
    def __bool__(self) -> bool: ...

def __getattr__(name: str) -> object: ...
def load(
    extra_config: _ExtraConfig = None,
    *,
    role: str | None = None,
    env: _Env = None,
    config_path: _Path = None,
    system_file: _Path = ...,
    strict: bool = False,
    connector: str | None = None,
) -> Config: ...
def check(
    extra_config: _ExtraConfig = None,
    *,
    role: str | None = None,
    env: _Env = None,
    config_path: _Path = None,
    system_file: _Path = ...,
    strict: bool = False,
    connector: str | None = None,
) -> list[ConfigWarning]: ...
def preflight(
    extra_config: _ExtraConfig = None,
    *,
    role: str | None = None,
    workers: int = 1,
    env: _Env = None,
    config_path: _Path = None,
    system_file: _Path = ...,
    host: _Path = None,
    block_bytes: int | None = None,
    connector: str | None = None,
) -> PreflightResult: ...
def explain(key: str) -> str: ...
def schema() -> dict[str, _Json]: ...
def template() -> str: ...
