//! The one writer of everything the command prints (standard output and error), and the
//! colours it paints on a terminal.

use crate::*;

/// `print!` to standard output that survives a closed pipe (`kvbm-config env | head`): the
/// rest of the output is dropped in silence, and the command still ends with its own exit
/// code. Any other write error ends the command with exit 1.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::write_out(&format!($($arg)*))
    };
}

/// `println!` to standard output that survives a closed pipe; see [`out!`].
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::write_out(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` through the one writer ([`safe_output`]).
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        eprint!("{}", $crate::output::safe_output(&format!("{}\n", format_args!($($arg)*))))
    };
}

/// The one writer of everything the command prints, on standard output and standard
/// error: every character of [`kvbm_config::secret::is_unsafe_for_terminal`] is written
/// as `\u{…}`, except newlines and tabs and the colour sequences (`ESC [ … m`) the command
/// paints itself. Values are escaped where they are rendered; this is the net under them.
pub(crate) fn safe_output(text: &str) -> std::borrow::Cow<'_, str> {
    use kvbm_config::secret::is_unsafe_for_terminal;
    let unsafe_char = |c: char| is_unsafe_for_terminal(c) && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let colour = c == '\x1b' && {
            let tail = &rest[1..];
            let end = tail.find('m');
            tail.starts_with('[')
                && end.is_some_and(|end| {
                    tail[1..end]
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b == b';')
                })
        };
        if colour {
            let end = rest.find('m').unwrap_or(0) + 1;
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        match unsafe_char(c) {
            true => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            false => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    std::borrow::Cow::Owned(out)
}

pub(crate) fn write_out(text: &str) {
    use std::io::Write;
    use std::sync::atomic::{AtomicBool, Ordering};
    static CLOSED: AtomicBool = AtomicBool::new(false);
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let text = safe_output(text);
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            CLOSED.store(true, Ordering::Relaxed)
        }
        Err(e) => {
            errln!("error: cannot write the output: {e}");
            std::process::exit(1);
        }
    }
}

/// Colour only on a terminal, and never when `NO_COLOR` is set (https://no-color.org).
pub(crate) struct Ui {
    stdout: bool,
    stderr: bool,
}

impl Ui {
    pub(crate) fn detect() -> Ui {
        let allowed = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Ui {
            stdout: allowed && std::io::stdout().is_terminal(),
            stderr: allowed && std::io::stderr().is_terminal(),
        }
    }

    pub(crate) fn paint(on: bool, code: &str, text: &str) -> String {
        if on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub(crate) fn error(&self, text: &str) -> String {
        Self::paint(self.stderr, "1;31", text)
    }

    pub(crate) fn warning(&self, text: &str) -> String {
        Self::paint(self.stderr, "1;33", text)
    }

    pub(crate) fn error_out(&self, text: &str) -> String {
        Self::paint(self.stdout, "1;31", text)
    }

    pub(crate) fn warning_out(&self, text: &str) -> String {
        Self::paint(self.stdout, "1;33", text)
    }

    pub(crate) fn heading(&self, text: &str) -> String {
        Self::paint(self.stdout, "1", text)
    }

    pub(crate) fn dim(&self, text: &str) -> String {
        Self::paint(self.stdout, "2", text)
    }
}
