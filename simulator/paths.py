"""Where the user's files live: $CONSULTSIM_HOME, or the platform's user data folder.

A module of its own so that finding the folder imports nothing else (the scenario picker's start-up path).
Everything consultsim creates there is private to the user: folders 0700, files 0600 (store.write_private_text).
"""

from __future__ import annotations

import os
from pathlib import Path

from simulator.errors import ConsultsimError


class DataFolderError(ConsultsimError):
    """The data folder cannot be created or written; says where it is and how to choose another."""


def home() -> Path:
    """$CONSULTSIM_HOME, or the platform's user data folder."""
    override = os.environ.get("CONSULTSIM_HOME")
    if override:
        return Path(override).expanduser()
    import platformdirs  # only when needed: it imports `platform`, slow to load

    return platformdirs.user_data_path("consultsim", appauthor=False)


def make_private_dir(folder: Path) -> Path:
    """Create `folder` (and any missing parents) as 0700; an existing folder is left as it is.

    Path.mkdir(parents=True, mode=0o700) gives the parents the umask's mode (usually 0755): a data
    folder made that way is world-readable, so each missing level is made here.
    """
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for level in reversed(missing):
        try:
            level.mkdir(mode=0o700)
        except FileExistsError:
            pass
        os.chmod(level, 0o700)  # mkdir's mode is masked by the umask; the wanted mode is not
    return folder


def course_rubrics_dir() -> Path:
    """Where a course keeps its own rubrics (a local OSCE checklist, say): the data folder's `rubrics`."""
    return home() / "rubrics"


def data_dir(*parts: str) -> Path:
    """A folder under the data folder, private and writable, or a DataFolderError saying what to do."""
    root = home()
    folder = root.joinpath(*parts)
    try:
        make_private_dir(folder)
        if parts and folder.stat().st_mode & 0o077:  # our own subfolder, made public by an older version
            os.chmod(folder, 0o700)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError(13, "Permission denied")
    except OSError as error:
        reason = error.strerror or str(error)
        raise DataFolderError(
            f"the data folder {root} cannot be written ({reason} at {folder}); "
            "choose another with the CONSULTSIM_HOME environment variable, e.g. CONSULTSIM_HOME=~/consultsim-data"
        ) from None
    return folder


def child_path(folder: Path, name: str) -> Path:
    """folder/name, refusing a name that would lead out of the folder (a name read from a file may hold '../')."""
    path = folder / name
    if name in {"", ".", ".."} or "/" in name or "\\" in name or "\0" in name or path.resolve().parent != folder.resolve():
        raise ConsultsimError(f"'{name}' cannot be used as a file name in {folder}")
    return path


def path_kind(path: Path) -> str | None:
    """'folder', 'file' or None (nothing there), for a path the user typed; a name the file system
    cannot hold (too long, a NUL byte) is a ConsultsimError that says so, not an OSError."""
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    except ValueError:  # an embedded NUL byte
        raise ConsultsimError(f"{shorten(str(path))}: not a usable file name") from None
    except OSError as error:
        raise ConsultsimError(f"{shorten(str(path))}: {(error.strerror or 'cannot be used').lower()}") from None
    import stat

    return "folder" if stat.S_ISDIR(mode) else "file"


def shorten(name: str, limit: int = 80) -> str:
    """A name fit for one line of a message."""
    return name if len(name) <= limit else name[: limit // 2] + "…" + name[-(limit // 2 - 10) :]
