"""Check and explain a KVBM config from Python, with the same loader as the Rust crate.

Every rule, error message and origin comes from the ``kvbm-config`` Rust crate, called
in-process: this module only turns Python arguments into the loader's inputs and the
results into Python objects. A vLLM launcher can check ``kv_connector_extra_config``
(or the whole ``kv_transfer_config``) before it starts the engine::

    import kvbm_config
    try:
        kvbm_config.check(extra_config, role="leader")
    except kvbm_config.ConfigError as err:
        raise SystemExit(str(err))
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, List, Optional, Union

from . import _native

__all__ = [
    "Config",
    "ConfigError",
    "Problem",
    "Warning",
    "check",
    "explain",
    "load",
    "schema",
    "template",
    "__version__",
]

__version__: str = _native.__version__

SYSTEM_FILE = "/opt/dynamo/etc/kvbm.toml"


@dataclass(frozen=True)
class Problem:
    """One problem of a failed load: the key, what is wrong, the value and its source."""

    key: str
    message: str
    value: Optional[str]
    source: str

    def __str__(self) -> str:
        key = f"{self.key}: " if self.key else ""
        value = f"{self.value}, " if self.value is not None else ""
        return f"{key}{self.message} ({value}{self.source})"


@dataclass(frozen=True)
class Warning:  # noqa: A001 - the name the Rust crate uses
    """A setting that loads but will probably not do what was meant."""

    key: str
    message: str
    source: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message} ({self.source})"


class ConfigError(ValueError):
    """The config is invalid; ``problems`` lists every problem of every source, and
    ``warnings`` the load's warnings (an unknown variable is often why a value is missing)."""

    def __init__(self, text: str, problems: List[Problem], warnings: Optional[List[Warning]] = None):
        super().__init__(text)
        self.problems: List[Problem] = problems
        self.warnings: List[Warning] = warnings or []


class Config:
    """A loaded, validated config and where each of its values came from."""

    __slots__ = ("_native",)

    def __init__(self, native: Any):
        self._native = native

    def to_dict(self) -> dict:
        """The effective config as plain Python values (credentials kept)."""
        return json.loads(self._native.to_json())

    def origin(self, key: str) -> str:
        """Where the value of a dotted key came from, e.g. ``"env KVBM_TOKIO_WORKER_THREADS"``."""
        return self._native.origin(key)

    @property
    def warnings(self) -> List[Warning]:
        """The warnings of the load."""
        return [Warning(*w) for w in self._native.warnings()]

    def show_origin(self) -> str:
        """Every setting with its value and origin, as ``kvbm-config show --origin``."""
        return self._native.show_origin()

    def __repr__(self) -> str:
        return f"<kvbm_config.Config with {len(self.warnings)} warning(s)>"


ExtraConfig = Union[Mapping, str, None]


def _json_text(extra_config: ExtraConfig) -> Optional[str]:
    if extra_config is None:
        return None
    if isinstance(extra_config, str):
        return extra_config
    if isinstance(extra_config, Mapping):
        return json.dumps(dict(extra_config))
    raise TypeError(
        "extra_config must be a dict, a JSON str or None, "
        f"not {type(extra_config).__name__}"
    )


def _environment(env: Optional[Mapping]) -> list:
    if env is None:
        env = os.environ
    if not isinstance(env, Mapping):
        raise TypeError(f"env must be a mapping or None, not {type(env).__name__}")
    pairs = []
    for name, value in env.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise TypeError("env must map str to str")
        pairs.append((name, value))
    return pairs


def _optional_path(name: str, value: Any) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, (str, os.PathLike)):
        return os.fspath(value)
    raise TypeError(f"{name} must be a str, a path or None, not {type(value).__name__}")


def load(
    extra_config: ExtraConfig = None,
    *,
    role: Optional[str] = None,
    env: Optional[Mapping] = None,
    config_path: Any = None,
    system_file: Any = SYSTEM_FILE,
    strict: bool = False,
) -> Config:
    """Loads the config as a KVBM process would, with the Rust loader.

    ``extra_config`` is vLLM's ``kv_connector_extra_config`` (a dict or JSON text, flat or
    with ``leader`` / ``worker`` / ``default`` keys) or the whole ``kv_transfer_config``.
    ``env`` replaces the process environment (``None``: ``os.environ``; ``{}``: none);
    ``config_path`` replaces ``KVBM_CONFIG_PATH``; ``system_file=None`` skips the system
    file; ``strict=True`` turns warnings into errors. Raises ``ConfigError``.
    """
    if role is not None and not isinstance(role, str):
        raise TypeError(f"role must be None, 'leader' or 'worker', not {type(role).__name__}")
    if not isinstance(strict, bool):
        raise TypeError(f"strict must be a bool, not {type(strict).__name__}")
    native, error = _native.load(
        _json_text(extra_config),
        role,
        _environment(env),
        _optional_path("config_path", config_path),
        _optional_path("system_file", system_file),
        strict,
    )
    if error is not None:
        problems = [Problem(*p) for p in error["problems"]]
        warnings = [Warning(*w) for w in error["warnings"]]
        raise ConfigError(error["text"], problems, warnings)
    return Config(native)


def check(
    extra_config: ExtraConfig = None,
    *,
    role: Optional[str] = None,
    env: Optional[Mapping] = None,
    config_path: Any = None,
    system_file: Any = SYSTEM_FILE,
    strict: bool = False,
) -> List[Warning]:
    """As ``load``, returning only the warnings; raises ``ConfigError`` when invalid."""
    return load(
        extra_config,
        role=role,
        env=env,
        config_path=config_path,
        system_file=system_file,
        strict=strict,
    ).warnings


def explain(key: str) -> str:
    """What ``kvbm-config explain`` prints for a dotted key or a ``KVBM_*`` variable.

    An unknown key raises ``KeyError`` naming the closest key.
    """
    if not isinstance(key, str):
        raise TypeError(f"key must be a str, not {type(key).__name__}")
    return _native.explain(key)


def schema() -> dict:
    """The JSON Schema of config files and of the vLLM document."""
    return json.loads(_native.schema())


def template() -> str:
    """The commented TOML file of every setting (``kvbm.example.toml``)."""
    return _native.template()
