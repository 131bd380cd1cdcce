//! A log sink for tests that check what is, and is not, logged: give
//! `move || buffer.clone()` to `tracing_subscriber::fmt().with_writer(..)`, then
//! read [`LogBuffer::text`].

use std::io;
use std::sync::{Arc, Mutex, PoisonError};

/// An in-memory writer shared by its clones: whatever any clone writes, every
/// clone reads.
#[derive(Debug, Clone, Default)]
pub struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl LogBuffer {
    /// Everything written so far, as text; an error if it is not UTF-8.
    pub fn text(&self) -> Result<String, std::string::FromUtf8Error> {
        let bytes = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        String::from_utf8(bytes)
    }
}

impl io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    #[test]
    fn clones_share_one_buffer() {
        let buffer = LogBuffer::default();
        let mut writer = buffer.clone();
        writer.write_all(b"WARN one\n").ok();
        buffer.clone().write_all(b"INFO two\n").ok();
        assert_eq!(buffer.text().ok().as_deref(), Some("WARN one\nINFO two\n"));
        buffer.clone().write_all(b"\xff").ok();
        assert!(buffer.text().is_err());
    }
}
