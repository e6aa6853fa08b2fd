"""Print variants of one document: paper, large print, print-shop marks, booklet pages.

Each option adds CSS and a file-name suffix; options combine (`x.large-print.booklet.pdf`).
"""

from __future__ import annotations

from dataclasses import dataclass

# Half of a Letter sheet, and A5 (half of A4), for folded booklets.
PAGE_SIZES = {
    ("letter", False): "8.5in 11in",
    ("a4", False): "210mm 297mm",
    ("letter", True): "5.5in 8.5in",
    ("a4", True): "148mm 210mm",
}
BLEED = "3mm"
# Landscape sheets a booklet is imposed on, in points.
SHEETS = {"letter": (792.0, 612.0), "a4": (841.89, 595.28)}


@dataclass(frozen=True)
class Variant:
    paper: str = "letter"
    large_print: bool = False
    print_marks: bool = False
    booklet_pages: bool = False  # half-sheet pages, to be imposed two-up

    @property
    def suffix(self) -> str:
        """File-name suffix of the flat PDF; the imposed one adds `.booklet`."""
        return ".large-print" * self.large_print + ".print-marks" * self.print_marks

    @property
    def body_classes(self) -> str:
        classes = [f"paper-{self.paper}"]
        classes += ["large-print"] * self.large_print + ["print-marks"] * self.print_marks
        classes += ["booklet"] * self.booklet_pages
        return " ".join(classes)

    def stylesheets(self) -> list[str]:
        """Stylesheet names, after brochure.css, that this variant needs."""
        both = self.booklet_pages and self.large_print
        return ["booklet.css"] * self.booklet_pages + ["large-print.css"] * self.large_print + \
            ["large-print-booklet.css"] * both

    @property
    def sheet(self) -> tuple[float, float]:
        return SHEETS[self.paper]

    def page_css(self) -> str:
        size = PAGE_SIZES[(self.paper, self.booklet_pages)]
        css = f"@page {{ size: {size}; }}"
        if self.print_marks:
            css += f" @page {{ bleed: {BLEED}; marks: crop; }}"
        return css
