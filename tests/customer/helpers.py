"""Small builders for customer portal tests."""

from __future__ import annotations

import io

from PIL import Image


def png_bytes(size=(8, 8), color=(200, 30, 30)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, color).save(output, format="PNG")
    return output.getvalue()


def file_tuple(data: bytes, name: str):
    return (io.BytesIO(data), name)


def new_case_data(**overrides) -> dict:
    data = {
        "subject": "Printer driver crashes",
        "description": "The driver crashes when I print **invoices**.",
        "category": "technical",
        "priority": "normal",
        "product": "",
    }
    data.update(overrides)
    return data
