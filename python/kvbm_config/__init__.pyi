from collections.abc import Mapping
from os import PathLike
from typing import Any, List, Optional, Union

__all__ = [
    "Config",
    "ConfigError",
    "ConfigWarning",
    "Problem",
    "check",
    "explain",
    "load",
    "schema",
    "template",
    "__version__",
]

__version__: str
SYSTEM_FILE: str

_ExtraConfig = Union[Mapping[str, Any], str, Any, None]
_Path = Union[str, PathLike[str], None]
_Env = Optional[Mapping[Union[str, bytes], Union[str, bytes]]]

class Problem:
    __match_args__ = ("key", "message", "value", "source")
    @property
    def key(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def value(self) -> Optional[str]: ...
    @property
    def source(self) -> str: ...
    def __init__(self, key: str, message: str, value: Optional[str], source: str) -> None: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

class ConfigWarning:
    __match_args__ = ("key", "message", "source")
    @property
    def key(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def source(self) -> str: ...
    def __init__(self, key: str, message: str, source: str) -> None: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

class ConfigError(ValueError):
    problems: List[Problem]
    warnings: List[ConfigWarning]
    def __init__(
        self,
        text: str,
        problems: List[Problem],
        warnings: Optional[List[ConfigWarning]] = None,
    ) -> None: ...
    def __reduce__(self) -> Any: ...

class Config:
    def __init__(self, native: Any) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...
    def origin(self, key: str) -> str: ...
    @property
    def warnings(self) -> List[ConfigWarning]: ...
    def show_origin(self) -> str: ...

def __getattr__(name: str) -> Any: ...
def load(
    extra_config: _ExtraConfig = None,
    *,
    role: Optional[str] = None,
    env: _Env = None,
    config_path: _Path = None,
    system_file: _Path = "/opt/dynamo/etc/kvbm.toml",
    strict: bool = False,
    connector: Optional[str] = None,
) -> Config: ...
def check(
    extra_config: _ExtraConfig = None,
    *,
    role: Optional[str] = None,
    env: _Env = None,
    config_path: _Path = None,
    system_file: _Path = "/opt/dynamo/etc/kvbm.toml",
    strict: bool = False,
    connector: Optional[str] = None,
) -> List[ConfigWarning]: ...
def explain(key: str) -> str: ...
def schema() -> dict[str, Any]: ...
def template() -> str: ...
