//! Files: saving so that a crash never leaves half a file (a temporary file from `tempfile`
//! in the same folder, written, synced, then renamed over the target), never through a link
//! or over a device, pipe or folder, `-` as standard output for what the CLI prints; secrets
//! saved owner-only and read from a file or standard input (never from the command line);
//! reading any file with a size limit (models, cards, records, bundles).

use std::io::Write;
use std::path::Path;

fn refused(why: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::PermissionDenied, why)
}

/// Whether [`write_atomically`] would accept `path`; checked before the work whose result
/// goes there. Its folder must exist; an existing target must be a regular file: a
/// symbolic link is refused (replacing it would leave the linked file untouched), and a
/// device, pipe or folder is never replaced by a file.
pub fn check_output_target(path: &Path) -> std::io::Result<()> {
    if path.file_name().is_none() {
        return Err(refused(format!("{} names no file", path.display())));
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(refused(format!("the folder {} does not exist; create it first", dir.display())));
    }
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
        Ok(m) if m.file_type().is_symlink() => {
            Err(refused(format!("{} is a symbolic link; give the path of the file itself", path.display())))
        }
        Ok(m) if !m.file_type().is_file() => Err(refused(format!(
            "{} exists and is not a regular file (a device, a pipe or a folder); choose a file",
            path.display()
        ))),
        Ok(_) => Ok(()),
    }
}

/// Write `bytes` to `path` atomically: the file holds either its old or its new contents,
/// never part of either. Refused, before anything is written, where
/// [`check_output_target`] refuses.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_with_mode(path, bytes, false)
}

/// What the CLI writes where the user said: standard output for `-`, else
/// [`write_atomically`].
pub fn write_output(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        return out.flush();
    }
    write_atomically(path, bytes)
}

fn write_with_mode(path: &Path, bytes: &[u8], secret: bool) -> std::io::Result<()> {
    check_output_target(path)?;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".zkdx-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // owner-only for secrets; otherwise what any new file gets (0666 less the umask)
        builder.permissions(std::fs::Permissions::from_mode(if secret { 0o600 } else { 0o666 }));
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Write a secret (a salt) to `path` atomically, readable by its owner only (mode 0600 on
/// Unix). Refused, before anything is written, when `path` exists as anything but a
/// regular file (a link, a device, a pipe) or with rights for others than its owner: a
/// secret never goes through a link or into a file others can read.
pub fn write_secret(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    check_secret_target(path)?;
    write_with_mode(path, bytes, true)
}

/// Whether [`write_secret`] would accept `path` (checked before work that ends in writing it).
pub fn check_secret_target(path: &Path) -> std::io::Result<()> {
    let refuse = |why: &str| Err(std::io::Error::new(std::io::ErrorKind::PermissionDenied, why.to_string()));
    if path.as_os_str() == "-" {
        return refuse("a secret is never printed; give a file for it");
    }
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
        Ok(m) if !m.file_type().is_file() => {
            refuse("it exists and is not a regular file (a link, a device or a pipe); choose a new file for the secret")
        }
        Ok(m) if broader_than_owner(&m) => {
            refuse("it exists and others may read it; remove it or restrict it to its owner (chmod 600) first")
        }
        Ok(_) => Ok(()),
    }
}

#[cfg(unix)]
fn broader_than_owner(m: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    m.permissions().mode() & 0o077 != 0
}

#[cfg(not(unix))]
fn broader_than_owner(_: &std::fs::Metadata) -> bool {
    false
}

/// Read a secret of at most `limit` bytes from `path`, or from standard input for `-`.
pub fn read_secret(path: &Path, limit: u64) -> Result<String, String> {
    use std::io::Read;
    let mut text = String::new();
    let result = if path.as_os_str() == "-" {
        std::io::stdin().take(limit + 1).read_to_string(&mut text)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit + 1).read_to_string(&mut text))
    };
    let name = if path.as_os_str() == "-" { "standard input".to_string() } else { path.display().to_string() };
    result.map_err(|e| format!("cannot read the secret from {name}: {e}"))?;
    if text.len() as u64 > limit {
        return Err(format!("{name} holds more than a secret ({limit} bytes at most)"));
    }
    Ok(text)
}

/// Largest data file read (a test split, training or calibration data).
pub const MAX_DATA_BYTES: u64 = 256 << 20;

/// Why a size-limited read failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The file is larger than the limit (nothing beyond the limit was read).
    #[error("it is {size} bytes, more than the {limit}-byte limit")]
    TooLarge {
        /// Its size (at least `limit + 1` when the file grew while it was read).
        size: u64,
        /// The limit.
        limit: u64,
    },
}

/// Read the file at `path`, refusing one larger than `limit` bytes before reading it, and
/// never reading more than `limit + 1` bytes (a file that grows meanwhile is refused too).
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > limit {
        return Err(ReadError::TooLarge { size, limit });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { size: bytes.len() as u64, limit });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn never_writes_through_a_link_or_over_a_device_a_pipe_or_a_folder() {
        let dir = std::env::temp_dir().join(format!("zkdx-targets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let real = dir.join("real.json");
        std::fs::write(&real, b"kept").unwrap();
        let link = dir.join("link.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(write_atomically(&link, b"new").is_err());
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link is still a link");
        assert_eq!(std::fs::read(&real).unwrap(), b"kept");
        let fifo = dir.join("pipe");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        assert!(write_atomically(&fifo, b"new").is_err());
        assert!(write_atomically(&dir, b"new").is_err(), "a folder");
        assert!(check_output_target(Path::new("/dev/null")).is_err(), "a device");
        let missing = dir.join("no-such-folder").join("a.json");
        let e = check_output_target(&missing).unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
        assert!(check_secret_target(Path::new("-")).is_err(), "a salt is never printed");
        // only the link, the real file and the pipe are there: no temporary left behind
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 3);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_bundle_gets_the_usual_rights_and_a_secret_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("zkdx-modes-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (bundle, salt) = (dir.join("b.json"), dir.join("b.salt"));
        write_atomically(&bundle, b"{}").unwrap();
        write_secret(&salt, b"00").unwrap();
        let plain = dir.join("plain.json");
        std::fs::write(&plain, b"{}").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&salt), 0o600);
        assert_eq!(mode(&bundle), mode(&plain), "a bundle gets what any new file gets (not tempfile's 0600)");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("zkdx-io-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.json");
        write_atomically(&p, b"one").unwrap();
        write_atomically(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn secrets_are_owner_only_and_never_go_where_others_read() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("zkdx-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.salt");
        write_secret(&p, b"one").unwrap();
        assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        write_secret(&p, b"two").unwrap();
        assert_eq!(read_secret(&p, 16).unwrap(), "two");
        // an existing file others may read is refused and left as it was
        let open = dir.join("open.salt");
        std::fs::write(&open, b"old").unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(write_secret(&open, b"new").is_err());
        assert_eq!(std::fs::read(&open).unwrap(), b"old");
        // a link (even to an owner-only file) and a device are refused
        let link = dir.join("link.salt");
        std::os::unix::fs::symlink(&p, &link).unwrap();
        assert!(write_secret(&link, b"new").is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert!(check_secret_target(Path::new("/dev/null")).is_err());
        assert!(read_secret(&p, 2).is_err(), "longer than the limit");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn reads_refuse_files_over_their_limit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"12345").unwrap();
        assert_eq!(read_limited(&p, 5).unwrap(), b"12345");
        assert!(matches!(read_limited(&p, 4), Err(ReadError::TooLarge { size: 5, limit: 4 })));
        assert!(matches!(read_limited(&dir.path().join("missing"), 4), Err(ReadError::Io(_))));
    }
}
