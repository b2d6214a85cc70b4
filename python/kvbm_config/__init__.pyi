from collections.abc import Mapping
from os import PathLike
from typing import Any, List, Optional, Union

__version__: str
SYSTEM_FILE: str

ExtraConfig = Union[Mapping[str, Any], str, None]
_Path = Union[str, PathLike[str], None]

class Problem:
    key: str
    message: str
    value: Optional[str]
    source: str
    def __init__(self, key: str, message: str, value: Optional[str], source: str) -> None: ...

class Warning:
    key: str
    message: str
    source: str
    def __init__(self, key: str, message: str, source: str) -> None: ...

class ConfigError(ValueError):
    problems: List[Problem]
    warnings: List[Warning]
    def __init__(
        self, text: str, problems: List[Problem], warnings: Optional[List[Warning]] = None
    ) -> None: ...

class Config:
    def to_dict(self) -> dict[str, Any]: ...
    def origin(self, key: str) -> str: ...
    @property
    def warnings(self) -> List[Warning]: ...
    def show_origin(self) -> str: ...

def load(
    extra_config: ExtraConfig = None,
    *,
    role: Optional[str] = None,
    env: Optional[Mapping[str, str]] = None,
    config_path: _Path = None,
    system_file: _Path = "/opt/dynamo/etc/kvbm.toml",
    strict: bool = False,
) -> Config: ...
def check(
    extra_config: ExtraConfig = None,
    *,
    role: Optional[str] = None,
    env: Optional[Mapping[str, str]] = None,
    config_path: _Path = None,
    system_file: _Path = "/opt/dynamo/etc/kvbm.toml",
    strict: bool = False,
) -> List[Warning]: ...
def explain(key: str) -> str: ...
def schema() -> dict[str, Any]: ...
def template() -> str: ...
