//! The native half of the `kvbm_config` Python package: thin calls into the `kvbm-config`
//! crate. Every rule, message and origin comes from the crate; the Python half only turns
//! Python arguments into the loader's inputs and data into Python classes.

use std::ffi::OsString;

use figment::value::{Dict, Empty, Num, Value};
use kvbm_config::{ConfigError, Loaded, Loader, Role, Warning};
use pyo3::exceptions::{PyKeyError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

/// A loaded config: the effective values and the report of where each came from.
#[pyclass(frozen, module = "kvbm_config._native")]
struct NativeConfig {
    loaded: Loaded,
}

#[pymethods]
impl NativeConfig {
    /// The effective config as JSON text: every declared setting present (an unset one, or
    /// one of a variant not chosen, as `null`), credentials redacted by the crate's rule unless `redact` is
    /// false (then as the Rust struct keeps them).
    fn to_json(&self, redact: bool) -> String {
        let tree = match redact {
            true => kvbm_config::secret::redacted(&self.loaded.config),
            false => serde_json::to_value(&self.loaded.config).unwrap_or_default(),
        };
        let mut complete = serde_json::Map::new();
        for setting in kvbm_config::registry::settings() {
            let value = setting
                .key
                .split('.')
                .try_fold(&tree, |value, part| value.get(part))
                .cloned()
                .unwrap_or_default();
            insert_at(&mut complete, setting.key, value);
        }
        serde_json::Value::Object(complete).to_string()
    }

    /// The origin of a setting, by any name `explain` takes (a dotted key, a released
    /// `messenger.*` key, a variable), as the Rust report renders it; `KeyError` (naming
    /// the closest key) for a name that is no setting.
    fn origin(&self, key: &str) -> PyResult<String> {
        let setting = kvbm_config::registry::lookup(key).map_err(PyKeyError::new_err)?;
        Ok(self.loaded.report.origin(setting.key).to_string())
    }

    /// Every setting of the config with its origin, for a pickled copy.
    fn origins(&self) -> Vec<(String, String)> {
        self.loaded
            .entries()
            .into_iter()
            .map(|entry| (entry.key, entry.source.to_string()))
            .collect()
    }

    /// The warnings as `(key, message, source)` tuples.
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        warnings_list(py, self.loaded.report.warnings())
    }

    /// `kvbm-config show --origin`: every setting, its value and origin, redacted.
    fn show_origin(&self) -> String {
        self.loaded.show_origin()
    }
}

/// Inserts `value` at the dotted `key` of a JSON table, creating the tables on the way.
fn insert_at(
    table: &mut serde_json::Map<String, serde_json::Value>,
    key: &str,
    value: serde_json::Value,
) {
    match key.split_once('.') {
        None => {
            table.insert(key.to_string(), value);
        }
        Some((first, rest)) => {
            let inner = table
                .entry(first.to_string())
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
            if !inner.is_object() {
                *inner = serde_json::Value::Object(Default::default());
            }
            if let serde_json::Value::Object(inner) = inner {
                insert_at(inner, rest, value);
            }
        }
    }
}

fn warnings_list<'py>(py: Python<'py>, warnings: &[Warning]) -> PyResult<Bound<'py, PyList>> {
    let items: Vec<Bound<'py, PyTuple>> = warnings
        .iter()
        .map(|w| PyTuple::new(py, [w.key.clone(), w.message.clone(), w.source.to_string()]))
        .collect::<PyResult<_>>()?;
    PyList::new(py, items)
}

fn role_of(role: Option<&str>) -> PyResult<Option<Role>> {
    match role {
        None => Ok(None),
        Some("leader") => Ok(Some(Role::Leader)),
        Some("worker") => Ok(Some(Role::Worker)),
        Some(other) => Err(PyValueError::new_err(format!(
            "role must be None, \"leader\" or \"worker\", not {other:?}"
        ))),
    }
}

/// A name or value of the environment: `str`, or `bytes` for one that is not UTF-8 (as
/// `os.environb` gives it).
fn os_string(item: &Bound<'_, PyAny>) -> PyResult<OsString> {
    if let Ok(text) = item.cast::<PyString>() {
        if let Ok(text) = text.extract::<String>() {
            return Ok(OsString::from(text));
        }
        // A str holding undecodable bytes as surrogates (`os.environ` on a non-UTF-8
        // value): back to those bytes, as Python's own `os.fsencode` does.
        let bytes = text.call_method1("encode", ("utf-8", "surrogateescape"))?;
        return os_string(&bytes);
    }
    if let Ok(bytes) = item.cast::<PyBytes>() {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStringExt;
            return Ok(OsString::from_vec(bytes.as_bytes().to_vec()));
        }
        #[cfg(not(unix))]
        return Ok(OsString::from(
            String::from_utf8_lossy(bytes.as_bytes()).into_owned(),
        ));
    }
    Err(PyTypeError::new_err(
        "env must map str (or bytes) to str (or bytes)",
    ))
}

/// How deep a document may nest: far deeper than any config (5 levels), far below what
/// the stack allows, so a hostile document is an error, never a crash.
const MAX_DEPTH: usize = 64;

/// Why a Python value cannot be a config value: a Python error, or a problem of the
/// document, reported as a `ConfigError` like any other problem of a load. No message
/// holds the value itself: it may be a credential.
enum Refused {
    Python(PyErr),
    Problem { key: String, message: String },
}

impl From<PyErr> for Refused {
    fn from(error: PyErr) -> Self {
        Refused::Python(error)
    }
}

fn refused(at: &str, message: impl Into<String>) -> Refused {
    Refused::Problem {
        key: at.to_string(),
        message: message.into(),
    }
}

/// A Python value as the loader's value tree, without JSON text: a NaN stays a number,
/// which the declared rules then refuse by name. `at` is the key path, for errors.
fn tree_value(item: &Bound<'_, PyAny>, at: &str, depth: usize) -> Result<Value, Refused> {
    if item.is_none() {
        return Ok(Value::from(Empty::Unit));
    }
    if let Ok(flag) = item.cast::<PyBool>() {
        return Ok(Value::from(flag.is_true()));
    }
    if let Ok(int) = item.cast::<PyInt>() {
        if let Ok(n) = int.extract::<u64>() {
            return Ok(Value::from(Num::U64(n)));
        }
        return int
            .extract::<i64>()
            .map(|n| Value::from(Num::I64(n)))
            .map_err(|_| refused(at, "an integer too large for any setting"));
    }
    if let Ok(float) = item.cast::<PyFloat>() {
        return Ok(Value::from(Num::F64(float.value())));
    }
    if let Ok(text) = item.cast::<PyString>() {
        return text
            .extract::<String>()
            .map(Value::from)
            .map_err(|_| refused(at, "a str that is not valid Unicode (a lone surrogate)"));
    }
    if depth >= MAX_DEPTH {
        return Err(refused(
            at,
            format!("nested deeper than {MAX_DEPTH} levels; a config has 5"),
        ));
    }
    if item.is_instance_of::<PyList>() || item.is_instance_of::<PyTuple>() {
        let items = item
            .try_iter()?
            .enumerate()
            .map(|(i, entry)| tree_value(&entry?, &format!("{at}[{i}]"), depth + 1))
            .collect::<Result<Vec<_>, Refused>>()?;
        return Ok(Value::from(items));
    }
    if let Ok(mapping) = item.cast::<pyo3::types::PyMapping>() {
        return tree_dict(mapping.as_any(), at, depth + 1).map(Value::from);
    }
    Err(refused(
        at,
        format!(
            "a config value is a dict, list, str, int, float, bool or None, not {}",
            item.get_type().name()?
        ),
    ))
}

/// A Python mapping as the loader's table (keys must be `str`, each once).
fn tree_dict(item: &Bound<'_, PyAny>, at: &str, depth: usize) -> Result<Dict, Refused> {
    let mapping = item.cast::<pyo3::types::PyMapping>().map_err(PyErr::from)?;
    let mut dict = Dict::new();
    for entry in mapping.items()?.iter() {
        let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = entry.extract()?;
        let key: String = key
            .extract()
            .map_err(|_| refused(at, "keys of a config table are str"))?;
        let path = match at {
            "" => key.clone(),
            at => format!("{at}.{key}"),
        };
        // A Mapping whose `items()` gives a key twice: neither may silently win.
        if dict.contains_key(&key) {
            return Err(refused(&path, "is given twice; each key may appear once"));
        }
        let value = tree_value(&value, &path, depth)?;
        dict.insert(key, value);
    }
    Ok(dict)
}

/// The loader of the given sources (no role yet), or the error dict of a document the
/// conversion refused.
#[allow(clippy::too_many_arguments)]
fn loader_of<'py>(
    py: Python<'py>,
    document: Option<Bound<'py, PyAny>>,
    env: Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>,
    config_path: Option<String>,
    system_file: Option<String>,
    strict: bool,
    connector: Option<String>,
) -> PyResult<Result<Loader, Bound<'py, PyDict>>> {
    let env = env
        .iter()
        .map(|(name, value)| Ok((os_string(name)?, os_string(value)?)))
        .collect::<PyResult<Vec<_>>>()?;
    let mut loader = Loader::new().env(env).strict(strict);
    if let Some(name) = connector {
        loader = loader.connector(name);
    }
    if let Some(path) = system_file {
        loader = loader.system_file(path);
    }
    if let Some(path) = config_path {
        loader = loader.user_file(path);
    }
    match document {
        None => {}
        Some(text) if text.is_instance_of::<PyString>() => {
            loader = loader.json(text.extract::<String>()?);
        }
        Some(mapping) => match tree_dict(&mapping, "", 0) {
            Ok(tree) => loader = loader.json_tree_named(tree, PYTHON_MAPPING),
            Err(Refused::Python(error)) => return Err(error),
            Err(Refused::Problem { key, message }) => {
                return Ok(Err(refused_dict(py, &key, &message)?));
            }
        },
    }
    Ok(Ok(loader))
}

/// What origins and problems call a document given as a dict.
const PYTHON_MAPPING: &str = "Python mapping";

/// Loads with explicit sources. `document` is JSON text or a mapping (converted to the
/// loader's values directly); `env` pairs are `str` or `bytes`. Returns `(config, None)` or
/// `(None, error)`, where `error` is a dict with the error's text, its problems and the
/// load's warnings.
#[pyfunction]
#[pyo3(signature = (document, role, env, config_path, system_file, strict, connector))]
#[allow(clippy::too_many_arguments)]
fn load<'py>(
    py: Python<'py>,
    document: Option<Bound<'py, PyAny>>,
    role: Option<&str>,
    env: Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>,
    config_path: Option<String>,
    system_file: Option<String>,
    strict: bool,
    connector: Option<String>,
) -> PyResult<Bound<'py, PyTuple>> {
    let role = role_of(role)?;
    let mut loader = match loader_of(
        py,
        document,
        env,
        config_path,
        system_file,
        strict,
        connector,
    )? {
        Ok(loader) => loader,
        Err(error) => return PyTuple::new(py, [py.None().into_bound(py), error.into_any()]),
    };
    if let Some(role) = role {
        loader = loader.role(role);
    }
    // Reading files and merging needs no Python object: let other threads run meanwhile.
    let result = py.detach(move || loader.load());
    match result {
        Ok(loaded) => {
            let config = Bound::new(py, NativeConfig { loaded })?;
            PyTuple::new(py, [config.into_any(), py.None().into_bound(py)])
        }
        Err(error) => {
            let error = error_dict(py, &error)?;
            PyTuple::new(py, [py.None().into_bound(py), error.into_any()])
        }
    }
}

/// Preflight of a node, as `kvbm-config preflight --format json`: `role` `None` checks
/// the leader and `workers` workers. Returns the findings as JSON text (each with
/// `unchecked`), or `(None, error)` for a document the conversion refused.
#[pyfunction]
#[pyo3(signature = (document, role, env, config_path, system_file, connector, workers, host, block_bytes))]
#[allow(clippy::too_many_arguments)]
fn preflight<'py>(
    py: Python<'py>,
    document: Option<Bound<'py, PyAny>>,
    role: Option<&str>,
    env: Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>,
    config_path: Option<String>,
    system_file: Option<String>,
    connector: Option<String>,
    workers: u32,
    host: Option<String>,
    block_bytes: Option<u64>,
) -> PyResult<Bound<'py, PyTuple>> {
    use kvbm_config::preflight::{Finding, Host};
    let roles = match role_of(role)? {
        Some(role) => vec![role],
        None => vec![Role::Leader, Role::Worker],
    };
    let loader = match loader_of(
        py,
        document,
        env,
        config_path,
        system_file,
        false,
        connector,
    )? {
        Ok(loader) => loader,
        Err(error) => return PyTuple::new(py, [py.None().into_bound(py), error.into_any()]),
    };
    let mut host = match host {
        Some(path) => Host::from_file(std::path::Path::new(&path))
            .map_err(|e| PyValueError::new_err(format!("host file {path}: {e}")))?,
        None => Host::probe(),
    };
    let text = py.detach(move || {
        let mut findings = Vec::new();
        let mut loaded = Vec::new();
        for role in &roles {
            match loader.clone().role(*role).load() {
                Ok(config) => loaded.push((*role, config)),
                Err(error) => {
                    let shown = (roles.len() > 1).then_some(*role);
                    findings.extend(
                        error
                            .problems()
                            .iter()
                            .map(|p| Finding::from_problem(p, shown)),
                    );
                }
            }
        }
        if findings.is_empty() {
            let shown = |role: Role| (roles.len() > 1).then_some(role);
            let configs: Vec<(Option<Role>, &Loaded)> = loaded
                .iter()
                .map(|(role, loaded)| (shown(*role), loaded))
                .collect();
            let options = kvbm_config::preflight::Options {
                workers: workers.max(1),
                block_bytes,
            };
            findings = kvbm_config::preflight::run_roles(&configs, &mut host, options);
        }
        let rows: Vec<serde_json::Value> = findings
            .iter()
            .map(|finding| {
                let mut row = serde_json::to_value(finding).unwrap_or_default();
                row["unchecked"] = finding.is_unchecked().into();
                row["text"] = finding.to_string().into();
                row
            })
            .collect();
        serde_json::Value::from(rows).to_string()
    });
    PyTuple::new(
        py,
        [text.into_pyobject(py)?.into_any(), py.None().into_bound(py)],
    )
}

/// Text made safe for a terminal by the crate's one escaping rule.
#[pyfunction]
fn escape(text: &str) -> String {
    kvbm_config::secret::escape_terminal(text).into_owned()
}

/// A document the conversion refused, as the error of a load: one problem.
fn refused_dict<'py>(py: Python<'py>, key: &str, message: &str) -> PyResult<Bound<'py, PyDict>> {
    let source = PYTHON_MAPPING;
    let key = kvbm_config::secret::escape_terminal(key).into_owned();
    let dict = PyDict::new(py);
    let shown = if key.is_empty() {
        "the document"
    } else {
        key.as_str()
    };
    dict.set_item("text", format!("{shown}: {message} ({source})"))?;
    let problems = vec![(key.clone(), message.to_string(), None::<String>, source)];
    dict.set_item("problems", problems)?;
    dict.set_item("warnings", PyList::empty(py))?;
    Ok(dict)
}

fn error_dict<'py>(py: Python<'py>, error: &ConfigError) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("text", error.to_string())?;
    let problems: Vec<(String, String, Option<String>, String)> = error
        .problems()
        .iter()
        .map(|p| {
            (
                p.key.clone(),
                p.message.clone(),
                p.value.clone(),
                p.source.to_string(),
            )
        })
        .collect();
    dict.set_item("problems", problems)?;
    dict.set_item("warnings", warnings_list(py, error.warnings())?)?;
    Ok(dict)
}

/// What `kvbm-config explain` prints about a key or variable.
#[pyfunction]
fn explain(key: &str) -> PyResult<String> {
    kvbm_config::registry::lookup(key)
        .map(|setting| setting.explain())
        .map_err(PyKeyError::new_err)
}

/// The JSON Schema of config documents, as JSON text.
#[pyfunction]
fn schema() -> PyResult<String> {
    serde_json::to_string(&kvbm_config::json_schema::document_schema())
        .map_err(|e| PyValueError::new_err(e.to_string()))
}

/// The commented TOML template of every setting.
#[pyfunction]
fn template() -> String {
    kvbm_config::docs::template()
}

/// The native module.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<NativeConfig>()?;
    module.add_function(wrap_pyfunction!(load, module)?)?;
    module.add_function(wrap_pyfunction!(preflight, module)?)?;
    module.add_function(wrap_pyfunction!(escape, module)?)?;
    module.add_function(wrap_pyfunction!(explain, module)?)?;
    module.add_function(wrap_pyfunction!(schema, module)?)?;
    module.add_function(wrap_pyfunction!(template, module)?)?;
    module.add("__version__", kvbm_config::VERSION)?;
    module.add("SYSTEM_FILE", kvbm_config::SYSTEM_CONFIG_PATH)?;
    Ok(())
}
