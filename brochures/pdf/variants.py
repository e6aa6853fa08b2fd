"""Print variants of one document: paper, large print, print-shop marks, booklet pages.

Each option adds CSS and a file-name suffix; options combine (`x.large-print.booklet.pdf`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Half of a Letter sheet, and A5 (half of A4), for folded booklets.
PAGE_SIZES = {
    ("letter", False): "8.5in 11in",
    ("a4", False): "210mm 297mm",
    ("letter", True): "5.5in 8.5in",
    ("a4", True): "148mm 210mm",
}
BLEED = "3mm"
WIDE_TABLE_PAGE = "wide-table"  # the named page of a table turned landscape (brochure.css)
# The output intent of print-shop files: a CMYK printer profile from a Debian package
# (libgs-common, installed by `make`), never downloaded. PDF/X-4 is what shops accept today:
# it keeps transparency and RGB colours, converted by the shop's RIP with this profile.
CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
PRINT_SHOP_VARIANT = "pdf/x-4"
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
    def fillable(self) -> bool:
        """A file for screens, whose questions page and check boxes are form fields (pdf/forms.py);
        booklets and print-shop files are print-only."""
        return not (self.print_marks or self.booklet_pages)

    @property
    def body_classes(self) -> str:
        classes = [f"paper-{self.paper}"]
        classes += ["large-print"] * self.large_print + ["print-marks"] * self.print_marks
        classes += ["booklet"] * self.booklet_pages + ["fillable"] * self.fillable
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
        if not self.booklet_pages:  # a table too wide for the page gets a landscape one (pdf/fit.py)
            css += f" @page {WIDE_TABLE_PAGE} {{ size: {' '.join(reversed(size.split()))}; }}"
        if self.print_marks:  # the crop marks are drawn outside the bleed by pdf/printshop.py
            css += f" @page {{ bleed: {BLEED}; }}"
            css += (f' @color-profile device-cmyk {{ src: url("{CMYK_PROFILE.as_uri()}"); '
                    "components: c, m, y, k; }")
        return css

    @property
    def pdf_variant(self) -> str:
        """PDF/UA-1 for every file a reader may open; PDF/X-4 for a print shop's (still tagged)."""
        return PRINT_SHOP_VARIANT if self.print_marks else "pdf/ua-1"

    def readable_roots(self) -> list[Path]:
        """Folders outside the project this variant's page CSS reads from."""
        return [CMYK_PROFILE.parent] if self.print_marks else []
