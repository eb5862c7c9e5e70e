"""Meter photos: JPEG, PNG or WebP by their content (never the name), at most 10 MB, no
decompression bombs; re-encoded before storing, which drops EXIF (GPS, the phone's model) and any
other metadata. Stored in READING_PHOTO_DIR, outside MEDIA_ROOT: only `views.reading_photo` hands
them out, to the plot's confirmed members and the treasurer."""

import io
import re
import warnings
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

from members.private_files import delete_private, private_path, store_private

MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 2560  # a meter's figures stay legible; a 50-megapixel original is not kept
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
CONTENT_TYPES = dict(FORMATS.values())
NAME = re.compile(r"[0-9a-f]{32}\.(jpg|png|webp)", re.ASCII)

NOT_AN_IMAGE = "Файл не похож на фотографию: можно JPEG, PNG или WebP."
TOO_BIG = "Фото больше 10 МБ: уменьшите его или сфотографируйте заново."
BOMB = "У фото слишком большое разрешение; пришлите снимок поменьше."


class PhotoRefused(ValueError):
    """The Russian reason is the message."""


def max_pixels() -> int:
    return getattr(settings, "READING_PHOTO_MAX_PIXELS", None) or settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS


def photo_dir() -> Path:
    return Path(settings.READING_PHOTO_DIR)


def clean_photo(upload: UploadedFile) -> tuple[bytes, str]:
    """The re-encoded image and its extension, or PhotoRefused."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise PhotoRefused(TOO_BIG)
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoRefused(TOO_BIG)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                if kind not in FORMATS:
                    raise PhotoRefused(NOT_AN_IMAGE)
                width, height = probe.size
                if width * height > max_pixels():
                    raise PhotoRefused(BOMB)
                probe.verify()
            with Image.open(io.BytesIO(data)) as opened:
                opened.load()
                image = ImageOps.exif_transpose(opened)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused(BOMB) from None
    except PhotoRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError):
        raise PhotoRefused(NOT_AN_IMAGE) from None
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    return _encode(image, kind), FORMATS[kind][0]


def _encode(image: Image.Image, kind: str) -> bytes:
    """Saved without `exif=` or `pnginfo=`: Pillow writes no metadata it is not given."""
    out = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    elif kind == "PNG":
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    else:
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA")
        image.save(out, "WEBP", quality=85)
    return out.getvalue()


def store_photo(data: bytes, ext: str) -> str:
    """Writes the photo under a random name and returns the name."""
    return store_private(photo_dir(), data, ext)


def photo_path(name: str) -> Path | None:
    """The stored file of `name`, if the name is one of ours and the file is there."""
    return private_path(photo_dir(), name, NAME)


def delete_photo(name: str) -> None:
    delete_private(photo_dir(), name, NAME)
