"""The Word appendix as PDF, converted by LibreOffice (``soffice``) when it is installed.

LibreOffice runs headless in a temporary folder with a profile of its own
(``-env:UserInstallation``), so it neither reads nor changes the user's LibreOffice settings and
does not collide with a LibreOffice the user has open. The three things LibreOffice stamps on each
run (creation time, file identifier, checksum) are replaced by values of the same length drawn
from the catalogue's date and the document (:func:`stamped`), so the same catalogue gives the same
PDF bytes, as it gives the same .docx.
"""

from __future__ import annotations

import hashlib
import os
import re
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


def docx_to_pdf(docx: bytes, date: str = "") -> bytes:
    """PDF bytes of a .docx, by LibreOffice, stamped with ``date`` (YYYY-MM-DD, the catalogue's;
    :func:`stamped`); a RenderError says why when it cannot convert."""
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
                              text=True, errors="replace", env={**os.environ, "TZ": "UTC"}) as proc:  # its stamps carry no local offset
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
        return stamped(pdf.read_bytes(), docx, date)


def stamped(pdf: bytes, docx: bytes, date: str) -> bytes:
    """``pdf`` with LibreOffice's run-dependent fields made reproducible, each the same length (so
    the cross-reference offsets stay right): the creation time becomes ``date`` at midnight, the
    file identifier a digest of the .docx, and the checksum a digest of the PDF without it."""
    day = re.sub(r"\D", "", date)[:8].ljust(8, "0") if date else "20000101"
    pdf = re.sub(rb"/CreationDate\(D:\d{14}", b"/CreationDate(D:" + day.encode() + b"000000", pdf)
    digest = hashlib.md5(docx, usedforsecurity=False).hexdigest().upper().encode()
    pdf = re.sub(rb"/ID \[ <[0-9A-F]{32}>\s<[0-9A-F]{32}> \]", lambda m: re.sub(rb"<[0-9A-F]{32}>", b"<" + digest + b">", m.group(0)), pdf)
    blank = re.sub(rb"(/DocChecksum /)[0-9A-F]{32}", rb"\g<1>" + b"0" * 32, pdf)
    return re.sub(rb"(/DocChecksum /)[0-9A-F]{32}", rb"\g<1>" + hashlib.md5(blank, usedforsecurity=False).hexdigest().upper().encode(), pdf)
