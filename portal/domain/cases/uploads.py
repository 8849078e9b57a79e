"""What a case accepts as a file: checked by its bytes (not its name), images re-encoded, archives
bounded; then stored (portal/infra/storage.py) and recorded as the case's attachments.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

import filetype
from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from portal.extensions import db
from portal.i18n import file_size
from portal.infra import storage
from portal.kernel.errors import DomainError
from portal.models import Attachment, Case, CaseEvent, User
from portal.text import display_file_name

# Content types we accept, by what the bytes are (not what the name or browser claims).
IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "zip": "application/zip",
}
TEXT_EXTENSIONS = {"txt": "text/plain", "log": "text/plain", "csv": "text/csv", "md": "text/plain"}
MAX_IMAGE_PIXELS = 40_000_000
MAX_ZIP_ENTRIES = 1000
MAX_ZIP_UNPACKED = 200 * 1024 * 1024


class AttachmentRejected(DomainError):
    """A file was refused; `message` says why, in words for the person who sent it."""

    def __init__(self, name: str, message):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


@dataclass
class Upload:
    """A file as received: its claimed name and its bytes."""

    name: str
    data: bytes


def _reencode_image(data: bytes, kind: str) -> bytes:
    """Decode and re-encode a raster image: drops EXIF (GPS) and anything hidden in it."""
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            output = io.BytesIO()
            fmt = {"jpg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}[kind]
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.save(output, format=fmt)
            return output.getvalue()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise AttachmentRejected("", _l("This image is too large to process.")) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise AttachmentRejected("", _l("This image is damaged and cannot be read.")) from None


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise AttachmentRejected("", _l("This file is damaged and cannot be read.")) from None
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_ZIP_UNPACKED:
        raise AttachmentRejected("", _l("This archive unpacks to too much data."))


def classify(upload: Upload) -> tuple[str, bytes, bool]:
    """(content type, bytes to store, may be shown inline) or AttachmentRejected."""
    name = display_file_name(upload.name)
    limit = current_app.config["MAX_FILE_BYTES"]
    if not upload.data:
        raise AttachmentRejected(name, _l("The file is empty."))
    if len(upload.data) > limit:
        raise AttachmentRejected(
            name, _l("The file is larger than %(size)s.", size=file_size(limit))
        )
    detected = filetype.guess(upload.data)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    try:
        if detected is not None and detected.extension in IMAGE_TYPES:
            data = _reencode_image(upload.data, detected.extension)
            return IMAGE_TYPES[detected.extension], data, True
        if detected is not None and detected.extension in DOCUMENT_TYPES:
            if detected.extension in ("zip", "docx", "xlsx", "pptx", "odt", "ods"):
                _check_zip(upload.data)
            return DOCUMENT_TYPES[detected.extension], upload.data, False
        if detected is None and extension in TEXT_EXTENSIONS and _is_plain_text(upload.data):
            return TEXT_EXTENSIONS[extension], upload.data, False
    except AttachmentRejected as rejected:
        raise AttachmentRejected(name, rejected.message) from None
    raise AttachmentRejected(
        name,
        _l("This kind of file is not accepted. Send images, PDF, office documents, text or zip."),
    )


def _is_plain_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    lowered = text[:2048].lower()
    return "<html" not in lowered and "<script" not in lowered and "<svg" not in lowered


def store_uploads(
    case: Case, uploads: list[Upload], *, by: User | None, event: CaseEvent | None = None
) -> list[Attachment]:
    """Check every file first, then store them all; nothing is stored if one is refused."""
    prepared = [(upload, *classify(upload)) for upload in uploads]
    attachments = []
    for upload, content_type, data, _inline in prepared:
        storage_name = storage.write(data)
        attachment = Attachment(
            case_id=case.id,
            event=event,
            storage_name=storage_name,
            display_name=display_file_name(upload.name),
            content_type=content_type,
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by_id=by.id if by is not None else None,
        )
        db.session.add(attachment)
        attachments.append(attachment)
    return attachments


def is_inline_image(attachment: Attachment) -> bool:
    """Only re-encoded raster images may be shown inline."""
    return attachment.content_type in IMAGE_TYPES.values()
