"""Attacks by someone who can write a content folder: links out, pipes, devices, YAML bombs, huge values.

Every file the build reads goes through `files.read_inside`; each of these is refused with one
line naming the file, before anything is opened for reading, and the other topics still load.
`check` renders nothing, so these run in well under a second each.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from brochures.check import check_catalogue
from brochures.content.catalogue import load_catalogue
from brochures.content.review import build_date
from brochures.files import FileRefused, read_inside
from tests.conftest import MINIMAL_EN, write_tree


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A secret beside the content folder, which no brochure may print."""
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: SECRET-PASSWORD\n---\nroot:x:0:0\n", encoding="utf-8")
    return secret


def messages(content: Path) -> list[str]:
    return [str(p) for p in check_catalogue(content, build_date())]


def test_read_inside_refuses_everything_but_a_regular_file_inside(tmp_path, outside):
    root = write_tree(tmp_path / "root", {"ok.txt": "fine", "sub/in.txt": "inside"})
    (root / "link-in.txt").symlink_to(root / "sub" / "in.txt")
    (root / "link-out.txt").symlink_to(outside)
    (root / "zero").symlink_to("/dev/zero")
    os.mkfifo(root / "pipe")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(root / "sock"))
    try:
        assert read_inside(root / "ok.txt", [root]) == b"fine"
        assert read_inside(root / "link-in.txt", [root]) == b"inside", "a link inside its folder is fine"
        for name, reason in [("link-out.txt", "leads outside its folder"), ("zero", "leads outside"),
                             ("pipe", "named pipe"), ("sock", "socket"), ("sub", "folder")]:
            with pytest.raises(FileRefused, match=reason):
                read_inside(root / name, [root])  # a FIFO would block forever if opened
        with pytest.raises(FileRefused, match=r"too big: 1 KB, over the limit of 1 KB \(raise it\)"):
            (root / "big.txt").write_bytes(b"x" * 1025)
            read_inside(root / "big.txt", [root], 1024, "raise it")
    finally:
        server.close()


def test_topic_files_and_folders_leading_out_or_special_are_refused(catalogue, outside):
    content = catalogue({})
    (content / "linked").mkdir()
    (content / "linked" / "en.md").symlink_to(outside)
    (content / "device").mkdir()
    (content / "device" / "en.md").symlink_to("/dev/zero")
    (content / "piped").mkdir()
    os.mkfifo(content / "piped" / "en.md")
    (content / "escaped").symlink_to(outside.parent / "elsewhere", target_is_directory=True)
    write_tree(outside.parent, {"elsewhere/en.md": MINIMAL_EN})

    found = messages(content)
    text = "\n".join(found)
    assert "SECRET" not in text and "root:x" not in text
    assert any("linked/en.md: refused: it leads outside its folder" in m for m in found), text
    assert any("device/en.md: refused: it leads outside its folder" in m for m in found), text
    assert any("piped/en.md: refused: it is a named pipe (FIFO), not a regular file" in m for m in found), text
    assert any("escaped: refused: this topic folder leads outside the content folder" in m for m in found), text
    catalogue_ = load_catalogue(content)
    loaded = {topic_id: sorted(topic.translations) for topic_id, topic in catalogue_.topics.items()}
    assert loaded == {"device": [], "linked": [], "minimal": ["en", "fr"], "piped": []}, "the good topic loads"


def test_site_and_bundles_files_that_cannot_be_read_are_errors(catalogue, build, outside):
    content = catalogue({})
    os.mkfifo(content / "site.yaml")
    run = build(content)
    assert run.code == 1
    assert "site.yaml: refused: it is a named pipe (FIFO), not a regular file" in run.err
    assert "Traceback" not in run.err and not list(run.out_dir.rglob("*.pdf")), "settings errors stop the build"

    (content / "site.yaml").unlink()
    (content / "bundles.yaml").symlink_to(outside)
    assert any("bundles.yaml: refused: it leads outside its folder" in m for m in messages(content))


@pytest.mark.parametrize("where, text", [
    ("topic/en.md", "---\ntitle: &t Bomb\nrelated: [*t, *t, *t]\n---\nText.\n"),
    ("site.yaml", "languages: &l [en, fr]\ncolors: {primary: *l}\n"),
    ("topic/en.md", "---\ntitle: T\nsources:\n  - &a {title: x}\n  - <<: *a\n---\nText.\n"),
])
def test_yaml_aliases_are_refused_in_front_matter_and_settings(catalogue, where, text):
    content = catalogue({where: text, **({"topic/en.md": MINIMAL_EN} if where == "site.yaml" else {})})
    found = [m for m in messages(content) if "aliases" in m]
    assert found and "YAML aliases (*name) are not allowed; write the value out in full" in found[0], found
    assert f"{where}:" in found[0]


def test_billion_laughs_is_one_line_not_gigabytes(catalogue):
    levels = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    content = catalogue({"topic/en.md": "---\ntitle: T\n" + "\n".join(levels) + "\nrelated: *a8\n---\nx\n"})
    found = [m for m in messages(content) if "topic/en.md" in m]
    assert found == [f"{content}/topic/en.md:3: front matter: YAML aliases (*name) are not allowed; "
                     "write the value out in full"] or "aliases" in found[0], found


def test_a_huge_front_matter_value_fails_alone_naming_the_limit(catalogue, build):
    content = catalogue({"topic/en.md": f"---\ntitle: {'A' * 200_000}\n---\nText.\n",
                         "topic/fr.md": "---\ntitle: Sujet\n---\nTexte.\n"})
    run = build(content)
    assert run.code == 1 and "Traceback" not in run.err
    assert (run.out_dir / "fr" / "topic.pdf").exists() and (run.out_dir / "en" / "minimal.pdf").exists(), \
        "the other documents still build"
    assert not (run.out_dir / "en" / "topic.pdf").exists()
    found = messages(content)
    assert any("topic/en.md:2: front matter: a value of 200000 characters is too long (limit 2000 characters; "
               "raise 'limits: value_chars' in site.yaml" in m for m in found), found
    raised = catalogue({"site.yaml": "limits:\n  value_chars: 2000000\n",
                        "topic/en.md": f"---\ntitle: {'A' * 3000}\n---\nText.\n"})
    assert not [m for m in messages(raised) if "too long" in m]


def test_markdown_size_limit_over_and_under(catalogue):
    body = "Some words for patients.\n\n" * 45_000  # about 1.2 MB
    content = catalogue({"topic/en.md": f"---\ntitle: Long\n---\n{body}"})
    found = [m for m in messages(content) if "topic/en.md" in m]
    assert found and "too big: 1.1 MB, over the limit of 1.0 MB (limit 1024 KB; raise 'limits: markdown_kb' " \
        "in site.yaml" in found[0], found
    small = catalogue({"site.yaml": "limits: {markdown_kb: 1}\n", "topic/en.md": "---\ntitle: Short\n---\nHi.\n"})
    assert not [m for m in messages(small) if "too big" in m]


def test_limits_in_site_yaml_are_checked(catalogue):
    content = catalogue({"site.yaml": "limits:\n  render_seconds: -1\n  speed: 3\n"})
    found = "\n".join(messages(content))
    assert "limit 'render_seconds' must be a whole number of seconds, 1 or more, got '-1'" in found
    assert "unknown limit 'speed'" in found
