"""The PDF's file identifier (/ID), derived from its input so that the same page gives the same
bytes wherever it is built.

Asking WeasyPrint's writer (pydyf) for an identifier makes it serialise every object a second
time, and compress every stream again, only to hash them. The identifier is added to the
trailer it wrote instead: with object streams, the trailer is the dictionary of the last object
(the cross-reference stream), whose position does not change when its dictionary grows, since
nothing but `startxref` follows it.
"""

from __future__ import annotations

TRAILER = b"<</Type /XRef"


def identify(data: bytes, identifier: bytes) -> bytes:
    """`data` with `/ID [<identifier> <identifier>]` in its trailer; `identifier`: hex digits."""
    at = data.rindex(TRAILER)
    if b"/ID " in data[at:data.index(b">>", at)]:
        raise ValueError("the PDF already has an identifier")
    return b"%s<</ID [<%s> <%s>]%s" % (data[:at], identifier, identifier, data[at + 2:])
