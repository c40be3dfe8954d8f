//! A progress line on stderr for long downloads, shown only when stderr is a terminal, so that
//! scripts and logs never see it.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How often the line is redrawn.
const EVERY: Duration = Duration::from_millis(100);

/// Passes bytes to `inner` and reports how many have arrived on `report`.
pub struct Progress<W: Write, R: Write> {
    inner: W,
    report: Option<R>,
    bytes: u64,
    last: Option<Instant>,
}

impl Progress<std::io::Stdout, std::io::Stderr> {
    /// The downloaded file to stdout; progress on stderr when it is a terminal.
    pub fn to_stdout() -> Self {
        let stderr = std::io::stderr();
        let report = stderr.is_terminal().then_some(stderr);
        Progress::new(std::io::stdout(), report)
    }
}

impl<W: Write, R: Write> Progress<W, R> {
    /// Reports on `report` when it is `Some`.
    pub fn new(inner: W, report: Option<R>) -> Self {
        Progress {
            inner,
            report,
            bytes: 0,
            last: None,
        }
    }

    /// Ends the progress line with the total.
    pub fn finish(mut self) {
        self.draw();
        if let Some(report) = &mut self.report {
            let _ = writeln!(report);
        }
    }

    fn draw(&mut self) {
        let bytes = self.bytes;
        if let Some(report) = &mut self.report {
            // Progress is a courtesy: a failed write to the terminal must not fail the download.
            let _ = write!(report, "\r{} received", human(bytes));
            let _ = report.flush();
        }
    }
}

impl<W: Write, R: Write> Write for Progress<W, R> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(bytes)?;
        self.bytes += written as u64;
        if self.last.is_none_or(|last| last.elapsed() >= EVERY) {
            self.last = Some(Instant::now());
            self.draw();
        }
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn human(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if bytes < 1024 * 1024 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", bytes as f64 / MIB)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_bytes_when_asked_and_passes_everything_through() {
        let mut report = Vec::new();
        let mut file = Vec::new();
        {
            let mut progress = Progress::new(&mut file, Some(&mut report));
            progress.write_all(&[7u8; 3000]).expect("write");
            progress.finish();
        }
        assert_eq!(file.len(), 3000);
        let shown = String::from_utf8(report).expect("UTF-8");
        assert!(shown.contains("\r2.9 KiB received"), "{shown:?}");
        assert!(shown.ends_with('\n'));
    }

    #[test]
    fn is_silent_without_a_terminal() {
        let mut file = Vec::new();
        let mut progress: Progress<_, Vec<u8>> = Progress::new(&mut file, None);
        progress.write_all(b"abc").expect("write");
        progress.finish();
        assert_eq!(file, b"abc");
    }
}
