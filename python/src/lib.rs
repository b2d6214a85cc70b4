//! The native half of the `kvbm_config` Python package: thin calls into the `kvbm-config`
//! crate. Every rule, message and origin comes from the crate; the Python half only turns
//! Python arguments into the loader's inputs and data into Python classes.

use std::ffi::OsString;

use kvbm_config::{ConfigError, Loaded, Loader, Role, Warning};
use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

/// A loaded config: the effective values and the report of where each came from.
#[pyclass(frozen, module = "kvbm_config._native")]
struct NativeConfig {
    loaded: Loaded,
}

#[pymethods]
impl NativeConfig {
    /// The effective config as JSON text, credentials kept (as the Rust struct keeps them).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.loaded.config)
            .map_err(|e| PyValueError::new_err(format!("cannot serialize the config: {e}")))
    }

    /// The origin of a dotted key, as the Rust report renders it.
    fn origin(&self, key: &str) -> String {
        self.loaded.report.origin(key).to_string()
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

/// Loads with explicit sources. Returns `(config, None)` or `(None, error)`, where
/// `error` is a dict with the error's text, its problems and the load's warnings.
#[pyfunction]
#[pyo3(signature = (json, role, env, config_path, system_file, strict))]
fn load<'py>(
    py: Python<'py>,
    json: Option<String>,
    role: Option<&str>,
    env: Vec<(String, String)>,
    config_path: Option<String>,
    system_file: Option<String>,
    strict: bool,
) -> PyResult<Bound<'py, PyTuple>> {
    let role = role_of(role)?;
    let mut loader = Loader::new()
        .env(
            env.into_iter()
                .map(|(k, v)| (OsString::from(k), OsString::from(v))),
        )
        .strict(strict);
    if let Some(path) = system_file {
        loader = loader.system_file(path);
    }
    if let Some(path) = config_path {
        loader = loader.user_file(path);
    }
    if let Some(json) = json {
        loader = loader.json(json);
    }
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
    module.add_function(wrap_pyfunction!(explain, module)?)?;
    module.add_function(wrap_pyfunction!(schema, module)?)?;
    module.add_function(wrap_pyfunction!(template, module)?)?;
    module.add("__version__", kvbm_config::VERSION)?;
    Ok(())
}
