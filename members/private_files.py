"""Files that are nobody's business but their owner's and the board's (meter photos, copies of documents):
stored under a random name in a folder outside MEDIA_ROOT, so no public URL reaches them; only a view
that checks who asks hands them out."""

import re
import uuid
from pathlib import Path

STORED_NAME = re.compile(r"[0-9a-f]{32}\.[a-z0-9]{2,5}", re.ASCII)


def store_private(folder: Path, data: bytes, ext: str) -> str:
    """Writes `data` under a new random name in `folder` and returns the name (never overwrites)."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.{ext}"
    with (folder / name).open("xb") as file:
        file.write(data)
    return name


def private_path(folder: Path, name: str, pattern: re.Pattern = STORED_NAME) -> Path | None:
    """The stored file of `name`, if the name is one of ours (no path, no other folder) and the file is there."""
    if not name or not pattern.fullmatch(name):
        return None
    path = folder / name
    return path if path.is_file() else None


def delete_private(folder: Path, name: str, pattern: re.Pattern = STORED_NAME) -> None:
    path = private_path(folder, name, pattern)
    if path is not None:
        path.unlink(missing_ok=True)
