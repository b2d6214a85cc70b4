"""The stub under `mypy --strict`: the README's examples and the documented argument
types pass, and what the stub must refuse is refused."""

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
'''

# What the stub must refuse: each line needs its ignore, or `--strict` reports an unused one.
REFUSED = '''
import kvbm_config

kvbm_config.load(42)  # type: ignore[arg-type]
kvbm_config.load(env=[("KVBM_X", "1")])  # type: ignore[arg-type]
kvbm_config.load(role=1)  # type: ignore[arg-type]
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
