"""The QR code on the back page decodes to the brochure's online address."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from tests.conftest import SAMPLE_CONTENT, pdf_text, render_page


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg (zbar-tools) is installed by make test")
@pytest.mark.parametrize("lang, gray", [("en", False), ("fr", True)])
def test_qr_code_decodes_to_the_online_url(branded, tmp_path, lang, gray):
    pdf = branded / lang / "hand-care.pdf"
    back = len(PdfReader(pdf).pages)
    image = render_page(pdf, back, tmp_path, dpi=100, gray=gray)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)],
                             capture_output=True, text=True, check=True).stdout.split()
    url = f"https://brochures.example.org/{lang}/hand-care"
    assert decoded == [url]
    assert url in pdf_text(pdf), "the address is also printed as text"


def test_no_qr_code_without_online_url_or_web_address(tmp_path):
    from brochures.builders.pipeline import Options, build

    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    site = (content / "site.yaml").read_text(encoding="utf-8")
    (content / "site.yaml").write_text(re.sub(r"(?m)^web_address:.*$", "", site), encoding="utf-8")
    out = tmp_path / "out"
    result = build(Options(content_dir=content, out_dir=out, topics=("chemotherapy",), langs=("en",)))
    assert result.ok
    assert "Read this brochure online" not in pdf_text(out / "en" / "chemotherapy.pdf")
