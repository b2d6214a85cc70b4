import os
from collections.abc import Mapping
from typing import Any, Protocol

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

class Config:
    def __init__(self, native: object) -> None: ...
    def to_dict(self, *, redact: bool = True) -> dict[str, Any]: ...
    def __getattr__(self, name: str) -> Any: ...
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
