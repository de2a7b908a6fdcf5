//! Reading input files with a ceiling, so a path that names a device or a
//! runaway file (`/dev/zero`, a log written into forever) is an error the
//! caller sees instead of a process that reads until the machine runs out
//! of memory.

use std::io::Read;
use std::path::Path;

/// The largest table file [`read_table_file`] reads. The biggest unit the
/// benchmarks build (1,000 contracts, 20,000 rules) compiles to a few MiB,
/// so this leaves nearly two orders of magnitude of headroom.
pub const MAX_TABLE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads the whole file at `path`, or fails with `InvalidData` when it holds
/// more than `max` bytes. `what` names the file's kind in that error
/// ("a table file"). Never reads more than `max + 1` bytes.
pub fn read_bounded(path: &Path, max: u64, what: &str) -> std::io::Result<Vec<u8>> {
    let mut file = std::fs::File::open(path)?;
    let limit = usize::try_from(max.saturating_add(1)).unwrap_or(usize::MAX);
    // The size, when the file has one, sizes the buffer exactly; a device or
    // a pipe reports 0 and the buffer doubles as it fills, but never past
    // `limit`, so the peak stays near `max` rather than twice it.
    let hint = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(usize::try_from(hint).unwrap_or(0).min(limit));
    while bytes.len() < limit {
        let spare = bytes.capacity() - bytes.len();
        if spare == 0 {
            let grow = bytes.len().max(8 * 1024).min(limit - bytes.len());
            bytes.reserve_exact(grow);
            continue;
        }
        // `take` stops this read at the buffer's end, so `read_to_end`
        // never grows the buffer on its own.
        let read = (&mut file).take(spare as u64).read_to_end(&mut bytes)?;
        if read < spare {
            break;
        }
    }
    if bytes.len() as u64 > max {
        return Err(too_long(max, what));
    }
    Ok(bytes)
}

/// The bytes of a table file, at most [`MAX_TABLE_BYTES`] of them.
pub fn read_table_file(path: &Path) -> std::io::Result<Vec<u8>> {
    read_bounded(path, MAX_TABLE_BYTES, "a table file")
}

/// The error for input past its ceiling, worded for the person who gave it.
pub fn too_long(max: u64, what: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!(
            "it is longer than {} MiB, the most {what} may be",
            max / (1024 * 1024)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_within_the_limit_is_read_whole() {
        let dir = std::env::temp_dir().join(format!("crmc-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("small");
        std::fs::write(&path, b"0123456789").unwrap();
        assert_eq!(read_bounded(&path, 10, "x").unwrap(), b"0123456789");
        let err = read_bounded(&path, 9, "a test file").unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
        assert!(
            err.to_string().contains("the most a test file may be"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn an_endless_device_stops_at_the_limit() {
        let err = read_bounded(Path::new("/dev/zero"), 1 << 20, "a table file").unwrap_err();
        assert!(err.to_string().contains("longer than 1 MiB"), "{err}");
    }
}
