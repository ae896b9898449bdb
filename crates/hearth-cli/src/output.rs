//! Printing: JSON for scripts, aligned text for people.

use std::io::Write;

use serde::Serialize;

/// Prints a value as pretty JSON on stdout.
pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    outln!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Writes to stdout (what `out!` and `outln!` call). A reader that has gone away, as in
/// `hearth timeline | head`, ends the program quietly with success, as `grep` or `rg`
/// would, instead of the panic `println!` gives; any other write failure is reported.
pub fn write_stdout(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}

/// Cuts text to one line of at most `width` characters.
pub fn one_line(text: &str, width: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= width {
        flat
    } else {
        let mut cut: String = flat.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// Pads or cuts to exactly `width` characters.
pub fn cell(text: &str, width: usize) -> String {
    let line = one_line(text, width);
    format!("{line:<width$}")
}
