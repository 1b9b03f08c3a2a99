"""What several formation test files share to check documents and signatures."""

import base64
import io

from PIL import Image
from pypdf import PdfReader


def drawn_png() -> str:
    """A signature as the pad sends it, in the form the service stores it (grey and transparency, optimised)."""
    buffer = io.BytesIO()
    Image.new("LA", (300, 100), (0, 0)).save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


PNG = drawn_png()


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
