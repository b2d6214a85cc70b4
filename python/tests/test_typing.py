"""The stub under `mypy --strict`: the README's examples and the documented argument
types pass, and what the stub must refuse is refused."""

import ast
import json
import pathlib

import pytest

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"

# Each documented kind of `env` and `extra_config`, and the results' types in use.
USES = '''
import os
import pathlib
import kvbm_config

kvbm_config.load(env=os.environ)
kvbm_config.load(env=os.environb)
kvbm_config.load(env={"KVBM_TOKIO_WORKER_THREADS": "2"})
kvbm_config.load(env={b"KVBM_TOKIO_WORKER_THREADS": b"2"})
kvbm_config.load({"leader": {"tokio": {"worker_threads": 1}}}, role="leader")
kvbm_config.load('{"tokio": {"worker_threads": 1}}', config_path=pathlib.Path("/etc/kvbm.toml"))
config = kvbm_config.load(None, system_file=None)
size: object = config.to_dict()["cache"]
warnings: list[kvbm_config.ConfigWarning] = kvbm_config.check()
result = kvbm_config.preflight(workers=8, host="node.json")
ok: bool = result.ok_strict
for finding in result.findings:
    print(finding.severity, finding.key, finding.message)
threads: int = config.tokio.worker_threads
size_gb: float | None = config.cache.host.cache_size_gb
backends: dict[str, dict[str, str]] = config.nixl.backends
if config.nova.discovery.type == "etcd":
    endpoints: list[str] | None = config.nova.discovery.endpoints
policies = config.offload.g1_to_g2.policies
first_policy: str = policies[0]
'''

# What the stub must refuse: each line needs its ignore, or `--strict` reports an unused one.
REFUSED = '''
import kvbm_config

kvbm_config.load(42)  # type: ignore[arg-type]
kvbm_config.load(env=[("KVBM_X", "1")])  # type: ignore[arg-type]
kvbm_config.load(role=1)  # type: ignore[arg-type]
config = kvbm_config.load()
config.tokio.worker_thread  # type: ignore[attr-defined]
wrong: str = config.tokio.worker_threads  # type: ignore[assignment]
unchecked: float = config.cache.host.cache_size_gb  # type: ignore[assignment]
mode: int = config.onboard.mode  # type: ignore[assignment]
'''


def python_snippets() -> str:
    section = README.read_text().split("## From Python (vLLM)", 1)[1].split("\n## ", 1)[0]
    return "\n".join(part.split("```", 1)[0] for part in section.split("```python\n")[1:])


@pytest.mark.parametrize("name", ["readme", "uses", "refused"])
def test_mypy_strict(tmp_path: pathlib.Path, name: str) -> None:
    api = pytest.importorskip("mypy.api")
    source = {"readme": python_snippets(), "uses": USES, "refused": REFUSED}[name]
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    # vLLM is not installed here: its classes are unknown, which the stub accepts.
    out, err, status = api.run(
        [str(path), "--strict", "--ignore-missing-imports", "--no-incremental"]
    )
    assert status == 0, out + err


# The stub's table classes are generated from the declarations; this checks them against
# what the package gives at run time, for configs that set every table and variant.
STUB = pathlib.Path(__file__).resolve().parents[1] / "kvbm_config" / "__init__.pyi"
FULL_EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "kvbm.full.example.json"


def stub_classes() -> dict[str, dict[str, ast.expr]]:
    """Each class of the stub: its annotated attributes."""
    tree = ast.parse(STUB.read_text())
    return {
        node.name: {
            item.target.id: item.annotation
            for item in node.body
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
        }
        for node in tree.body
        if isinstance(node, ast.ClassDef)
    }


def conforms(value: object, annotation: ast.expr, classes: dict[str, dict[str, ast.expr]]) -> bool:
    """Whether `value` (from `to_dict()`) is of the stub's type `annotation`."""
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return conforms(value, annotation.left, classes) or conforms(value, annotation.right, classes)
    if isinstance(annotation, ast.Constant) and annotation.value is None:
        return value is None
    if isinstance(annotation, ast.Name):
        if annotation.id in classes:
            return isinstance(value, dict) and conforms_table(value, annotation.id, classes)
        kind = {"int": int, "float": float, "str": str, "bool": bool}[annotation.id]
        # bool is an int in Python; the stub keeps them apart.
        return type(value) is kind
    assert isinstance(annotation, ast.Subscript) and isinstance(annotation.value, ast.Name)
    generic, argument = annotation.value.id, annotation.slice
    if generic == "Literal":
        names = argument.elts if isinstance(argument, ast.Tuple) else [argument]
        return value in [name.value for name in names if isinstance(name, ast.Constant)]
    if generic == "list":
        return isinstance(value, list) and all(conforms(v, argument, classes) for v in value)
    if generic == "dict":
        assert isinstance(argument, ast.Tuple)
        key, item = argument.elts
        return isinstance(value, dict) and all(
            conforms(k, key, classes) and conforms(v, item, classes) for k, v in value.items()
        )
    raise AssertionError(f"an annotation this test does not read: {ast.unparse(annotation)}")


def conforms_table(table: dict[str, object], class_name: str, classes: dict[str, dict[str, ast.expr]]) -> bool:
    attributes = classes[class_name]
    assert set(table) == set(attributes), f"{class_name}: {sorted(table)} vs {sorted(attributes)}"
    for name, value in table.items():
        assert conforms(value, attributes[name], classes), (
            f"{class_name}.{name} = {value!r} is not {ast.unparse(attributes[name])}"
        )
    return True


VARIANTS = [
    {},
    {"nova": {"discovery": {"type": "p2p", "cluster_id": "c", "bootstrap_peers": ["10.0.0.1:5000"]}}},
    {"nova": {"discovery": {"type": "filesystem", "path": "/tmp/kvbm-peers"}}},
    {"object": {"client": {"type": "nixl", "bucket": "b"}}},
    {"object": {"client": {"type": "s3", "bucket": "b", "endpoint_url": "http://minio:9000"}}},
]


@pytest.mark.filterwarnings("ignore::kvbm_config.ConfigWarning")
@pytest.mark.parametrize("variant", range(len(VARIANTS)))
@pytest.mark.parametrize("role", ["leader", "worker"])
def test_the_stub_types_what_attributes_give(variant: int, role: str) -> None:
    import kvbm_config

    classes = stub_classes()
    document = json.loads(FULL_EXAMPLE.read_text())
    document.setdefault("default", {}).update(VARIANTS[variant])
    config = kvbm_config.load(document, role=role, env={}, system_file=None)
    assert conforms_table(config.to_dict(), "Config", classes)
    # The attribute view gives the same values as the dictionary.
    assert config.tokio.worker_threads == config.to_dict()["tokio"]["worker_threads"]
