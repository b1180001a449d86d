"""The Word appendix as PDF, converted by LibreOffice (``soffice``) when it is installed.

LibreOffice runs headless in a temporary folder with a profile of its own
(``-env:UserInstallation``), so it neither reads nor changes the user's LibreOffice settings and
does not collide with a LibreOffice the user has open. The PDF is as LibreOffice makes it: it
carries LibreOffice's creation time, so unlike the .docx it is not byte-identical between runs.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from jwtool.labels import Message
from jwtool.render.environment import RenderError

TIMEOUT = 300  # seconds: a first start of LibreOffice with a fresh profile takes a few seconds
MISSING = "error.pdf.missing"


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes) -> bytes:
    """PDF bytes of a .docx, by LibreOffice; a RenderError says why when it cannot convert."""
    program = soffice()
    if program is None:
        raise RenderError(Message(MISSING))
    with tempfile.TemporaryDirectory(prefix="jwtool-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "bijlage.docx"
        source.write_bytes(docx)
        command = [program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(folder), str(source)]
        with subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, errors="replace") as proc:
            try:
                _, errors = proc.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                raise RenderError(Message("error.pdf.timeout", seconds=TIMEOUT)) from None
        pdf = folder / "bijlage.pdf"
        if proc.returncode != 0 or not pdf.is_file():
            detail = " ".join(errors.split())[-300:] or f"exit status {proc.returncode}"
            raise RenderError(Message("error.pdf.failed", detail=detail))
        return pdf.read_bytes()
