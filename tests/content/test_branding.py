"""A clinic's branding on shared content: logo, colours, contact details, escaping, overrides."""

from __future__ import annotations

import pytest
from PIL import Image
from pypdf import PdfReader

from brochures.content.branding import contrast_ratio
from tests.conftest import BRANDED, pdf_text, render_page
from tests.pdf.test_pdf_output import uris

PURPLE = (0x5B, 0x2A, 0x86)  # the fixture's primary colour
RED = (0xA4, 0x16, 0x1A)  # its accent colour


def colour_share(image: Image.Image | object, rgb: tuple[int, int, int], tolerance: int = 12) -> float:
    """The share of pixels close to `rgb` (antialiasing blends edges, hence the tolerance)."""
    image = image if isinstance(image, Image.Image) else Image.open(image).convert("RGB")
    colours = image.getcolors(image.width * image.height)
    close = sum(n for n, c in colours if all(abs(a - b) <= tolerance for a, b in zip(c, rgb)))
    return close / (image.width * image.height)


@pytest.mark.parametrize("lang, organisation", [
    ("en", "Smith & Sons <Clinic>"), ("fr", "Clinique Smith & fils <Oncologie>"),
])
def test_organisation_is_printed_exactly_as_written(branded, lang, organisation):
    pdf = branded / lang / "hand-care.pdf"
    text = " ".join(pdf_text(pdf).split())
    assert organisation in text
    assert f"{organisation} · 450-555-0142 Page 1" in text, "footer: organisation and phone on every page"
    assert PdfReader(pdf).metadata.author == organisation
    html = (branded / lang / "hand-care.print.html").read_text(encoding="utf-8")
    assert organisation.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in html
    assert organisation not in html, "never raw markup"


@pytest.mark.parametrize("lang, expected", [
    ("en", ["Opening hours: Monday to Friday, 8 a.m. to 4 p.m.", "Email: info@smith-clinic.example.org",
            "123 Main Street, Suite 4", "Sherbrooke QC J1H 0A1", "Call your care team: 450-555-0142"]),
    ("fr", ["Heures d’ouverture : Du lundi au vendredi, de 8 h à 16 h", "Courriel : info@smith-clinic.example.org",
            "123, rue Principale, bureau 4", "Sherbrooke (Québec) J1H 0A1"]),
])
def test_contact_box_carries_the_clinic_details(branded, lang, expected):
    pdf = branded / lang / "hand-care.pdf"
    text = " ".join(pdf_text(pdf).split())
    for line in expected:
        assert " ".join(line.split()) in text, line
    assert {"tel:+14505550142", "mailto:info@smith-clinic.example.org"} <= set(uris(pdf))


def test_logo_and_colours_are_drawn(branded, tmp_path):
    page = render_page(branded / "en" / "hand-care.pdf", 1, tmp_path)
    assert colour_share(page, PURPLE) > 0.01, "title, headings and logo in the clinic's colour"
    assert colour_share(page, (0x0B, 0x4F, 0x6C)) == 0, "no default blue left"
    logo = Image.open(page).convert("RGB").crop((0, 0, 200, 110))
    assert colour_share(logo, RED) > 0.005, "the logo's red bar"


def test_colour_contrast():
    assert round(contrast_ratio("#000000"), 1) == 21.0
    assert round(contrast_ratio("#767676"), 1) == 4.5
    assert contrast_ratio("#0b4f6c") > 7


# (site.yaml, expected "site.yaml:line: start of the message")
SITE_PROBLEMS = [
    pytest.param('colors:\n  primary: "#ffcc00"\n',
                 "site.yaml:1: site settings: colour 'primary' #ffcc00 is too light for text on white (contrast 1.",
                 id="colour-too-light"),
    pytest.param('colors:\n  primary: red\n', "site.yaml:1: site settings: colour 'primary' must be a hex colour",
                 id="colour-not-hex"),
    pytest.param('colors:\n  link: "#000"\n', "site.yaml:1: site settings: unknown colour 'link'", id="colour-unknown"),
    pytest.param("logo: ../outside.svg\n", "site.yaml:1: site settings: 'logo' must be a file inside the content",
                 id="logo-outside"),
    pytest.param("logo: https://example.org/logo.png\n",
                 "site.yaml:1: site settings: 'logo' must be a file inside the content", id="logo-remote"),
    pytest.param("logo: logo.gif\n", "site.yaml:1: site settings: 'logo' must be an SVG or PNG", id="logo-gif"),
    pytest.param("logo: absent.svg\n", "site.yaml:1: site settings: logo file 'absent.svg' not found", id="logo-missing"),
    pytest.param("email: not an address\n", "site.yaml:1: site settings: 'email' must be an address",
                 id="email"),
    pytest.param("online_url: https://example.org/{lang}/\n",
                 "site.yaml:1: site settings: 'online_url' must contain {topic}", id="online-url-no-topic"),
    pytest.param("online_url: https://example.org/{topic}/{0.__class__}\n",
                 "site.yaml:1: site settings: 'online_url' must contain {topic}", id="online-url-format-field"),
    pytest.param("online_url: http://example.org/{topic}\n",
                 "site.yaml:1: site settings: 'online_url' must start with https://", id="online-url-http"),
    pytest.param("mail_limit: lots\n", "site.yaml:1: site settings: 'mail_limit' must be a size such as 5 MB",
                 id="mail-limit"),
    pytest.param("hours:\n  de: Montag\n", "site.yaml:1: site settings: 'hours' for 'de', which is not in languages",
                 id="hours-language"),
]


@pytest.mark.parametrize("site_yaml, expected", SITE_PROBLEMS)
def test_bad_branding_stops_the_build(catalogue, build, site_yaml, expected):
    run = build(catalogue({"site.yaml": site_yaml, "outside.svg": "<svg/>"}))
    assert run.code == 1
    assert len(run.lines) == 2 and run.lines[1].startswith("failed"), run.err
    assert expected in run.lines[0]
    assert not list(run.out_dir.rglob("*.pdf"))


def test_clinic_templates_and_stylesheets_override_the_project_ones(catalogue, build, tmp_path):
    project_css = (BRANDED.parent.parent.parent / "styles" / "brochure.css").read_text(encoding="utf-8")
    content = catalogue({
        "templates/partials/review.html.j2": "<footer class=\"review\"><p>{{ _('Sources') }} checked by "
                                             "Dr. Tremblay & team</p></footer>\n",
        "styles/brochure.css": project_css + "\nh1 { color: #cc0000; }\n",
    })
    run = build(content, "--lang", "fr")
    assert run.code == 0, run.err
    pdf = run.out_dir / "fr" / "minimal.pdf"
    text = pdf_text(pdf)
    assert "Sources checked by Dr. Tremblay & team" in text, "the clinic's partial, layout text still translated"
    assert "Cette brochure donne" not in text, "the project's partial is replaced"
    assert colour_share(render_page(pdf, 1, tmp_path), (0xCC, 0, 0)) > 0.001, "the clinic's stylesheet"


@pytest.mark.parametrize("template, expected", [
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "templates/partials/review.html.j2:1: template: access to attribute '__class__'"),
    ("ok\n{% if %}\n", "templates/partials/review.html.j2:2: template: "),
])
def test_a_clinic_template_cannot_reach_python_and_errors_are_located(catalogue, build, template, expected):
    run = build(catalogue({"templates/partials/review.html.j2": template}), "--lang", "en")
    assert run.code == 1
    assert any(expected in line for line in run.lines), run.err
