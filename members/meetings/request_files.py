"""The files of the board's answer to a document request (217-ФЗ ст. 11): PDF, JPEG, PNG, DOCX or XLSX told
by their content (never the name or the browser's type), at most 20 MB each. Stored privately
(members.private_files): only `request_views.answer_file` hands them out, to the member who asked and the board."""

import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

from members.private_files import delete_private, private_path, store_private
from members.readings.photos import max_pixels

MAX_BYTES = 20 * 1024 * 1024
MAX_FILES = 10
MAX_UNPACKED = 200 * 1024 * 1024  # a DOCX/XLSX is a ZIP: no «zip bomb» unpacking to gigabytes
MAX_ZIP_ENTRIES = 5000
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
OFFICE_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx"}
NAME = re.compile(r"[0-9a-f]{32}\.(pdf|jpg|png|docx|xlsx)", re.ASCII)
TITLE_MAX = 120

NOT_ALLOWED = "Файл «{name}» не похож на PDF, JPEG, PNG, DOCX или XLSX."
TOO_BIG = "Файл «{name}» больше 20 МБ: уменьшите его или разделите на части."
EMPTY = "Файл «{name}» пустой."
TOO_MANY = f"Можно приложить не больше {MAX_FILES} файлов."


class FileRefused(ValueError):
    """The Russian reason is the message."""


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    ext: str
    title: str


def answer_dir() -> Path:
    return Path(settings.DOCUMENT_REQUEST_DIR)


def check_answer_file(upload: UploadedFile) -> CheckedFile:
    """The file's bytes, its real kind and a safe title to offer on download, or FileRefused."""
    shown = safe_title(upload.name or "файл", "")
    if upload.size is not None and upload.size > MAX_BYTES:
        raise FileRefused(TOO_BIG.format(name=shown))
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FileRefused(TOO_BIG.format(name=shown))
    if not data:
        raise FileRefused(EMPTY.format(name=shown))
    ext = _kind(data)
    if ext is None:
        raise FileRefused(NOT_ALLOWED.format(name=shown))
    return CheckedFile(data, ext, safe_title(upload.name or "", ext))


def _kind(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return _image_kind(data)


def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNPACKED:
                return None
            names = {entry.filename for entry in entries}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names or any(name.lower().endswith("vbaproject.bin") for name in names):
        return None  # not an Office Open XML document, or one with macros (a .docm renamed)
    kinds = {kind for part, kind in OFFICE_PARTS.items() if part in names}
    return kinds.pop() if len(kinds) == 1 else None


def _image_kind(data: bytes) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                width, height = probe.size
                if kind not in ("JPEG", "PNG") or width * height > max_pixels():
                    return None
                probe.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError):
        return None
    return "jpg" if kind == "JPEG" else "png"


def safe_title(name: str, ext: str) -> str:
    """The uploaded name without folders, control or format characters, shortened, with the real extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = "".join(char for char in stem if unicodedata.category(char)[0] not in "CZ" or char == " ")
    stem = " ".join(stem.split()).strip(" .")[:TITLE_MAX] or "документ"
    return f"{stem}.{ext}" if ext else stem


def store_answer_file(checked: CheckedFile) -> str:
    return store_private(answer_dir(), checked.data, checked.ext)


def answer_file_path(name: str) -> Path | None:
    return private_path(answer_dir(), name, NAME)


def delete_answer_file(name: str) -> None:
    delete_private(answer_dir(), name, NAME)
