"""What the service keeps in var/ stays private (settings.py creates var/
itself with mode 0700):

- the SQLite database holds password hashes and session keys: its file, and
  the -wal and -shm files beside it, are readable by their owner alone.
  Checked on every new connection, so it holds however the file came to be
  (migrate, serve, demo, an older version): SQLite creates the file with the
  process's umask (0644, usually) when it first connects, and the journal
  files with the database file's mode. A stat per file when nothing is to do.
- the generated secret key (0600) is written whole or not at all.

Standard library only: settings.py imports it.
"""

import fcntl
import ipaddress
import logging
import os
import secrets
import stat
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)

COMPANIONS = ("", "-wal", "-shm")
# Host names that reach only this machine, besides loopback addresses.
LOCAL_HOSTS = {"localhost", "testserver"}


def sqlite_files_private(sender, connection, **kwargs) -> None:
    """A `connection_created` receiver: the connection's SQLite files 0600."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return
    database = str(connection.settings_dict["NAME"])
    for path in (database + suffix for suffix in COMPANIONS):
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
            if mode & 0o077:
                os.chmod(path, mode & 0o700)
        except FileNotFoundError:
            continue
        except PermissionError:
            # Another user's file: serving goes on; its owner must fix it.
            logger.warning("%s is readable by others; make it 0600", path)


def is_local_host(host: str) -> bool:
    """Whether an ALLOWED_HOSTS entry reaches this machine alone."""
    if host in LOCAL_HOSTS or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def generated_secret_key(path: Path) -> str:
    """The key in `path`, made first when it is missing or empty (an older
    version's start cut short left it empty). Written whole to a file of its
    own beside it, then renamed into place, so a crash never leaves an empty
    key; processes starting at once take turns, and agree on one key."""
    if path.exists() and (key := path.read_text().strip()):
        return key
    lock = os.open(path.with_name(".secret_key.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists() and (key := path.read_text().strip()):
            return key  # made by the process that held the lock before
        key = secrets.token_urlsafe(50)
        fd, written = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as file:
                file.write(key)
                file.flush()
                os.fsync(file.fileno())
            os.replace(written, path)
        except BaseException:
            os.unlink(written)
            raise
        return key
    finally:
        os.close(lock)
