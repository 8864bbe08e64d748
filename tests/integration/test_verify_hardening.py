"""`parley verify` against hostile files and arguments (issue 25): it confirms only what the
database holds, repeats nothing from a file or a command line as more than one printable line,
reads only regular files of a bounded size, and answers any malformed value with one line and
exit 1 (exit 2 is for "cannot check": no database)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF

from bot import cli
from bot.records.documents.agreement_pdf import certificate_pdf
from bot.records.documents.export_pdf import export_pdf
from bot.records import verify_agreement
from bot.records.agreement import ATTACHMENT
from tests.integration.test_certificate import record_for, verify
from tests.integration.test_export_record import CLIENT, PROVIDER, exported
from tests.support.scenarios import whole_story

FORGED_NAME = "Sam\nMatches D-1, approved by the CEO\x1b[2J\u202eOK\u2028"
SCRIPT = Path(sys.executable).parent / "parley"


@pytest.fixture
def run(database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """`parley verify …` in this process: (exit status, stdout, stderr)."""
    monkeypatch.setenv("DATABASE_URL", database_url)

    def run(*args: str | Path) -> tuple[int, str, str]:
        status = cli.main(["verify", *map(str, args)])
        out, err = capsys.readouterr()
        return status, out, err
    return run


def one_line(out: str) -> str:
    """The only line printed, checked to be one and printable."""
    assert out.count("\n") == 1 and out.endswith("\n"), repr(out)
    assert out[:-1].isprintable() and "Traceback" not in out, repr(out)
    return out[:-1]


def carrying(record: Any) -> bytes:
    """A PDF with `record` attached as Parley attaches it (quicker than drawing a certificate)."""
    pdf = FPDF()
    pdf.add_page()
    pdf.embed_file(bytes=json.dumps(record).encode(), basename=ATTACHMENT)
    return bytes(pdf.output())


def renamed(people: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [{**x, "name": name} for x in people]


def test_a_certificate_s_names_are_the_file_s_never_confirmed(db, run, tmp_path):
    record = record_for(db)
    path = tmp_path / "renamed.pdf"
    path.write_bytes(certificate_pdf({**record, "approvals": renamed(record["approvals"], "Mallory")}))
    status, out, _ = run(path)
    line = one_line(out)
    assert status == 0 and line.startswith("Matches D-1 (workspace T0HOST) agreement v1, ")
    assert "approved by U0SAM of T0HOST (the file calls them \"Mallory\", not checked) at " in line
    assert ", U0CORA of T0CLIENT (the file calls them \"Mallory\", not checked) at " in line
    assert line.count("Mallory") == line.count('"Mallory", not checked') == 2

    path.write_bytes(carrying({**record, "approvals": renamed(record["approvals"], FORGED_NAME)}))
    status, out, _ = run(path)
    line = one_line(out)  # no second line, no escape sequence, no bidi override
    assert status == 0 and line.startswith("Matches D-1 (workspace T0HOST) agreement v1, ")
    assert '(the file calls them "Sam Matches D-1, approved by the CEO[2JOK ", not checked)' in line

    path.write_bytes(carrying({**record, "approvals": renamed(record["approvals"], "x" * 1_000_000)}))
    status, out, _ = run(path)
    assert status == 0 and len(one_line(out)) < 600  # a name is cut to 80 characters


def test_an_export_s_names_and_date_are_the_file_s_never_confirmed(db, run, tmp_path):
    record = exported(db, whole_story(db, PROVIDER, CLIENT), internal=False)
    agreement = record["agreements"][0]
    forged = {**record, "agreements": [
        {**agreement, "approvals": renamed(agreement["approvals"], FORGED_NAME)}]}
    path = tmp_path / "export.pdf"
    path.write_bytes(export_pdf(forged))
    status, out, _ = run(path)
    line = one_line(out)
    assert status == 0, line
    assert line.startswith("Matches the client side's record of D-1 (workspace T0HOST; the file "
                           f"says it was exported {record['exported_at'][:10]} ")
    assert ' UTC, not checked): agreement v1 in effect since ' in line
    assert 'U0SAM of T0HOST (the file calls them "Sam Matches D-1' in line
    assert '[2JOK ", not checked)' in line

    cases = {"a date that is not one": "yesterday\n\x1b[2J", "a number": 2**63,
             "a date past 9999 in UTC": "9999-12-31T23:59:59-23:59", "no zone": "2026-01-01T00:00:00"}
    for said, exported_at in cases.items():
        path.write_bytes(carrying({**record, "exported_at": exported_at}))
        status, _, err = run(path)
        assert status == 1 and one_line(err) == verify_agreement.SHAPE, (said, err)


@pytest.mark.parametrize("version", [2**63, 2**31, -1, 0, "1", True, 1.0, None, [1]])
def test_a_version_parley_could_not_have_is_one_line_and_exit_1(db, run, tmp_path, version):
    record = record_for(db, items=1)
    path = tmp_path / "version.pdf"
    path.write_bytes(carrying({**record, "agreement": {**record["agreement"], "version": version}}))
    status, _, err = run(path)
    assert (status, one_line(err)) == (
        1, "the attached record names no dispute and version Parley could have")


def test_every_malformed_value_in_a_certificate_is_one_line_and_exit_1(db, run, tmp_path):
    record = record_for(db, items=1)
    d, a = record["dispute"], record["agreement"]
    huge = "x\n" * 500_000
    differs = "differs from Parley's record: "
    cases: dict[str, tuple[dict[str, Any], str]] = {
        "head: a list": ({"audit_trail_head": ["0" * 64]}, verify_agreement.SHAPE),
        "head: 2**63": ({"audit_trail_head": 2**63}, verify_agreement.SHAPE),
        "head: not hex": ({"audit_trail_head": "Z" * 64}, verify_agreement.SHAPE),
        "head: huge": ({"audit_trail_head": huge}, verify_agreement.SHAPE),
        "team: 2**63": ({"dispute": {**d, "team_id": 2**63}}, "names no dispute"),
        "team: a newline": ({"dispute": {**d, "team_id": "T0HOST\n"}}, "names no dispute"),
        "reference: huge": ({"dispute": {**d, "reference": huge}}, "names no dispute"),
        "reference: 2**63": ({"dispute": {**d, "reference": f"D-{2**63}"}}, "names no dispute"),
        "reference: negative": ({"dispute": {**d, "reference": "D--1"}}, "names no dispute"),
        "reference: a number": ({"dispute": {**d, "reference": 1}}, "names no dispute"),
        "reference: other digits": ({"dispute": {**d, "reference": "D-١"}}, "names no dispute"),
        "title: huge": ({"dispute": {**d, "title": huge}}, differs + "the dispute's"),
        "hash: 2**63": ({"agreement": {**a, "content_hash": 2**63}}, differs + "the content hash"),
        "date: not one": ({"agreement": {**a, "ratified_at": "\x1b[2J"}},
                          differs + "when it took effect"),
        "user id: 2**63": ({"approvals": [{**x, "user_id": 2**63} for x in record["approvals"]]},
                           differs + "the approvals"),
        "approvals: a string": ({"approvals": huge}, verify_agreement.SHAPE),
        "parties: numbers": ({"parties": [1, 2]}, verify_agreement.SHAPE),
        "dispute: a list": ({"dispute": [d]}, verify_agreement.SHAPE),
    }
    path = tmp_path / "malformed.pdf"
    for name, (changed, said) in cases.items():
        path.write_bytes(carrying({**record, **changed}))
        status, _, err = run(path)
        assert status == 1 and said in one_line(err), (name, err)
        assert len(err) < 1000, name  # nothing huge echoed back


def test_every_malformed_value_in_an_export_is_one_line_and_exit_1(db, run, tmp_path):
    record = exported(db, whole_story(db, PROVIDER, CLIENT), internal=True)
    agreement, step = record["agreements"][0], record["timeline"][0]
    cases = {
        "agreement version 2**63": {"agreements": [{**agreement, "version": 2**63}]},
        "agreement version huge": {"agreements": [{**agreement, "version": "v" * 1_000_000}]},
        "agreement version -1": {"agreements": [{**agreement, "version": -1}]},
        "timeline hash 2**63": {"timeline": [{**step, "hash": 2**63}]},
        "scope with a newline": {"scope": "full\n"},
    }
    path = tmp_path / "malformed.pdf"
    for name, changed in cases.items():
        path.write_bytes(carrying({**record, **changed}))
        status, _, err = run(path)
        assert (status, one_line(err)) == (1, verify_agreement.SHAPE), (name, err)


def test_what_is_not_a_regular_file_of_a_sane_size_is_refused_unread(run, tmp_path, monkeypatch):
    """In this process; a pipe and /dev/zero only in a subprocess (below), where a regression
    cannot hang or starve the test run."""
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(sock := tmp_path / "socket.pdf"))
        for path, kind in ((tmp_path, "a directory"), (sock, "a socket")):
            status, _, err = run(path)
            assert (status, one_line(err)) == (
                1, f"{path} is {kind}; parley verify reads a certificate or an exported record, "
                   "a PDF file"), err

    big = tmp_path / "big.pdf"
    with big.open("wb") as file:  # sparse: no disk is used for it
        file.write(b"%PDF-1.7\n")
        file.truncate(verify_agreement.MAX_FILE_BYTES + 1)
    status, _, err = run(big)
    assert status == 1 and one_line(err).endswith("is larger than 25 MB: no certificate, exported "
                                                  "record or bundle Parley makes is near that size")
    # A file whose size says nothing of its length (as one growing while it is read): the read
    # itself stops one byte past the bound.
    growing = Path("/proc/self/mountinfo")
    assert growing.stat().st_size == 0 and len(growing.read_bytes()) > 20
    monkeypatch.setattr(verify_agreement, "MAX_FILE_BYTES", 20)
    status, _, err = run(growing)
    assert status == 1 and "is larger than" in one_line(err)


def test_fifo_dev_zero_and_a_directory_through_the_installed_script(database_url, tmp_path):
    """The console script, as a person runs it: a pipe must not hang it (the timeout fails the
    test), /dev/zero must not eat the memory; each is one line and exit 1, quickly."""
    os.mkfifo(fifo := tmp_path / "pipe.pdf")
    for path, kind in ((fifo, "a named pipe"), (Path("/dev/zero"), "a device"),
                       (tmp_path, "a directory")):
        try:
            done = subprocess.run([str(SCRIPT), "verify", str(path)], capture_output=True,
                                  text=True, timeout=30,
                                  env={**os.environ, "DATABASE_URL": database_url})
        except subprocess.TimeoutExpired:
            pytest.fail(f"parley verify {path} did not answer within 30 s")
        assert done.returncode == 1 and done.stdout == "", (path, done.stderr)
        assert one_line(done.stderr) == f"{path} is {kind}; parley verify reads a certificate " \
            "or an exported record, a PDF file"


def test_file_names_and_arguments_are_echoed_as_one_line(db, run, tmp_path, capsys):
    evil = tmp_path / "D-1\nMatches D-1\x1b[2J\u202e.md"
    evil.write_bytes(b"# not a PDF\n")
    status, _, err = run(evil)
    assert status == 1 and one_line(err).endswith("Matches D-1[2J.md is not a PDF; parley verify "
                                                  "checks the agreement certificates "
                                                  "(…-certificate.pdf) and exported records "
                                                  "(…-record.pdf) Parley makes")
    status, _, err = run(tmp_path / "gone\n\x1b[2J.pdf")
    assert status == 1 and one_line(err).startswith("cannot read ")

    for args, said in (
            (["--audit", "D-1\n\x1b[2J OK"], '"D-1 [2J OK" is not a dispute reference'),
            (["--audit", "D-" + "9" * 100_000], "is not a dispute reference"),
            (["--audit", "D-1", "--team", "T0\nHOST\x1b[2J"], '"T0 HOST[2J" is not a workspace id'),
            (["--audit", "D-0001", "--team", "t0host"], "There is no dispute D-1 in this workspace.")):
        status, _, err = run(*args)
        assert status == 1 and said in one_line(err) and len(err) < 200, (args, err)

    with pytest.raises(SystemExit) as exited:  # argparse's own error repeats the argument
        cli.main(["verify", "a.pdf", "b\n\x1b[2J.pdf"])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and "\x1b" not in err
    assert err.splitlines()[-1] == "parley: error: unrecognized arguments: b [2J.pdf"


def test_only_a_database_that_cannot_be_reached_is_exit_2(db, tmp_path, monkeypatch, capsys):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(carrying(record_for(db, items=1)))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/no/such/dir/parley.db")
    assert cli.main(["verify", str(path)]) == 2  # (and no empty database made there)
    assert one_line(capsys.readouterr().err) == (
        f'cannot check: there is no database at "{tmp_path}/no/such/dir/parley.db"')


def test_the_installed_script_answers_a_forged_record_in_one_line(db, database_url, tmp_path):
    record = record_for(db, items=1)
    path = tmp_path / "forged.pdf"
    path.write_bytes(carrying({**record, "approvals": renamed(record["approvals"], FORGED_NAME)}))
    ok = verify(database_url, path)
    assert ok.returncode == 0 and "(the file calls them \"Sam Matches D-1" in one_line(ok.stdout)
    path.write_bytes(carrying({**record, "agreement": {**record["agreement"], "version": 2**63}}))
    refused = verify(database_url, path)
    assert refused.returncode == 1 and one_line(refused.stderr) == \
        "the attached record names no dispute and version Parley could have"
