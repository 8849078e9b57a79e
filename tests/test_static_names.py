"""A static file's URL names a file of the static folder and nothing else: the caching code
never reads a file outside it, and a name with a NUL byte is a 404, never a 500.

Found by the route fuzz test (tests/test_fuzz.py): `OPTIONS /static/<name>` (which Flask
answers without serving the file) ran the caching code on the raw name from the URL, so a NUL
byte gave a 500, and `..` made it read and hash any file the process could read (a device such
as /dev/zero would never end).
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def reads(app, monkeypatch) -> list[str]:
    """The files outside the static folder read while the test runs (the page of a 404 links
    the style sheets, whose versions are read from the static folder)."""
    static = Path(app.static_folder).resolve()
    read: list[str] = []
    original = Path.read_bytes

    def spy(self):
        if not self.resolve().is_relative_to(static):
            read.append(str(self))
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    return read


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
@pytest.mark.parametrize(
    "name",
    [
        "../../../../../../etc/hostname",
        "..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fhostname",
        "css/../../portal/__init__.py",
        "css",
        "css/a%00b.css",
    ],
)
def test_no_name_reads_a_file_outside_the_static_folder(client, reads, method, name):
    response = client.open(f"/static/{name}", method=method)
    assert response.status_code in (200, 404)
    if method != "OPTIONS":
        assert response.status_code == 404
    assert "immutable" not in response.headers.get("Cache-Control", "")
    assert reads == []


def test_a_real_file_keeps_its_year_of_caching(client):
    page = client.get("/login").get_data(as_text=True)
    link = next(part for part in page.split('"') if part.startswith("/static/css/"))
    response = client.get(link.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.open(link, method="OPTIONS").status_code == 200
