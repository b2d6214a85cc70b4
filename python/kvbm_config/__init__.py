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

# Only what a `load()` needs is imported here: `json` (for `to_dict` and `schema`) and
# `warnings` (for the deprecated alias) come when first used, and the value classes are
# written out rather than made by `dataclasses` (which imports `inspect`, `ast`, `re`...).
import os
from collections.abc import Mapping

from . import _native

# Annotations here are never evaluated (`from __future__ import annotations`), and type
# checkers read `__init__.pyi`, so `typing` (which imports `re`) is not imported at all.

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

__version__: str = _native.__version__

SYSTEM_FILE = "/opt/dynamo/etc/kvbm.toml"


class _Record:
    """An immutable record of string fields: equality, hashing, `repr` and pickling by
    its fields, as a frozen dataclass has."""

    __slots__ = ()
    _fields: tuple = ()

    def _set(self, *values: object) -> None:
        for name, value in zip(self._fields, values):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({fields})"

    def __reduce__(self) -> tuple:
        return (type(self), self._values())


class Problem(_Record):
    """One problem of a failed load: the key, what is wrong, the value and its source."""

    __slots__ = ("key", "message", "value", "source")
    _fields = __slots__
    __match_args__ = __slots__
    key: str
    message: str
    value: Optional[str]
    source: str

    def __init__(self, key: str, message: str, value: Optional[str], source: str) -> None:
        self._set(key, message, value, source)

    def __str__(self) -> str:
        key = f"{self.key}: " if self.key else ""
        value = f"{self.value}, " if self.value is not None else ""
        return f"{key}{self.message} ({value}{self.source})"


class ConfigWarning(_Record):
    """A setting that loads but will probably not do what was meant."""

    __slots__ = ("key", "message", "source")
    _fields = __slots__
    __match_args__ = __slots__
    key: str
    message: str
    source: str

    def __init__(self, key: str, message: str, source: str) -> None:
        self._set(key, message, source)

    def __str__(self) -> str:
        return f"{self.key}: {self.message} ({self.source})"


def __getattr__(name: str) -> Any:
    # `Warning` was the warning class's first name; it shadowed the builtin under
    # `from kvbm_config import *`, so it is only an alias now, outside `__all__`.
    if name == "Warning":
        import warnings

        warnings.warn(
            "kvbm_config.Warning is deprecated; use kvbm_config.ConfigWarning",
            DeprecationWarning,
            stacklevel=2,
        )
        return ConfigWarning
    raise AttributeError(f"module 'kvbm_config' has no attribute {name!r}")


class ConfigError(ValueError):
    """The config is invalid; ``problems`` lists every problem of every source, and
    ``warnings`` the load's warnings (an unknown variable is often why a value is missing)."""

    def __init__(
        self,
        text: str,
        problems: List[Problem],
        warnings: Optional[List[ConfigWarning]] = None,
    ):
        super().__init__(text)
        self.problems: List[Problem] = problems
        self.warnings: List[ConfigWarning] = warnings or []

    def __reduce__(self) -> Any:
        # Multiprocessing and Ray send exceptions between processes by pickling them:
        # rebuild from every field, not from `args` alone.
        return (type(self), (str(self), self.problems, self.warnings))


class Config:
    """A loaded, validated config and where each of its values came from."""

    __slots__ = ("_native",)

    def __init__(self, native: Any):
        self._native = native

    def to_dict(self) -> dict:
        """The effective config as plain Python values (credentials kept)."""
        import json

        return json.loads(self._native.to_json())

    def origin(self, key: str) -> str:
        """Where the value of a dotted key came from, e.g. ``"env KVBM_TOKIO_WORKER_THREADS"``.

        A key that is not a setting raises ``KeyError`` naming the closest key.
        """
        return self._native.origin(key)

    @property
    def warnings(self) -> List[ConfigWarning]:
        """The warnings of the load."""
        return [ConfigWarning(*w) for w in self._native.warnings()]

    def show_origin(self) -> str:
        """Every setting with its value and origin, as ``kvbm-config show --origin``."""
        return self._native.show_origin()

    def __repr__(self) -> str:
        return f"<kvbm_config.Config with {len(self.warnings)} warning(s)>"


# `ExtraConfig` (a mapping, JSON text, a KVTransferConfig or None) is spelled out in the stubs.

# The attributes of vLLM's `KVTransferConfig` that say which connector it is.
_TRANSFER_CONFIG_FIELDS = ("kv_connector", "kv_connector_module_path", "kv_role")


def _document(extra_config: _ExtraConfig) -> Union[Mapping, str, None]:
    """The document for the loader: JSON text or a mapping. vLLM's `KVTransferConfig` (any
    object with a ``kv_connector_extra_config`` attribute) becomes the mapping of its
    fields, which the loader reads as a whole ``kv_transfer_config``."""
    if extra_config is None or isinstance(extra_config, (str, Mapping)):
        return extra_config
    if hasattr(extra_config, "kv_connector_extra_config"):
        fields = {
            name: getattr(extra_config, name, None)
            for name in _TRANSFER_CONFIG_FIELDS + ("kv_connector_extra_config",)
        }
        return {name: value for name, value in fields.items() if value is not None}
    raise TypeError(
        "extra_config must be a dict (or any Mapping), JSON text, an object with a "
        "kv_connector_extra_config attribute (vLLM's KVTransferConfig) or None, "
        f"not {type(extra_config).__name__}"
    )


# What the loader reads of an environment; `env=None` passes these only.
_ENV_PREFIXES = (b"KVBM_", b"DYN_KVBM_")


def _environment(env: Optional[Mapping]) -> list:
    if env is None:
        # The process environment as bytes (`os.environb`), so that a value that is not
        # UTF-8 reaches the loader, which reports it as the command line does. `HOME`
        # expands `~` in KVBM_CONFIG_PATH.
        environ = getattr(os, "environb", None)
        if environ is None:  # Windows has no environb
            environ = {k.encode(): v.encode() for k, v in os.environ.items()}
        return [
            (name, value)
            for name, value in environ.items()
            if name.startswith(_ENV_PREFIXES) or name == b"HOME"
        ]
    if not isinstance(env, Mapping):
        raise TypeError(f"env must be a mapping or None, not {type(env).__name__}")
    pairs = []
    for name, value in env.items():
        if not isinstance(name, (str, bytes)) or not isinstance(value, (str, bytes)):
            raise TypeError("env must map str (or bytes) to str (or bytes)")
        pairs.append((name, value))
    return pairs


def _optional_path(name: str, value: Any) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, (str, os.PathLike)):
        return os.fspath(value)
    raise TypeError(f"{name} must be a str, a path or None, not {type(value).__name__}")


def load(
    extra_config: _ExtraConfig = None,
    *,
    role: Optional[str] = None,
    env: Optional[Mapping] = None,
    config_path: Any = None,
    system_file: Any = SYSTEM_FILE,
    strict: bool = False,
    connector: Optional[str] = None,
) -> Config:
    """Loads the config as a KVBM process would, with the Rust loader.

    ``extra_config`` is vLLM's ``kv_connector_extra_config`` (a dict or any ``Mapping``,
    or JSON text; flat or with ``leader`` / ``worker`` / ``default`` keys), the whole
    ``kv_transfer_config`` (recognised by ``kv_connector`` or
    ``kv_connector_extra_config``), or vLLM's ``KVTransferConfig`` object. In a
    MultiConnector, the KVBM connector's entry is used: the one under the ``kvbm`` module,
    else the one named like KVBM's, else the one ``connector`` names.
    ``env`` replaces the process environment (``None``: the process's ``KVBM_*``,
    ``DYN_KVBM_*`` and ``HOME``; ``{}``: none; values may be ``bytes``); ``config_path``
    replaces ``KVBM_CONFIG_PATH``; ``system_file=None`` skips the system file;
    ``strict=True`` turns warnings into errors. Raises ``ConfigError``.
    """
    if role is not None and not isinstance(role, str):
        raise TypeError(f"role must be None, 'leader' or 'worker', not {type(role).__name__}")
    if not isinstance(strict, bool):
        raise TypeError(f"strict must be a bool, not {type(strict).__name__}")
    if connector is not None and not isinstance(connector, str):
        raise TypeError(f"connector must be a str or None, not {type(connector).__name__}")
    native, error = _native.load(
        _document(extra_config),
        role,
        _environment(env),
        _optional_path("config_path", config_path),
        _optional_path("system_file", system_file),
        strict,
        connector,
    )
    if error is not None:
        problems = [Problem(*p) for p in error["problems"]]
        warnings = [ConfigWarning(*w) for w in error["warnings"]]
        raise ConfigError(error["text"], problems, warnings)
    return Config(native)


def check(
    extra_config: _ExtraConfig = None,
    *,
    role: Optional[str] = None,
    env: Optional[Mapping] = None,
    config_path: Any = None,
    system_file: Any = SYSTEM_FILE,
    strict: bool = False,
    connector: Optional[str] = None,
) -> List[ConfigWarning]:
    """As ``load``, returning only the warnings; raises ``ConfigError`` when invalid."""
    return load(
        extra_config,
        role=role,
        env=env,
        config_path=config_path,
        system_file=system_file,
        strict=strict,
        connector=connector,
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
    import json

    return json.loads(_native.schema())


def template() -> str:
    """The commented TOML file of every setting (``kvbm.example.toml``)."""
    return _native.template()
