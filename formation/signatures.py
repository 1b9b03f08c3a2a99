"""Drawn signatures are images sent by the browser, so untrusted: only a clean PNG the size of a signature pad
is stored, and the PDF documents that draw them load nothing but data: URLs and the project's static files."""

import base64
import binascii
import io
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from PIL import Image

from formation.models.attendance import MAX_SIGNATURE_LENGTH

PREFIX = "data:image/png;base64,"
# The pad (static/js/signature.js) is as wide as the page's container (at most 1296 CSS pixels) and 110 CSS
# pixels high, times the screen's pixel ratio: 3 on phones and high-density screens, more when zoomed in.
MAX_WIDTH, MAX_HEIGHT = 4000, 1000


class UnreadableSignature(ValueError):
    """The payload is not a PNG drawing of a signature pad's size."""


def clean_signature(data_url: str) -> str:
    """The drawing re-encoded as a fresh PNG data URL, so that only its pixels are kept (no other format, no
    extra chunks, no text that is not base64); raises UnreadableSignature for anything else."""
    if not data_url.startswith(PREFIX) or len(data_url) > MAX_SIGNATURE_LENGTH:
        raise UnreadableSignature("not a PNG data URL of a signature's length")
    try:
        png = base64.b64decode(data_url.removeprefix(PREFIX), validate=True)
    except binascii.Error as error:
        raise UnreadableSignature("not base64") from error
    cleaned = PREFIX + base64.b64encode(_reencoded(png)).decode("ascii")
    if len(cleaned) > MAX_SIGNATURE_LENGTH:
        raise UnreadableSignature("too long once re-encoded")
    return cleaned


def _reencoded(png: bytes) -> bytes:
    """Grey levels and transparency (the pad draws in one dark ink), read only after the size in the header
    is checked: a small file can announce an image of billions of pixels."""
    try:
        with Image.open(io.BytesIO(png), formats=["PNG"]) as image:
            if image.width > MAX_WIDTH or image.height > MAX_HEIGHT:
                raise UnreadableSignature(f"{image.width}×{image.height} pixels is larger than a signature pad")
            drawing = image.convert("LA")
    except UnreadableSignature:
        raise
    except Exception as error:  # Pillow reports a malformed file with many exception types
        raise UnreadableSignature("not a readable PNG") from error
    output = io.BytesIO()
    drawing.save(output, format="PNG", optimize=True)
    return output.getvalue()


def pdf_url_fetcher():
    """WeasyPrint's URL fetcher, refusing every URL but data: URLs and the static files: the documents draw
    images sent by users, and WeasyPrint would otherwise fetch any address they name (an SVG's <image href>)
    from the server. Built on demand: importing WeasyPrint loads Pango, which only PDF requests should pay."""
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not may_load_in_pdf(url):
                raise ValueError(f"Not loaded in a PDF document: {url[:100]}")
            return super().fetch(url, headers)

    return LocalFetcher()


def may_load_in_pdf(url: str) -> bool:
    """A data: URL, or a file under one of the static directories (after resolving '..' and links)."""
    parts = urlsplit(url)
    if parts.scheme.lower() == "data":
        return True
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return False
    path = Path(url2pathname(parts.path)).resolve()
    return any(path.is_relative_to(directory) for directory in _static_directories())


def _static_directories() -> list[Path]:
    listed = [entry[1] if isinstance(entry, tuple | list) else entry for entry in settings.STATICFILES_DIRS]
    return [Path(directory).resolve() for directory in [*listed, settings.STATIC_ROOT] if directory]
