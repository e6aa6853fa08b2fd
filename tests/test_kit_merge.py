"""`brochures kit --patients FILE.csv --send`: kits for a list, mailed through a real SMTP server on
127.0.0.1 (tests/mailserver.py: STARTTLS on a certificate made here, trusted through `ca_file`,
and a login). What the server received is read back: each message to its row's address, in its
row's language, with the kit attached, locked, holding the patient's name; a wrong row, a refused
address and a server that stops are each reported, and `--only` sends the rest."""

from __future__ import annotations

import email
import io
import os
import shutil
import signal
import subprocess
import sys
from email import policy
from pathlib import Path

import pikepdf
import pytest

from brochures.cli import main
from tests.conftest import ROOT, SAMPLE_CONTENT
from tests.mailserver import PASSWORD, USERNAME, MailServer, free_port, make_certificates
from tests.running import Running

# A semicolon list with a byte-order mark, as a French spreadsheet exports it; row 4 is wrong.
ROWS = [
    ("p-1", "Zéphyrine Quillfeather", "fr", "immunotherapy", "2026-03-14 09:30", "zq@example.org", "pomme-nuage-17"),
    ("p-2", "Bartholomew Oyelaran", "en", "chemotherapy", "2026-03-15 10:00", "bo@example.org", "harbour-lantern-42"),
    ("p-3", "Ingrid Vasquez-Thorne", "en", "immunotherapy", "2026-02-30 10:00", "ivt@example.org", "garden-violin"),
    ("p-4", "Mireille Tessandier", "fr", "surgery", "", "mt@example.org", "cerise-orage-58"),
]
GOOD = [row for row in ROWS if row[0] != "p-3"]
SUBJECTS = {"en": "Documents from your care team at Sample Cancer Clinic",
            "fr": "Documents de votre équipe soignante, Clinique d'oncologie Exemple"}
GREETINGS = {"en": "Dear {},", "fr": "Bonjour {},"}


def patient_list(path: Path, rows: list[tuple[str, ...]] = ROWS) -> Path:
    lines = ["id;name;lang;topics;appointment;email;password"] + [";".join(row) for row in rows]
    path.write_bytes("\r\n".join(lines).encode("utf-8-sig") + b"\r\n")
    return path


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample content with `mail:` settings for a server on 127.0.0.1 (its port set per test),
    the server's certificate and key, and the list."""
    folder = tmp_path_factory.mktemp("clinic")
    ca, cert, key = make_certificates(folder)
    content = folder / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    return {"folder": folder, "content": content, "ca": ca, "cert": cert, "key": key,
            "list": patient_list(folder / "patients.csv")}


def use_port(clinic: dict[str, Path], port: int, security: str = "starttls") -> None:
    site = (SAMPLE_CONTENT / "site.yaml").read_text(encoding="utf-8")
    login = f"  username: {USERNAME}\n  ca_file: {clinic['ca']}\n" if security != "none" else ""
    (clinic["content"] / "site.yaml").write_text(
        site + f"mail:\n  host: 127.0.0.1\n  port: {port}\n  from: care-team@example.org\n  security: {security}\n"
               + login, encoding="utf-8")


def send(clinic: dict[str, Path], out: Path, *extra: str, patients: Path | None = None) -> list[str]:
    return ["kit", "--content", str(clinic["content"]), "--patients", str(patients or clinic["list"]),
            "--output-dir", str(out), "--send", *extra]


@pytest.fixture
def smtp_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROCHURES_SMTP_PASSWORD", PASSWORD)


def attachment(message: email.message.EmailMessage) -> bytes:
    parts = [part for part in message.iter_attachments()]
    assert [part.get_content_type() for part in parts] == ["application/pdf"]
    assert parts[0].get_filename() == "documents.pdf", "a plain name, not the clinic's id"
    return parts[0].get_content()


def kit_text(data: bytes, password: str, folder: Path) -> str:
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(io.BytesIO(data))
    with pikepdf.open(io.BytesIO(data), password=password) as pdf:
        assert pdf.is_encrypted and len(pdf.pages) > 2
    path = folder / "attachment.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", "-upw", password, str(path), "-"], capture_output=True, text=True, check=True)
    path.unlink()
    return " ".join(done.stdout.split())


def test_three_good_rows_are_sent_each_in_its_language_and_the_wrong_row_is_named(clinic, tmp_path, capsys,
                                                                                   smtp_password):
    with MailServer(clinic["cert"], clinic["key"]) as server:
        use_port(clinic, server.port)
        code = main(send(clinic, tmp_path / "kits", "--jobs", "2"))
    out, err = capsys.readouterr()
    assert code == 1, err
    assert f"{clinic['list'].name}:4: appointment: write a real date and time" in err
    assert err.count("appointment:") == 1, "one line for the wrong row"
    by_address = {received.recipients[0]: received for received in server.received}
    assert sorted(by_address) == sorted(row[5] for row in GOOD) and len(server.received) == 3
    for kit_id, name, lang, _, _, address, password in GOOD:
        received = by_address[address]
        message = received.message
        assert received.encrypted and received.logged_in, "STARTTLS and the login before the message"
        assert received.sender == "care-team@example.org" and message["To"] == address
        assert message["Subject"] == SUBJECTS[lang] and message["Content-Language"] == lang
        body = message.get_body(("plain",)).get_content()
        assert body.startswith(GREETINGS[lang].format(name))
        assert ("mot de passe" if lang == "fr" else "password") in body
        assert password not in body and password not in message.as_string(), "the password goes another way"
        text = kit_text(attachment(message), password, tmp_path)
        assert name in text, "the kit holds the patient's name"
        assert (tmp_path / "kits" / f"{kit_id}.pdf").read_bytes().startswith(b"%PDF")
    assert "Immunothérapie" not in str(server.received[0].message["Subject"])
    assert "sent: " in out + err and "not sent: p-3" in err
    assert not any(row[1] in out + err or row[5] in out + err for row in ROWS), "ids only, never names or addresses"
    assert sorted(p.name for p in (tmp_path / "kits").iterdir()) == ["p-1.pdf", "p-2.pdf", "p-4.pdf"]


def test_a_refused_recipient_is_that_rows_failure_and_the_others_are_sent(clinic, tmp_path, capsys, smtp_password):
    with MailServer(clinic["cert"], clinic["key"], refused={"bo@example.org"}) as server:
        use_port(clinic, server.port)
        code = main(send(clinic, tmp_path / "kits", "--jobs", "1", "--only", "p-1", "p-2", "p-4"))
    out, err = capsys.readouterr()
    assert code == 1
    assert sorted(r.recipients[0] for r in server.received) == ["mt@example.org", "zq@example.org"]
    assert f"{clinic['list'].name}:3: not sent: the mail server refused the address (550 5.1.1 <address>" in err
    assert "bo@example.org" not in out + err
    assert "not sent: p-2\n" in err and "--only p-2" in err
    assert "appointment:" not in err, "a row left out by --only is not read"


def test_a_server_that_stops_is_reported_and_only_sends_the_rest(clinic, tmp_path, capsys, smtp_password):
    port = free_port()
    good = patient_list(tmp_path / "good.csv", GOOD)
    with MailServer(clinic["cert"], clinic["key"], port=port, stop_after=1) as server:
        use_port(clinic, port)
        # a process of its own: workers forked from this one would hold the server's socket open
        done = subprocess.run([sys.executable, str(ROOT / "build.py"), *send(clinic, tmp_path / "kits", "--jobs", "1",
                                                                             patients=good)],
                              capture_output=True, text=True, timeout=120)
    out, err = done.stdout, done.stderr
    assert done.returncode == 1, err
    assert len(server.received) == 1
    first = server.received[0].recipients[0]
    sent = next(row[0] for row in GOOD if row[5] == first)
    rest = [row[0] for row in GOOD if row[0] != sent]
    assert f"sending stopped: cannot reach the mail server 127.0.0.1:{port}: connection refused" in err
    assert f"sent: {sent}\n" in err and f"not sent: {' '.join(rest)}\n" in err
    assert f"--only {' '.join(rest)}" in err
    assert len(list((tmp_path / "kits").glob("*.pdf"))) == 3, "the kits are made all the same"

    with MailServer(clinic["cert"], clinic["key"], port=port) as again:
        code = main(send(clinic, tmp_path / "kits", "--only", *rest, patients=good))
    out, err = capsys.readouterr()
    assert code == 0, err
    assert sorted(r.recipients[0] for r in again.received) == sorted(row[5] for row in GOOD if row[0] in rest)
    line = next(line for line in out.splitlines() if line.startswith("sent: "))
    assert set(line.split()[1:]) == set(rest), "only the rest, none twice"


@pytest.mark.parametrize("security", ["tls", "none"])
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # TLS from the start, unseen by it
def test_tls_from_the_start_or_a_server_on_this_computer_in_clear(clinic, tmp_path, capsys, smtp_password, security):
    with MailServer(clinic["cert"], clinic["key"], security=security) as server:
        use_port(clinic, server.port, security)
        code = main(send(clinic, tmp_path / "kits", "--only", "p-2"))
    assert code == 0, capsys.readouterr().err
    (received,) = server.received
    assert received.recipients == ["bo@example.org"] and received.message["Subject"] == SUBJECTS["en"]
    assert (received.encrypted, received.logged_in) == ((True, True) if security == "tls" else (False, False))


def test_sending_is_refused_before_anything_renders(clinic, tmp_path, capsys, monkeypatch):
    use_port(clinic, free_port())  # no server: nothing may try to reach it
    unlocked = tmp_path / "unlocked.csv"
    unlocked.write_text("id,name,topics,email\np-1,A Name,immunotherapy,a@example.org\n", encoding="utf-8")
    monkeypatch.setenv("BROCHURES_SMTP_PASSWORD", PASSWORD)
    assert main(send(clinic, tmp_path / "kits", patients=unlocked)) == 2
    assert "--send: a kit is sent only locked with a password" in capsys.readouterr().err
    monkeypatch.delenv("BROCHURES_SMTP_PASSWORD", raising=False)
    assert main(send(clinic, tmp_path / "kits")) == 2
    assert "BROCHURES_SMTP_PASSWORD" in capsys.readouterr().err
    assert not (tmp_path / "kits").exists()


def test_an_untrusted_certificate_or_a_wrong_login_stops_before_rendering(clinic, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BROCHURES_SMTP_PASSWORD", "not the password")
    with MailServer(clinic["cert"], clinic["key"]) as server:
        use_port(clinic, server.port)
        assert main(send(clinic, tmp_path / "kits")) == 1
        assert "refused the login" in capsys.readouterr().err
        site = clinic["content"] / "site.yaml"
        site.write_text(site.read_text(encoding="utf-8").replace(f"  ca_file: {clinic['ca']}\n", ""), encoding="utf-8")
        monkeypatch.setenv("BROCHURES_SMTP_PASSWORD", PASSWORD)  # the command took it out of its environment
        assert main(send(clinic, tmp_path / "kits")) == 1
        err = capsys.readouterr().err
        assert "certificate is not trusted" in err and "ca_file" in err and "nothing was made or sent" in err
    assert server.received == [] and list((tmp_path / "kits").glob("*.pdf")) == []


def test_a_dry_run_writes_messages_the_email_parser_reads_back(clinic, tmp_path, capsys):
    use_port(clinic, free_port())  # never reached: a dry run sends nothing
    code = main(["kit", "--content", str(clinic["content"]), "--patients", str(clinic["list"]), "--output-dir",
                 str(tmp_path / "kits"), "--dry-run", "--only", "p-1", "p-2"])
    out, err = capsys.readouterr()
    assert code == 0, err
    for kit_id, name, lang, _, _, address, password in GOOD[:2]:
        path = tmp_path / "kits" / f"{kit_id}.eml"
        assert path.stat().st_mode & 0o777 == 0o600
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert message["To"] == address and message["Subject"] == SUBJECTS[lang]
        assert message["From"].addresses[0].addr_spec == "care-team@example.org"
        assert message.get_body(("plain",)).get_content().startswith(GREETINGS[lang].format(name))
        assert name in kit_text(attachment(message), password, tmp_path)
    assert "messages written (.eml), not sent: p-1 p-2" in out


def test_ctrl_c_says_which_kits_were_sent_and_which_were_not(clinic, tmp_path):
    rows = [(f"p-{n}", f"Name{n} Example", "en", "immunotherapy", "", f"p{n}@example.org", f"password-{n}")
            for n in range(1, 7)]
    with MailServer(clinic["cert"], clinic["key"]) as server:
        use_port(clinic, server.port)
        env = {**os.environ, "BROCHURES_SMTP_PASSWORD": PASSWORD}
        running = Running(send(clinic, tmp_path / "kits", "--jobs", "1", patients=patient_list(tmp_path / "six.csv",
                                                                                                 rows)),
                          tmp_path, 120, env)
        running.wait_for("; sent")
        code, rest = running.stop(signal.SIGINT)
    said = "\n".join(running.seen + rest)
    assert code == 130, said
    sent = next(line for line in rest if line.startswith("sent: ")).split()[1:]
    unsent = next(line for line in rest if line.startswith("not sent: ")).split()[2:]
    assert sent and unsent and sorted(sent + unsent, key=lambda i: int(i[2:])) == [row[0] for row in rows]
    assert sorted(r.recipients[0] for r in server.received) == sorted(f"p{i[2:]}@example.org" for i in sent)
    assert "interrupted" in said and f"--only {' '.join(unsent)}" in said


def test_a_clinic_writes_the_message_in_its_own_words_and_none_is_left_in_english(clinic, tmp_path, capsys):
    use_port(clinic, free_port())  # never reached: a dry run sends nothing
    content = tmp_path / "content"
    shutil.copytree(clinic["content"], content)
    french = (ROOT / "locales" / "fr.po").read_text(encoding="utf-8")
    subject = 'msgid "Documents from your care team at %(organisation)s"\nmsgstr "Documents de votre équipe soignante, ' \
              '%(organisation)s"\n'
    assert subject in french
    (content / "locales").mkdir()
    (content / "locales" / "fr.po").write_text(french.replace(subject, ""), encoding="utf-8")
    argv = ["kit", "--content", str(content), "--patients", str(clinic["list"]), "--output-dir", str(tmp_path / "kits"),
            "--dry-run", "--only", "p-1", "p-2"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "locales/fr.po: no translation for layout text 'Documents from your care team at %(organisation)s'" in err
    assert not (tmp_path / "kits").exists(), "refused before anything is made"

    own = subject.replace("Documents de votre équipe soignante, %(organisation)s", "Vos documents — %(organisation)s")
    (content / "locales" / "fr.po").write_text(french.replace(subject, own), encoding="utf-8")
    assert main(argv) == 0, capsys.readouterr().err
    message = email.message_from_bytes((tmp_path / "kits" / "p-1.eml").read_bytes(), policy=policy.default)
    assert message["Subject"] == "Vos documents — Clinique d'oncologie Exemple"
