//! Files: saving so that a crash never leaves half a file (a temporary file in the same
//! folder, written, synced, then renamed over the target), secrets saved owner-only and
//! read from a file or standard input (never from the command line), and reading bundles
//! with a size limit.

use std::io::Write;
use std::path::Path;

/// Write `bytes` to `path` atomically.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_with_mode(path, bytes, false)
}

/// Create the temporary file: new (never an existing one), owner-only when `secret`.
fn create_new(path: &Path, secret: bool) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    options.open(path)
}

fn write_with_mode(path: &Path, bytes: &[u8], secret: bool) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path has no file name"))?
        .to_string_lossy();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    // a temporary left by a process that died with our id; never one of another process
    let _ = std::fs::remove_file(&tmp);
    let result = (|| {
        let mut f = create_new(&tmp, secret)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
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

/// Read a bundle file, refusing one larger than any bundle before reading it.
pub fn read_bundle_file(path: &Path) -> Result<Vec<u8>, String> {
    let len = std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?.len();
    if len > crate::format::MAX_BUNDLE_BYTES as u64 {
        return Err(format!("{} is {len} bytes, larger than any zkDx bundle", path.display()));
    }
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
