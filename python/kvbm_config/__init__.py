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

# Annotations here are not evaluated at import (`from __future__ import annotations`) and
# type checkers read `__init__.pyi`, so `typing` (which imports `re`) is not imported.
# They use only builtins and names of this module, so `typing.get_type_hints` resolves
# them (Python 3.10 and newer, which evaluate `X | None`).

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

__version__: str = _native.__version__

# The system file every KVBM process reads, from the crate (one constant).
SYSTEM_FILE: str = _native.SYSTEM_FILE


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
    value: str | None
    source: str

    def __init__(self, key: str, message: str, value: str | None, source: str) -> None:
        self._set(key, message, value, source)

    def __str__(self) -> str:
        key = f"{self.key}: " if self.key else ""
        value = f"{self.value}, " if self.value is not None else ""
        return _native.escape(f"{key}{self.message} ({value}{self.source})")


class ConfigWarning(Warning):
    """A setting that loads but will probably not do what was meant.

    A ``Warning``: ``load()`` emits each one with ``warnings.warn``, so the standard filters
    route, silence or raise them (``warnings.simplefilter("error", ConfigWarning)`` makes a
    launcher refuse a config with warnings). Equal by its fields; pickles.
    """

    key: str
    message: str
    source: str

    def __init__(self, key: str, message: str, source: str) -> None:
        super().__init__(key, message, source)
        self.key = key
        self.message = message
        self.source = source

    __match_args__ = ("key", "message", "source")

    def __str__(self) -> str:
        return _native.escape(f"{self.key}: {self.message} ({self.source})")

    def __repr__(self) -> str:
        return f"ConfigWarning(key={self.key!r}, message={self.message!r}, source={self.source!r})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return (self.key, self.message, self.source) == (
            other.key,  # type: ignore[attr-defined]
            other.message,  # type: ignore[attr-defined]
            other.source,  # type: ignore[attr-defined]
        )

    def __hash__(self) -> int:
        return hash((self.key, self.message, self.source))

    def __reduce__(self) -> tuple:
        return (type(self), (self.key, self.message, self.source))


def __getattr__(name: str) -> object:
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
        problems: list[Problem],
        warnings: list[ConfigWarning] | None = None,
    ):
        super().__init__(text)
        self.problems: list[Problem] = problems
        self.warnings: list[ConfigWarning] = warnings or []

    def __reduce__(self) -> tuple:
        # Multiprocessing and Ray send exceptions between processes by pickling them:
        # rebuild from every field, not from `args` alone.
        return (type(self), (str(self), self.problems, self.warnings))


class _Section:
    """Attribute access to one table of a config (``cfg.cache.host.cache_size_gb``)."""

    __slots__ = ("_path", "_table")

    def __init__(self, path: str, table: dict[str, object]) -> None:
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_table", table)

    def __getattr__(self, name: str) -> object:
        table = object.__getattribute__(self, "_table")
        path = object.__getattribute__(self, "_path")
        if name not in table:
            raise AttributeError(f"`{path}` has no setting or table `{name}`")
        value = table[name]
        return _Section(f"{path}.{name}", value) if isinstance(value, dict) else value

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a loaded config is read-only")

    def __dir__(self) -> list[str]:
        return sorted(object.__getattribute__(self, "_table"))

    def __repr__(self) -> str:
        return f"<kvbm_config section {object.__getattribute__(self, '_path')}>"


class Config:
    """A loaded, validated config and where each of its values came from.

    Its tables read as attributes (``cfg.cache.host.cache_size_gb``, credentials
    redacted); ``to_dict()`` gives them whole. It pickles (a spawn pool can return it).
    """

    __slots__ = ("_native", "_state")

    def __init__(self, native: object) -> None:
        self._native = native
        self._state: dict[str, object] | None = None

    def _snapshot(self) -> dict[str, object]:
        """Everything a pickled copy answers from, taken once."""
        if self._state is None:
            native = self._native
            self._state = {
                "raw": native.to_json(False),  # type: ignore[attr-defined]
                "redacted": native.to_json(True),  # type: ignore[attr-defined]
                "origins": dict(native.origins()),  # type: ignore[attr-defined]
                "warnings": list(native.warnings()),  # type: ignore[attr-defined]
                "show_origin": native.show_origin(),  # type: ignore[attr-defined]
            }
        return self._state

    def __reduce__(self) -> tuple:
        return (_config_from_state, (self._snapshot(),))

    def to_dict(self, *, redact: bool = True) -> dict[str, object]:
        """The effective config as plain Python values: every setting of the config is
        present (an unset one as ``None``); credentials redacted by the crate's rule
        unless ``redact=False``."""
        import json

        if self._native is None:
            text = self._snapshot()["redacted" if redact else "raw"]
        else:
            text = self._native.to_json(redact)  # type: ignore[attr-defined]
        return json.loads(text)  # type: ignore[arg-type, no-any-return]

    def __getattr__(self, name: str) -> object:
        if name.startswith("_"):
            raise AttributeError(name)
        tree = self.to_dict()
        if name not in tree:
            raise AttributeError(f"the config has no table `{name}`")
        value = tree[name]
        return _Section(name, value) if isinstance(value, dict) else value

    def origin(self, key: str) -> str:
        """Where the value of a setting came from, e.g. ``"env KVBM_TOKIO_WORKER_THREADS"``.

        Takes every name ``explain`` takes (a dotted key, a released ``messenger.*`` key, a
        ``KVBM_*`` variable); one that is no setting raises ``KeyError`` naming the closest.
        """
        if not isinstance(key, str):
            raise TypeError(f"key must be a str, not {type(key).__name__}")
        if self._native is None:
            _native.explain(key)  # the same names, the same KeyError
            origins = self._snapshot()["origins"]
            canonical = _native.explain(key).split("\n", 1)[0]
            return origins.get(canonical, "default")  # type: ignore[attr-defined, no-any-return]
        return self._native.origin(key)  # type: ignore[attr-defined, no-any-return]

    @property
    def warnings(self) -> list[ConfigWarning]:
        """The warnings of the load."""
        if self._native is None:
            items = self._snapshot()["warnings"]
        else:
            items = self._native.warnings()  # type: ignore[attr-defined]
        return [ConfigWarning(*w) for w in items]  # type: ignore[attr-defined]

    def show_origin(self) -> str:
        """Every setting with its value and origin, as ``kvbm-config show --origin``."""
        if self._native is None:
            return self._snapshot()["show_origin"]  # type: ignore[return-value]
        return self._native.show_origin()  # type: ignore[attr-defined, no-any-return]

    def __repr__(self) -> str:
        return f"<kvbm_config.Config with {len(self.warnings)} warning(s)>"


def _config_from_state(state: dict[str, object]) -> Config:
    """A pickled `Config`, answering from its snapshot."""
    config = Config(None)
    config._state = state
    return config


class Finding(_Record):
    """One result of ``preflight``: how bad (``error``, ``warning``, ``info``), which check,
    the setting, what is wrong, its value (a JSON value, credentials redacted) and where
    the value came from."""

    __slots__ = ("severity", "check", "key", "message", "value", "source", "role", "unchecked")
    _fields = __slots__
    __match_args__ = __slots__
    severity: str
    check: str
    key: str
    message: str
    value: object
    source: str
    role: str | None
    unchecked: bool

    def __init__(
        self,
        severity: str,
        check: str,
        key: str,
        message: str,
        value: object,
        source: str,
        role: str | None = None,
        unchecked: bool = False,
    ) -> None:
        self._set(severity, check, key, message, value, source, role, unchecked)

    def __str__(self) -> str:
        role = f"[{self.role}] " if self.role else ""
        return _native.escape(f"{self.severity}: {role}{self.key}: {self.message} ({self.source})")


class PreflightResult:
    """The findings of ``preflight``; ``ok`` when none is an error, ``ok_strict`` when none
    is an error or a warning and every check could be made (as ``--strict``)."""

    __slots__ = ("findings",)

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings

    @property
    def ok(self) -> bool:
        return all(f.severity != "error" for f in self.findings)

    @property
    def ok_strict(self) -> bool:
        return all(f.severity == "info" and not f.unchecked for f in self.findings)

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        count = lambda severity: sum(f.severity == severity for f in self.findings)  # noqa: E731
        return f"<kvbm_config.PreflightResult: {count('error')} error(s), {count('warning')} warning(s)>"

    def __reduce__(self) -> tuple:
        return (PreflightResult, (self.findings,))


# The attributes of vLLM's `KVTransferConfig` that say which connector it is.
_TRANSFER_CONFIG_FIELDS = ("kv_connector", "kv_connector_module_path", "kv_role")


def _document(extra_config: object) -> Mapping | str | None:
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


def _environment(env: Mapping | None) -> list:
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


def _optional_path(name: str, value: object) -> str | None:
    """A path argument: `str` or any `os.PathLike` (`pathlib.Path`), `~` expanded as the
    shell would, or `None`."""
    if value is None:
        return None
    if isinstance(value, (str, os.PathLike)):
        path = os.fspath(value)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        return os.path.expanduser(path)
    raise TypeError(f"{name} must be a str, a path or None, not {type(value).__name__}")


def _check_arguments(role: object, strict: object, connector: object) -> None:
    if role is not None and not isinstance(role, str):
        raise TypeError(f"role must be None, 'leader' or 'worker', not {type(role).__name__}")
    if not isinstance(strict, bool):
        raise TypeError(f"strict must be a bool, not {type(strict).__name__}")
    if connector is not None and not isinstance(connector, str):
        raise TypeError(f"connector must be a str or None, not {type(connector).__name__}")


def _raise(error: dict) -> None:
    problems = [Problem(*p) for p in error["problems"]]
    warnings = [ConfigWarning(*w) for w in error["warnings"]]
    raise ConfigError(error["text"], problems, warnings)


def _load(
    extra_config: object,
    role: str | None,
    env: Mapping | None,
    config_path: object,
    system_file: object,
    strict: bool,
    connector: str | None,
    stacklevel: int,
) -> Config:
    _check_arguments(role, strict, connector)
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
        _raise(error)
    config = Config(native)
    found = native.warnings()
    if found:
        # Imported only when there is something to say: a clean load imports nothing.
        import warnings

        for item in found:
            warnings.warn(ConfigWarning(*item), stacklevel=stacklevel + 1)
    return config


def load(
    extra_config: Mapping[str, object] | str | _TransferConfig | None = None,
    *,
    role: str | None = None,
    env: Mapping[str, str] | Mapping[bytes, bytes] | None = None,
    config_path: str | os.PathLike[str] | None = None,
    system_file: str | os.PathLike[str] | None = SYSTEM_FILE,
    strict: bool = False,
    connector: str | None = None,
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
    ``strict=True`` turns warnings into errors. Each warning of the load is also emitted
    with ``warnings.warn(…, ConfigWarning)``. Raises ``ConfigError``.
    """
    return _load(extra_config, role, env, config_path, system_file, strict, connector, 2)


def check(
    extra_config: Mapping[str, object] | str | _TransferConfig | None = None,
    *,
    role: str | None = None,
    env: Mapping[str, str] | Mapping[bytes, bytes] | None = None,
    config_path: str | os.PathLike[str] | None = None,
    system_file: str | os.PathLike[str] | None = SYSTEM_FILE,
    strict: bool = False,
    connector: str | None = None,
) -> list[ConfigWarning]:
    """As ``load``, returning only the warnings; raises ``ConfigError`` when invalid."""
    config = _load(extra_config, role, env, config_path, system_file, strict, connector, 2)
    return config.warnings


def preflight(
    extra_config: Mapping[str, object] | str | _TransferConfig | None = None,
    *,
    role: str | None = None,
    workers: int = 1,
    env: Mapping[str, str] | Mapping[bytes, bytes] | None = None,
    config_path: str | os.PathLike[str] | None = None,
    system_file: str | os.PathLike[str] | None = SYSTEM_FILE,
    host: str | os.PathLike[str] | None = None,
    block_bytes: int | None = None,
    connector: str | None = None,
) -> PreflightResult:
    """Checks the config against a host before launch, as ``kvbm-config preflight``:
    ``role=None`` checks the leader and ``workers`` workers of one node; ``host`` is a
    host file (the facts of another machine), ``None`` this machine; ``block_bytes`` sizes
    tiers given in blocks. An invalid config is findings of the ``config`` check."""
    import json

    _check_arguments(role, False, connector)
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise ValueError(f"workers must be a positive int, not {workers!r}")
    if block_bytes is not None and (not isinstance(block_bytes, int) or block_bytes < 1):
        raise ValueError(f"block_bytes must be a positive int or None, not {block_bytes!r}")
    text, error = _native.preflight(
        _document(extra_config),
        role,
        _environment(env),
        _optional_path("config_path", config_path),
        _optional_path("system_file", system_file),
        connector,
        workers,
        _optional_path("host", host),
        block_bytes,
    )
    if error is not None:
        _raise(error)
    findings = [
        Finding(
            f["severity"],
            f["check"],
            f["key"],
            f["message"],
            f["value"],
            f["source"],
            f.get("role"),
            f["unchecked"],
        )
        for f in json.loads(text)
    ]
    return PreflightResult(findings)


class _TransferConfig:
    """What ``extra_config`` may also be: any object with a ``kv_connector_extra_config``
    attribute, as vLLM's ``KVTransferConfig`` (for annotations only)."""

    kv_connector_extra_config: Mapping[str, object] | None = None


def explain(key: str) -> str:
    """What ``kvbm-config explain`` prints for a dotted key or a ``KVBM_*`` variable.

    An unknown key raises ``KeyError`` naming the closest key.
    """
    if not isinstance(key, str):
        raise TypeError(f"key must be a str, not {type(key).__name__}")
    return _native.explain(key)  # type: ignore[no-any-return]


def schema() -> dict[str, object]:
    """The JSON Schema of config files and of the vLLM document."""
    import json

    return json.loads(_native.schema())  # type: ignore[no-any-return]


def template() -> str:
    """The commented TOML file of every setting (``kvbm.example.toml``)."""
    return _native.template()  # type: ignore[no-any-return]
