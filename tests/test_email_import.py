"""The e-mail importer: .eml, folders and .mbox into message records, through to storage."""

from __future__ import annotations

import json
import mailbox
import random
import shutil
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from crmsense.errors import UnusableInputError
from crmsense.ingest.base import ImportOptions, Item, Problem, Read
from crmsense.ingest.email import EmailImporter
from crmsense.ingest.pipeline import ingest_paths
from crmsense.store import Database, open_database
from crmsense.store import models as m
from crmsense.store.queries import record_counts
from crmsense.text.autoreply import auto_reply_reason

FIXTURES = Path(__file__).parent / "fixtures" / "email"
VENDOR = ImportOptions(own_domains=("vendor.example",))


def read(path: Path, options: ImportOptions = VENDOR) -> list[Read]:
    return list(EmailImporter().read(path, options))


def items(path: Path, options: ImportOptions = VENDOR) -> list[dict[str, Any]]:
    reads = read(path, options)
    assert all(isinstance(r, Item) for r in reads), reads
    return [r.data for r in reads if isinstance(r, Item)]


def write_eml(path: Path, body: str, **headers: str) -> Path:
    msg = EmailMessage()
    defaults = {"From": "Jane Roe <jane.roe@acme.example>", "To": "sam@vendor.example",
                "Subject": "Rollout", "Date": "Mon, 3 Oct 2026 10:00:00 +0000"}  # fmt: skip
    for name, value in (defaults | headers).items():
        if value:
            msg[name.replace("_", "-")] = value
    msg.set_content(body)
    path.write_bytes(msg.as_bytes())
    return path


EXPECTED: dict[str, dict[str, Any]] = {
    "gmail_reply.eml": {
        "id": "CAF9xYz_Q2hW+reply-1@mail.gmail.example",
        "sender": "jane.roe@acme.example",
        "direction": "inbound",
        "timestamp": "2026-10-03T11:31:07Z",
        "subject": "Re: Export fixed",
        "thread_id": "CAKx7nQm=export-fixed@mail.vendor.example",
        "auto_reply": False,
        "text": "Hi Sam,\n\nThanks for the quick turnaround. The new export works for our "
        "finance team,\nbut the SSO login still fails for about a third of our users since "
        "the\nupdate. This is blocking the rollout to the Düsseldorf office.\n\n"
        "Can we get someone on a call this week?",
    },
    "outlook_reply.eml": {
        "id": "AM0PR02MB5123D4E5F6A7B8C9D0E1F2A3B4C5D@AM0PR02MB5123.eurprd02.prod.outlook.example",
        "sender": "markus.weber@globex.example",
        "timestamp": "2026-10-04T08:15:22Z",
        "subject": "AW: Renewal proposal – 2027",
        "thread_id": "renewal-2027.proposal@mail.vendor.example",
        "auto_reply": False,
        "text": "Hi Sam,\n\nWe’ve reviewed the renewal proposal. Frankly, a 12% increase is "
        "hard to justify when the reporting module still doesn’t work for our München team. "
        "Our CFO has asked me to evaluate alternatives before we sign.\n\n"
        "Please send a revised offer by Friday – ideally under €40,000.",
    },
    "apple_reply.eml": {
        "id": "6E1B2C3D-4A5F-4E6D-9C8B-7A6F5E4D3C2B@acme.example",
        "timestamp": "2026-10-03T08:47:31Z",
        "thread_id": "escalation-call.1@mail.vendor.example",
        "auto_reply": False,
        "text": "Hi Sam,\n\nThat works for us. Tuesday 14:00 CET is fine, I’ll bring our IT lead.",
    },
    "out_of_office.eml": {
        "auto_reply": True,
        "text": "Thank you for your message. I am currently out of the office until 14 October"
        "\nwith limited access to e-mail. For urgent matters please contact\n"
        "it-support@globex.example.\n\nMarkus Weber",
    },
    "ticket_receipt.eml": {
        "auto_reply": True,
        "thread_id": "ticket-48213-ack@helpdesk.initech.example",
        "timestamp": "2026-10-05T13:00:05Z",
        "text": "Hello Sam,\n\nThank you for contacting Initech Support. Your request (#48213) "
        "has been received and is being reviewed by our support staff.\n\n"
        "To add additional comments, reply to this email.",
    },
    "forwarded_with_comment.eml": {
        "thread_id": "service outage notification",
        "auto_reply": False,
        "text": "Sam, see below. This is the third outage this month and our board is asking\n"
        "whether we should renew at all. We need a call with your CTO.",
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_becomes_one_message_with_only_the_new_text(name: str) -> None:
    (record,) = items(FIXTURES / name)
    assert record["type"] == "message" and record["channel"] == "email"
    assert {key: record[key] for key in EXPECTED[name]} == EXPECTED[name]
    assert "Sam Lee" not in record["text"] and ">" not in record["text"]


def test_html_only_version_gives_the_same_text(tmp_path: Path) -> None:
    original = BytesParser(policy=policy.default).parsebytes(
        (FIXTURES / "gmail_reply.eml").read_bytes()
    )
    html_part = original.get_body(preferencelist=("html",))
    assert html_part is not None
    html_only = write_eml(tmp_path / "html.eml", "placeholder")
    msg = BytesParser(policy=policy.default).parsebytes(html_only.read_bytes())
    msg.set_content(html_part.get_content(), subtype="html")
    html_only.write_bytes(msg.as_bytes())
    (record,) = items(html_only)
    assert record["text"] == (
        "Hi Sam,\n\nThanks for the quick turnaround. The new export works for our finance team, "
        "but the SSO login still fails for about a third of our users since the update. This is "
        "blocking the rollout to the Düsseldorf office.\n\nCan we get someone on a call this week?"
    )


def test_outbound_when_the_sender_is_ours() -> None:
    answer = FIXTURES / "folder" / "2026-10" / "replies" / "answer.eml"
    assert items(answer)[0]["direction"] == "outbound"
    assert items(answer, ImportOptions())[0]["direction"] == "inbound"
    sub = ImportOptions(own_domains=("example",))
    assert items(answer, sub)[0]["direction"] == "outbound"  # subdomains count as ours
    assert items(answer)[0]["recipients"] == ["jane.roe@acme.example"]


@pytest.mark.parametrize(
    ("headers", "subject", "text", "reason"),
    [
        ({"auto-submitted": "auto-replied"}, "Re: x", "", "header Auto-Submitted: auto-replied"),
        ({"auto-submitted": "auto-generated; type=ooo"}, "x", "", "header Auto-Submitted: "
         "auto-generated; type=ooo"),
        ({"x-autoreply": "yes"}, "x", "", "header X-Autoreply: yes"),
        ({"x-autorespond": "1"}, "x", "", "header X-Autorespond: 1"),
        ({"precedence": "bulk"}, "x", "", "header Precedence: bulk"),
        ({"precedence": "auto_reply"}, "x", "", "header Precedence: auto_reply"),
        ({"x-auto-response-suppress": "All"}, "x", "", "header X-Auto-Response-Suppress: All"),
        ({}, "Out of Office: Renewal", "", "subject"),
        ({}, "Automatische Antwort: Rechnung", "", "subject"),
        ({}, "[Ticket #4411] Request received: Login", "", "subject"),
        ({}, "Re: Renewal", "Hello, I am currently away and will return on 14 October.",
         "wording"),
        ({}, "Re: QBR", "Hi, I'm currently on parental leave and will be back on 2 January.",
         "wording"),
        ({}, "Re: Rechnung", "Vielen Dank. Ich bin bis 14.10. nicht im Büro.", "wording"),
        ({}, "Re: Facture", "Je suis actuellement absente jusqu'au 14 octobre.", "wording"),
        ({}, "x", "This is an automated message. Please do not reply.", "wording"),
        ({}, "Re: Help", "We have received your request and will respond within 24 hours.",
         "wording"),
        # bounces
        ({}, "Undeliverable: Q3 renewal proposal", "", "subject"),
        ({}, "Delivery Status Notification (Failure)", "", "subject"),
        ({}, "Mail delivery failed: returning message to sender", "", "subject"),
        ({}, "Undelivered Mail Returned to Sender", "", "subject"),
        ({}, "", "Delivery has failed to these recipients or groups: kim@example.com",
         "wording"),
        ({}, "", "Address not found\n\nYour message wasn't delivered to j.doe@example.com "
         "because the address couldn't be found.", "wording"),
        ({}, "", "This message was created automatically by mail delivery software.\n\nA "
         "message that you sent could not be delivered to one or more of its recipients.",
         "wording"),
        ({}, "", "This is the mail system at host mx.example.com. I'm sorry to have to inform "
         "you that your message could not be delivered.", "wording"),
        # unattended mailboxes
        ({}, "", "This mailbox is no longer monitored. Please write to help@acme.example.",
         "wording"),
        ({}, "Your statement", "Replies to this e-mail are not read. Questions? Call us.",
         "wording"),
        ({}, "", "Please note this sender address cannot receive replies.", "wording"),
        ({}, "", "Dana Reyes has retired. This mailbox will be closed on 1 May.", "wording"),
        ({}, "", "Your e-mail arrived, but the recipient is on leave until 3 June.", "wording"),
    ],
)  # fmt: skip
def test_auto_replies_are_recognised(
    headers: dict[str, str], subject: str, text: str, reason: str
) -> None:
    assert auto_reply_reason(headers, subject, text) == reason


@pytest.mark.parametrize(
    ("headers", "subject", "text"),
    [
        ({"auto-submitted": "no"}, "Re: Renewal", "Let us talk on Monday."),
        ({"precedence": "list"}, "Re: Renewal", "Fine by me."),
        ({}, "Re: out of office question", "I was out of office last week; still broken."),
        ({}, "Re: Case 123 opened", "Why is case 123 still open?"),
        ({}, "Re: x", "Long story. " * 60 + "I am currently away until Monday."),
        ({}, "Delivery failure on order 4411", "The courier never came. Please call me."),
        ({}, "Re: billing", "My e-mails to billing bounce with 'Undeliverable', please check."),
        ({}, "Re: x", "Your message wasn't clear to me - which export do you mean?"),
        ({}, "Re: x", "Our shared inbox is not monitored at weekends, sorry! It works now."),
        ({}, "Re: x", "Is this mailbox monitored? Nobody has answered my three e-mails."),
    ],
)
def test_human_replies_are_not_auto_replies(
    headers: dict[str, str], subject: str, text: str
) -> None:
    assert auto_reply_reason(headers, subject, text) is None


def test_mbox_messages_each_with_their_line() -> None:
    reads = read(FIXTURES / "mailbox.mbox")
    assert [r.where.line for r in reads] == [1, 26, 43, 56]
    records = [r.data for r in reads if isinstance(r, Item)]
    assert [r["text"] for r in records] == [
        "Hallo Sam,\n\nleider funktioniert der Export immer noch nicht. Können wir morgen "
        "früh\ntelefonieren?",
        "Bonjour Sam,\n\nMerci pour votre retour rapide, tout fonctionne parfaitement maintenant.",
        "Hi Anna,\n\nFrom the logs we can see the export job timed out. A fix ships "
        "tomorrow.\n\nSam",  # the mbox escape ">From" is undone, not taken for a quote
        "Usage is down 30%\n\nsince the migration\n\nPlease advise & call us",
    ]
    assert [r["direction"] for r in records] == ["inbound", "inbound", "outbound", "inbound"]
    assert records[1]["subject"] == "Re: Correctif déployé"
    assert records[2]["thread_id"] == "export"  # no References: the subject, "Re: AW:" stripped
    no_message_id = records[2]["id"]
    assert no_message_id.startswith("email-") and len(no_message_id) == 38
    assert items(FIXTURES / "mailbox.mbox")[2]["id"] == no_message_id  # stable


def test_mbox_written_by_the_standard_library(tmp_path: Path) -> None:
    box = mailbox.mbox(tmp_path / "out.mbox")
    for n in range(3):
        msg = EmailMessage()
        msg["From"], msg["Subject"] = f"user{n}@acme.example", f"Note {n}"
        msg["Date"], msg["Message-ID"] = "Tue, 4 Oct 2026 10:00:00 +0000", f"<n{n}@acme.example>"
        msg.set_content(f"From now on, case {n} is urgent.\n\nOn Mon, Sam <s@v.ex> wrote:\n> x")
        box.add(msg)
    box.flush()
    box.close()
    records = items(tmp_path / "out.mbox")
    assert [r["text"] for r in records] == [f"From now on, case {n} is urgent." for n in range(3)]
    assert EmailImporter().sniff(tmp_path / "out.mbox")


def test_mbox_separators_and_body_lines_starting_with_from(tmp_path: Path) -> None:
    path = tmp_path / "takeout.mbox"
    path.write_bytes(
        b"From 1@acme.example Mon Oct  3 10:00:00 2026\nFrom: a@acme.example\n"
        b"Date: Mon, 3 Oct 2026 10:00:00 +0000\nMessage-ID: <1@acme.example>\n\n"
        b"Line one\nFrom here on it works.\n"  # not a separator: no blank line, no date
        b"From 2@acme.example Mon Oct 03 10:05:00 +0000 2026\nFrom: b@acme.example\n"
        b"Date: Mon, 3 Oct 2026 10:05:00 +0000\nMessage-ID: <2@acme.example>\n\nSecond.\n"
    )
    reads = read(path)
    assert [r.where.line for r in reads] == [1, 8]
    assert [r.data["text"] for r in reads if isinstance(r, Item)] == [
        "Line one\nFrom here on it works.",
        "Second.",
    ]


def test_folder_is_read_recursively_and_other_files_ignored() -> None:
    folder = FIXTURES / "folder"
    assert EmailImporter().sniff(folder)
    reads = read(folder)
    assert [Path(r.where.file).name for r in reads] == ["question.eml", "answer.eml"]
    threads = [r.data["thread_id"] for r in reads if isinstance(r, Item)]
    assert threads == ["training-q@acme.example"] * 2


def test_folder_without_email_is_unusable(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    assert not EmailImporter().sniff(tmp_path)
    with pytest.raises(UnusableInputError, match=r"no \.eml or \.mbox files"):
        read(tmp_path)


def test_bad_files_in_a_folder_are_problems_and_good_ones_land() -> None:
    reads = {Path(r.where.file).name: r for r in read(FIXTURES / "bad")}
    assert isinstance(reads["fine.eml"], Item)
    garbage, no_date = reads["garbage.eml"], reads["no_date.eml"]
    assert isinstance(garbage, Problem) and "binary" in garbage.message
    assert isinstance(no_date, Problem) and no_date.field == "Date"
    assert "Date header" in no_date.fix
    assert no_date.raw["text"] == "Is the API limit per user or per workspace?"


def test_binary_file_on_its_own_is_unusable() -> None:
    with pytest.raises(UnusableInputError, match="binary data"):
        read(FIXTURES / "bad" / "garbage.eml")


def test_unparseable_date_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "d.eml"
    path.write_bytes(b"From: jane.roe@acme.example\nDate: next Tuesday-ish\n\nHello\n")
    (problem,) = read(path)
    assert isinstance(problem, Problem) and problem.field == "Date"
    assert "'next Tuesday-ish'" in problem.message


@pytest.mark.parametrize(
    ("name", "text", "subject"),
    [
        ("utf16_file.eml", "Die Synchronisierung läuft jetzt stabil.", "Saved by a Windows tool"),
        ("utf16_part.eml", "Das Dashboard lädt sehr langsam.", "UTF-16 body"),
        ("wrong_charset.eml", "La facture reçue est erronée, merci de la corriger très vite.",
         "Facture"),
        ("latin1_no_charset.eml", "Je n'arrive plus à me connecter depuis hier. Très gênant.",
         "Problème d'accès"),
        ("empty_body.eml", "", "(no subject)"),
        ("attachment_only.eml", "Logs attached, the crash happens on every login.", "Logs"),
    ],
)  # fmt: skip
def test_charsets_and_odd_bodies(name: str, text: str, subject: str) -> None:
    (record,) = items(FIXTURES / "odd" / name)
    assert (record["text"], record["subject"]) == (text, subject)


def test_sniff_by_suffix_and_by_content(tmp_path: Path) -> None:
    importer = EmailImporter()
    headers_only = tmp_path / "message"
    shutil.copy(FIXTURES / "apple_reply.eml", headers_only)
    mbox_no_suffix = tmp_path / "Inbox"
    shutil.copy(FIXTURES / "mailbox.mbox", mbox_no_suffix)
    jsonl = tmp_path / "a.txt"
    jsonl.write_text('{"type": "account", "id": "a", "name": "A"}\n')
    csv = tmp_path / "b.txt"
    csv.write_text("from,date,subject\njane@acme.example,2026-10-01,hi\n")
    assert importer.sniff(FIXTURES / "gmail_reply.eml")
    assert importer.sniff(headers_only) and importer.sniff(mbox_no_suffix)
    assert not importer.sniff(jsonl) and not importer.sniff(csv)
    assert len(items(mbox_no_suffix)) == 4


def test_thread_ids(tmp_path: Path) -> None:
    def thread(**headers: str) -> str | None:
        (record,) = items(write_eml(tmp_path / "t.eml", "Hi", **headers))
        return record["thread_id"]

    assert thread(Message_ID="<own@x>", References="<root@x> <mid@x>", In_Reply_To="<mid@x>") == (
        "root@x"
    )
    assert thread(Message_ID="<own@x>", In_Reply_To="<parent@x>") == "parent@x"
    assert thread(Message_ID="<own@x>", Subject="Kick-off") == "own@x"  # a thread's first message
    assert thread(Message_ID="<own@x>", Subject="RE: AW: Fwd:  Kick-off  plan") == "kick-off plan"
    assert thread(Message_ID="", Subject="Kick-off") == "kick-off"


def test_missing_message_id_gives_a_stable_id_that_depends_on_the_body(tmp_path: Path) -> None:
    first = items(write_eml(tmp_path / "a.eml", "Broken again."))[0]["id"]
    again = items(write_eml(tmp_path / "b.eml", "Broken again."))[0]["id"]
    other = items(write_eml(tmp_path / "c.eml", "Works now."))[0]["id"]
    assert first == again != other


def test_defaults_and_source_apply(tmp_path: Path) -> None:
    options = ImportOptions(source="helpdesk", defaults={"account_id": "acme", "channel": "note"})
    (record,) = items(write_eml(tmp_path / "a.eml", "Hi"), options)
    assert record["account_id"] == "acme" and record["source"] == "helpdesk"
    assert record["channel"] == "email"  # a default never overrides what the e-mail says


def test_one_megabyte_body(tmp_path: Path) -> None:
    body = "The sync keeps failing and we are losing patience.\n" * 20_000
    (record,) = items(write_eml(tmp_path / "big.eml", body))
    assert record["text"] == body.strip()


def test_mutated_emails_give_records_or_problems_never_exceptions(tmp_path: Path) -> None:
    sources = [p.read_bytes() for p in sorted(FIXTURES.glob("*.eml"))]
    rng = random.Random(20261003)
    path = tmp_path / "m.eml"
    for _ in range(150):
        data = bytearray(rng.choice(sources))
        for _ in range(rng.randint(1, 12)):
            at = rng.randrange(len(data))
            if rng.random() < 0.5:
                data[at] = rng.randrange(256)
            else:
                data[at:at] = rng.choice([b"\r\n\r\n", b"=?utf-8?b?", b"--", b"\x00", b"<", b":"])
        path.write_bytes(bytes(data))
        try:
            reads = read(path)
        except UnusableInputError:
            continue
        assert len(reads) == 1 and isinstance(reads[0], Item | Problem)


# --- through the pipeline into the database -------------------------------------------

WORKSPACE = [
    {"type": "account", "id": "acme", "name": "Acme Corp", "domain": "acme.example"},
    {"type": "account", "id": "globex", "name": "Globex GmbH", "domain": "globex.example"},
    {"type": "contact", "id": "c-17", "account_id": "acme", "name": "Jane Roe",
     "email": "jane.roe@acme.example", "role": "decision_maker"},
]  # fmt: skip
MAIL = ["gmail_reply.eml", "outlook_reply.eml", "apple_reply.eml", "out_of_office.eml",
        "forwarded_with_comment.eml"]  # fmt: skip


def workspace(db: Database, tmp_path: Path) -> Path:
    seed = tmp_path / "ws.jsonl"
    seed.write_text("".join(json.dumps(r) + "\n" for r in WORKSPACE))
    assert ingest_paths(db, [seed]).exit_code == 0
    mail = tmp_path / "mail"
    (mail / "sub").mkdir(parents=True)
    for n, name in enumerate(MAIL):
        shutil.copy(FIXTURES / name, mail / ("sub" if n % 2 else ".") / name)
    return mail


def test_ingest_resolves_accounts_and_stores_new_text(db: Database, tmp_path: Path) -> None:
    mail = workspace(db, tmp_path)
    report = ingest_paths(db, [mail], fmt="email", options=VENDOR,
                          rejects_path=tmp_path / "rejects.jsonl")  # fmt: skip
    assert report.exit_code == 0, report.rejected
    assert report.accepted["message"] == len(MAIL)
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(m.Message.external_id, m.Account.external_id, m.Contact.external_id,
                   m.Message.text, m.Message.auto_reply, m.Message.thread_id)
            .join(m.Account, m.Message.account_id == m.Account.id)
            .outerjoin(m.Contact, m.Message.contact_id == m.Contact.id)
        ).all()  # fmt: skip
    by_id = {row[0]: row[1:] for row in rows}
    gmail = by_id["CAF9xYz_Q2hW+reply-1@mail.gmail.example"]
    assert gmail[:2] == ("acme", "c-17")  # by the contact's e-mail
    assert gmail[2] == EXPECTED["gmail_reply.eml"]["text"]
    outlook = by_id[EXPECTED["outlook_reply.eml"]["id"]]
    assert outlook[:2] == ("globex", None)  # by the sender's domain
    assert outlook[2] == EXPECTED["outlook_reply.eml"]["text"]
    assert sorted(row[4] for row in rows) == [False, False, False, False, True]


def test_reimport_adds_nothing(db: Database, tmp_path: Path) -> None:
    mail = workspace(db, tmp_path)
    mbox = tmp_path / "box.mbox"
    shutil.copy(FIXTURES / "mailbox.mbox", mbox)
    options = ImportOptions(own_domains=("vendor.example",), defaults={"account_id": "acme"})
    first = ingest_paths(db, [mail, mbox], fmt="email", options=options)
    counts = record_counts(db)
    second = ingest_paths(db, [mail, mbox], fmt="email", options=options)
    assert first.exit_code == second.exit_code == 0
    assert first.accepted == second.accepted
    assert record_counts(db) == counts and counts["message"] == len(MAIL) + 4


def test_cli_ingest_email(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from crmsense.cli import app

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    mail = tmp_path / "mail"
    shutil.copytree(FIXTURES / "folder", mail)
    args = ["ingest", str(mail), "--format", "email", "--db", url, "--set", "account_id=acme",
            "--own-domain", "vendor.example"]  # fmt: skip
    result = runner.invoke(app, [*args, "--rejects", str(tmp_path / "unknown.jsonl")])
    assert result.exit_code == 3, result.output  # account "acme" does not exist yet
    seed = tmp_path / "ws.jsonl"
    seed.write_text(json.dumps(WORKSPACE[0]) + "\n")
    assert runner.invoke(app, ["ingest", str(seed), "--db", url, "--quiet"]).exit_code == 0
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["accepted"] == {"message": 2}
    assert runner.invoke(app, [*args, "--quiet"]).exit_code == 0
    stats = runner.invoke(app, ["stats", "--format", "json", "--db", url])
    assert json.loads(stats.stdout)["message"] == 2
    database = open_database(url)
    with database.engine.connect() as conn:
        directions = dict(conn.execute(select(m.Message.sender, m.Message.direction)).all())
    database.dispose()
    assert directions == {"jane.roe@acme.example": "inbound", "sam@vendor.example": "outbound"}
    bad = runner.invoke(app, ["ingest", str(FIXTURES / "bad"), "--format", "email", "--db", url,
                              "--set", "account_id=acme", "--quiet",
                              "--rejects", str(tmp_path / "rejects.jsonl")])  # fmt: skip
    assert bad.exit_code == 3
    rejects = [json.loads(line) for line in (tmp_path / "rejects.jsonl").read_text().splitlines()]
    assert sorted(r["field"] for r in rejects) == ["Date", "file"]
    garbage = runner.invoke(app, ["ingest", str(FIXTURES / "bad" / "garbage.eml"), "--format",
                                  "email", "--db", url, "--quiet"])  # fmt: skip
    assert garbage.exit_code == 2
