"""Lock a finished PDF with a password before it is mailed: AES-256 (PDF 2.0's revision 6).

Encryption comes last, on a document that has been through the whole finishing path (structure
repair, tags), since nothing after it can read the content without the password. The reader
keeps what a patient needs: printing, filling in the questions page, copying text, and the
accessibility permission (bit 10), without which PDF/UA-1 does not allow encryption and some
screen readers refuse to read. Changing the document itself needs the owner password, a random
one nobody knows: the patient's own password opens and fills, the clinic has no master key.
"""

from __future__ import annotations

import os
import secrets
from io import BytesIO

import pikepdf
from pikepdf import Array, String

# 127 bytes: what revision 6 uses of a password (longer ones are cut there without a word).
MAX_PASSWORD_BYTES = 127
PERMISSIONS = pikepdf.Permissions(
    accessibility=True,  # bit 10: assistive technology may extract the content
    extract=True,
    modify_annotation=True,
    modify_form=True,  # bit 9: fill in form fields
    print_lowres=True,
    print_highres=True,
    modify_assembly=False,
    modify_other=False,
)


def password_problem(password: str) -> str | None:
    """Why this password cannot lock a kit (never repeating it), or None."""
    if not password:
        return "the password is empty"
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        return f"the password is longer than {MAX_PASSWORD_BYTES} bytes, which PDF readers would cut"
    if any(ord(c) < 32 for c in password):
        return "the password holds a control character (a tab or a line break inside it?)"
    return None


def encrypt(data: bytes, password: str) -> bytes:
    """`data` locked with `password` (`password_problem` is None for it).

    The file identifier is made new and random: the unencrypted one is a hash of the page, which
    holds the patient's details, and would let someone who guesses them confirm the guess.
    """
    with pikepdf.open(BytesIO(data)) as pdf:
        pdf.trailer.ID = Array([String(os.urandom(16)), String(os.urandom(16))])
        out = BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner=secrets.token_urlsafe(32), user=password, R=6,
                                                     allow=PERMISSIONS, aes=True, metadata=True))
    return out.getvalue()
