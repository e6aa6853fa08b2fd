"""`mail:` in site.yaml (content/mail_settings.py): read with defaults, each mistake one line at its
own line with a did-you-mean, a password refused as a setting, and `security: none` only for a
server on this computer."""

from __future__ import annotations

import itertools

import pytest

from brochures.content.mail_settings import MailSettings
from brochures.content.settings import load_site
from brochures.problems import ContentError
from tests.conftest import ROOT

SITE = "organisation: Clinic\nmail:\n"


def test_the_defaults_are_starttls_on_port_587(tmp_path):
    (tmp_path / "ca.pem").write_text("a certificate\n")
    (tmp_path / "site.yaml").write_text(SITE + "  host: smtp.example.org\n  from: care@example.org\n"
                                               "  username: care\n  ca_file: ca.pem\n")
    assert load_site(tmp_path).mail == MailSettings("smtp.example.org", 587, "care@example.org", "starttls", "care",
                                                    tmp_path / "ca.pem")
    (tmp_path / "site.yaml").write_text(SITE + "  host: smtp.example.org\n  from: care@example.org\n"
                                               "  security: tls\n")
    assert load_site(tmp_path).mail == MailSettings("smtp.example.org", 465, "care@example.org", "tls")
    (tmp_path / "site.yaml").write_text("organisation: Clinic\n")
    assert load_site(tmp_path).mail is None


@pytest.mark.parametrize("mail, expected", [
    ("  hots: smtp.example.org\n  from: care@example.org\n",
     ["site.yaml:3: site settings: mail: unknown key 'hots' (did you mean 'host'?)",
      "site.yaml:2: site settings: mail: 'host' is required"]),
    ("  host: smtp.example.org\n  from: care@example.org\n  password: hunter2\n",
     ["site.yaml:5: site settings: mail: never write the password in site.yaml, which others read; set it in the "
      "environment variable BROCHURES_SMTP_PASSWORD when sending"]),
    ("  host: smtp.example.org\n  from: care@example.org\n  security: none\n",
     ["site.yaml:5: site settings: mail: 'security: none' sends the kits in clear over the network"]),
    ("  host: smtp://smtp.example.org\n  from: the clinic\n  port: 99999\n  security: ssl\n  ca_file: none.pem\n",
     ["site.yaml:3: site settings: mail: 'host' must be a server name such as smtp.example.org",
      "site.yaml:4: site settings: mail: 'from' must be an address such as care-team@example.org",
      "site.yaml:6: site settings: mail: 'security' must be one of starttls, tls, none, got 'ssl'",
      "site.yaml:5: site settings: mail: 'port' must be a port number from 1 to 65535",
      "site.yaml:7: site settings: mail: 'ca_file' 'none.pem' is not a file"]),
])
def test_each_mistake_is_one_line_at_its_key(tmp_path, mail, expected):
    (tmp_path / "site.yaml").write_text(SITE + mail)
    with pytest.raises(ContentError) as refused:
        load_site(tmp_path)
    found = [str(p).replace(f"{tmp_path}/", "") for p in refused.value.problems]
    assert len(found) == len(expected), found
    for line, start in zip(found, expected):
        assert line.startswith(start), line
    assert "hunter2" not in str(refused.value), "a password given is never repeated"


def test_security_none_is_for_a_server_on_this_computer(tmp_path):
    (tmp_path / "site.yaml").write_text(SITE + "  host: localhost\n  port: 25\n  from: care@example.org\n"
                                               "  security: none\n")
    assert load_site(tmp_path).mail == MailSettings("localhost", 25, "care@example.org", "none")


def test_the_starters_commented_mail_settings_are_valid_once_uncommented(tmp_path):
    starter = (ROOT / "starter" / "site.yaml").read_text(encoding="utf-8").splitlines()
    start = starter.index("# mail:")
    block = [line[2:] for line in itertools.takewhile(lambda line: line.startswith("#"), starter[start:])]
    (tmp_path / "clinic-ca.pem").write_text("a certificate\n")
    (tmp_path / "site.yaml").write_text("\n".join(block) + "\n")
    assert load_site(tmp_path).mail == MailSettings("smtp.example.org", 587, "care-team@example.org", "starttls",
                                                    "care-team", tmp_path / "clinic-ca.pem")
