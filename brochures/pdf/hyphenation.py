"""Words that hyphenation broke at a line end, read whole by every reader.

With `hyphenation: long-words`, "démangeaisons" may print as "déman-" / "geaisons": two text
runs, each its own marked-content sequence. Readers differ in what they honour (checked with
tests/pdf/test_readers.py):

- PDFium (Chrome) and poppler replace a marked-content sequence's glyphs by its `/ActualText`;
  PDFium reads a line-end hyphen as its own mark (U+FFFE) and joins the lines around it, poppler
  prints a soft hyphen at the line end;
- pdf.js (Firefox) ignores the `/ActualText` of marked content, and gives a screen reader the
  `/ActualText` of structure elements instead (as their label).

So the marked content of the run before the break reads with the whole word and without the
hyphen ("Les démangeaisons"), the run after it without the word's tail ("sont fréquentes"). When
the run after the break holds nothing but the tail (an emphasised word), the whole word goes there
instead; when both runs hold nothing else, the hyphen is read as a soft hyphen (U+00AD), the best
a run can say of a part of a word. In the structure tree, the runs' elements are wrapped in one
`Span` whose `/ActualText` is their text with the word whole: replacing each run by its own share
would drop letters it shows (the tail), which outloud rightly reports.
"""

from __future__ import annotations

import re

from pydyf import Array, Dictionary, String

from brochures.pdf.origins import Origins
from brochures.pdf.structure_tree import StructureTree

# Hyphenation characters that WeasyPrint may append at a line end (CSS hyphenate-character).
HYPHENS = ("-", "\u2010")
TAIL_RE = re.compile(r"[^\W\d_]+")  # the letters that start the next run: the rest of the word


def whole_words(origins: Origins) -> tuple[dict[tuple[int, int], str], list[list[tuple[int, int]]]]:
    """What the text runs around a hyphen that line breaking added read ((page, MCID) → text),
    and the chains of runs that words join (a run may end one word and start another)."""
    runs = sorted(origins.runs)
    read: dict[tuple[int, int], str] = {}
    chains: list[list[tuple[int, int]]] = []
    line_ends = {(page, mcid) for page, mcid, _, ends in runs if ends}
    for (page, mcid, text, _), (next_page, next_mcid, following, _) in zip(runs, runs[1:]):
        current = read.get((page, mcid), text)
        stripped = current.rstrip()
        tail = TAIL_RE.match(following)
        if not stripped.endswith(HYPHENS) or stripped != current or tail is None:
            continue
        head = (stripped[:-1].split() or [""])[-1]
        if not re.search(r"\w$", head) or f"{head}-{tail.group()}" in origins.source_text \
                or f"{head}\u2010{tail.group()}" in origins.source_text:
            continue  # a hyphen of the text itself ("Info-cancer")
        if chains and chains[-1][-1] == (page, mcid):
            chains[-1].append((next_page, next_mcid))
        else:
            chains.append([(page, mcid), (next_page, next_mcid)])
        before, after = stripped[:-1 - len(head)], following[tail.end():]
        word = head + tail.group()
        if after.strip():
            read[(page, mcid)], read[(next_page, next_mcid)] = before + word, after
        elif before.strip():
            read[(page, mcid)], read[(next_page, next_mcid)] = before, word
        else:
            read[(page, mcid)] = stripped[:-1] + "\u00ad"
            read.setdefault((next_page, next_mcid), following)
    # The end of a line is a space to read (unless the line broke after a hyphen of the text),
    # which a run read as its /ActualText has lost.
    joints = {key for chain in chains for key in chain[:-1]}
    read = {key: text + " " if key in line_ends - joints and not text.endswith((" ", *HYPHENS)) else text
            for key, text in read.items()}
    return read, chains


def label_words(tree: StructureTree, marked: dict[int, dict[int, object]], read: dict[tuple[int, int], str],
                chains: list[list[tuple[int, int]]]) -> None:
    """Give pdf.js the words whole: the structure elements of a chain of runs (one per run, side by
    side in their parent) are wrapped in a `Span` whose `/ActualText` is what they read together,
    which holds every letter they show. `marked` (page → MCID → element) stays right: it names
    the runs' own elements."""
    for chain in chains:
        owners = [marked.get(page, {}).get(mcid) for page, mcid in chain]
        if any(owner is None for owner in owners) or len({id(owner) for owner in owners}) != len(owners):
            continue
        parent = tree.parent(owners[0])
        if parent is None or any(tree.parent(owner) is not parent for owner in owners):
            continue
        kids = tree.kids(parent)
        places = [next((i for i, kid in enumerate(kids) if kid is owner), None) for owner in owners]
        if None in places or places != list(range(places[0], places[0] + len(places))):
            continue  # not side by side
        text = "".join(read[key] for key in chain)
        span = tree.add(Dictionary({"Type": "/StructElem", "S": "/Span", "P": parent.reference, "K": Array(),
                                    "ActualText": String(text)}))
        if "Pg" in owners[0]:
            span["Pg"] = owners[0]["Pg"]
        tree.set_kids(span, owners)
        tree.store(parent, kids[:places[0]] + [span] + kids[places[-1] + 1:])
