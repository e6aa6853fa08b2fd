"""A kit's password, read from a file or standard input, or typed twice at a terminal: never from the
command line, where the computer's other users can read it while the command runs."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

PASSWORD_FILE_BYTES = 4096


def password_unless(problem: str | None, source: str | None, content: Path) -> tuple[str | None, str | None]:
    """(the password, None) when `source` names one and the other options are right (`problem` is
    None), else (None, the problem): a command with a wrong option never asks for a password."""
    if problem is not None or source is None:
        return None, problem
    return read_password(source, content)


def read_password(source: str, content: Path) -> tuple[str | None, str | None]:
    """(the password, None), or (None, why not): the first line of a file (never one in the content
    folder, which others read and version control keeps), of standard input, or typed twice at a
    terminal prompt; never echoed, never repeated in a message."""
    if source != "-" and Path(os.path.realpath(source)).is_relative_to(os.path.realpath(content)):
        return None, ("--password-file: the file is inside the content folder, which others read and version "
                      "control may keep; keep passwords elsewhere")
    if source == "-" and sys.stdin.isatty():
        first = getpass.getpass("Password for the kit: ")
        if getpass.getpass("The same password again: ") != first:
            return None, "--password-file: the two passwords differ; nothing was written"
        text = first
    else:
        try:
            if source == "-":
                data = sys.stdin.buffer.read(PASSWORD_FILE_BYTES + 1)
            else:
                with open(source, "rb") as file:
                    data = file.read(PASSWORD_FILE_BYTES + 1)
        except OSError as exc:
            return None, f"--password-file: cannot read {source}: {exc.strerror}"
        if len(data) > PASSWORD_FILE_BYTES:
            return None, "--password-file: more than a password; its first line is the password, nothing else"
        try:
            text = data.decode("utf-8").split("\n", 1)[0].removesuffix("\r")
        except UnicodeDecodeError:
            return None, "--password-file: not UTF-8 text; save the file as UTF-8"
    from brochures.pdf.encrypt import password_problem

    why = password_problem(text)
    return (None, f"--password-file: {why}") if why else (text, None)
