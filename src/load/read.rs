//! Reading a source safely: a config file, a JSON document or a stream.
//!
//! A path handed to a loader may be anything a pod can hold: a FIFO with no writer (an
//! `open` that never returns), `/dev/zero` (a read that never ends), a directory, a
//! multi-gigabyte file. [`read_bounded`] looks before it opens: only a regular file
//! (after following symlinks, so Kubernetes ConfigMap `..data` links work) of at most
//! [`MAX_SOURCE_BYTES`] is opened, non-blocking, and at most that many bytes are read.

use std::fs::Metadata;
use std::io::Read;
use std::path::Path;

/// The most bytes a config file or JSON document may have: 4 MiB, a thousand times the
/// largest real config.
pub(crate) const MAX_SOURCE_BYTES: u64 = 4 << 20;

/// Why a config file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReadError {
    /// Nothing is at the path.
    Missing,
    /// Something is there that is not read, or the read failed; the reason in words.
    Refused(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Missing => f.write_str("No such file or directory"),
            ReadError::Refused(reason) => f.write_str(reason),
        }
    }
}

/// Reads a config file as UTF-8 text: only a regular file of at most
/// [`MAX_SOURCE_BYTES`], checked before it is opened, opened non-blocking, read with a cap.
pub(crate) fn read_bounded(path: &Path) -> Result<String, ReadError> {
    read_bounded_with_metadata(path).map(|(text, _)| text)
}

/// As [`read_bounded`], with the metadata of the file read (for its permissions).
pub(crate) fn read_bounded_with_metadata(path: &Path) -> Result<(String, Metadata), ReadError> {
    let refused = |reason: String| ReadError::Refused(reason);
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ReadError::Missing),
        Err(e) => return Err(refused(e.to_string())),
    };
    check_regular(&metadata)?;
    let mut file = open_non_blocking(path).map_err(|e| refused(e.to_string()))?;
    // The path may have been replaced between the look and the open: look again.
    let opened = file.metadata().map_err(|e| refused(e.to_string()))?;
    check_regular(&opened)?;
    clear_non_blocking(&file).map_err(|e| refused(e.to_string()))?;
    let text = read_capped(&mut file, opened.len()).map_err(refused)?;
    Ok((text, opened))
}

/// Reads at most [`MAX_SOURCE_BYTES`] of UTF-8 text from `reader` (a file, standard input);
/// `size_hint` pre-sizes the buffer. The error says what is wrong, in words.
pub(crate) fn read_capped(reader: impl Read, size_hint: u64) -> Result<String, String> {
    let mut bytes = Vec::with_capacity(size_hint.min(MAX_SOURCE_BYTES) as usize + 1);
    reader
        .take(MAX_SOURCE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        // Reading stopped at the cap, so the real size is unknown: do not invent one.
        return Err(format!(
            "it is more than the 4 MiB ({MAX_SOURCE_BYTES} bytes) a config may have"
        ));
    }
    String::from_utf8(bytes).map_err(|_| "it is not valid UTF-8".into())
}

/// "it is 5242880 bytes, more than the 4 MiB (4194304 bytes) a config may have".
pub(crate) fn too_large(size: u64) -> String {
    format!("it is {size} bytes, more than the 4 MiB ({MAX_SOURCE_BYTES} bytes) a config may have")
}

fn check_regular(metadata: &Metadata) -> Result<(), ReadError> {
    if !metadata.is_file() {
        return Err(ReadError::Refused(format!(
            "it is {}, not a regular file, so it is not opened",
            what_it_is(metadata)
        )));
    }
    if metadata.len() > MAX_SOURCE_BYTES {
        return Err(ReadError::Refused(too_large(metadata.len())));
    }
    Ok(())
}

fn what_it_is(metadata: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if metadata.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

#[cfg(unix)]
fn open_non_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: a FIFO swapped in after the look must not block the open; O_NOCTTY: a
    // terminal device must never become the controlling terminal.
    let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOCTTY;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(path)
}

/// Clears `O_NONBLOCK` once the opened file is known to be a regular file, so that reads
/// block as reads of a file should. The file was opened with no other flag that `F_SETFL`
/// changes (`O_NOCTTY` and the access mode are not among them), so setting none clears it
/// in one call, not a read and a write of the flags.
#[cfg(unix)]
fn clear_non_blocking(file: &std::fs::File) -> std::io::Result<()> {
    rustix::fs::fcntl_setfl(file, rustix::fs::OFlags::empty())?;
    Ok(())
}

#[cfg(not(unix))]
fn clear_non_blocking(_: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

#[cfg(not(unix))]
fn open_non_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_opened_config_file_is_read_blocking_and_read_only() {
        use rustix::fs::{fcntl_getfl, OFlags};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kvbm.toml");
        std::fs::write(&path, "[tokio]\n").unwrap();
        let file = open_non_blocking(&path).unwrap();
        assert!(fcntl_getfl(&file).unwrap().contains(OFlags::NONBLOCK));
        clear_non_blocking(&file).unwrap();
        let flags = fcntl_getfl(&file).unwrap();
        assert!(!flags.contains(OFlags::NONBLOCK), "{flags:?}");
        assert!(
            !flags.intersects(OFlags::WRONLY | OFlags::RDWR),
            "{flags:?}"
        );
        assert_eq!(read_bounded(&path).unwrap(), "[tokio]\n");
    }
}
