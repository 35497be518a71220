"""Only the new text of an e-mail: quoted history, forwards, signatures and disclaimers out."""

from __future__ import annotations

import time

import pytest

from crmsense.text.reply import new_text

GMAIL = """Hi Sam,

The SSO login still fails for a third of our users.

On Mon, 3 Oct 2026 at 10:02, Sam Lee <sam@vendor.example> wrote:

> Hi Jane, the fix is live.
>
> On Fri, 30 Sep 2026 at 16:40, Jane Roe <jane@acme.example> wrote:
>> The export is broken.
"""

GMAIL_WRAPPED = """Still broken, sorry.

On Mon, 3 Oct 2026 at 10:02, Sam Lee via Support <support-noreply@vendor.example>
wrote:

> Please try again.
"""

OUTLOOK_PLAIN = """Hi Sam,

We cannot accept these terms.

-----Original Message-----
From: Sam Lee <sam@vendor.example>
Sent: Monday, October 3, 2026 4:12 PM
To: Markus Weber <markus.weber@globex.example>
Subject: Renewal terms

Please find the terms attached.
"""

OUTLOOK_HEADER_BLOCK = """The new dashboard is much faster, thank you.

________________________________
From: Sam Lee <sam@vendor.example>
Sent: Monday, October 3, 2026 4:12 PM
To: Markus Weber <markus.weber@globex.example>
Subject: Dashboard release

We have released the new dashboard.
"""

OUTLOOK_BOLD_HEADERS = """Approved from our side.

*From:* Sam Lee <sam@vendor.example>
*Sent:* Monday, October 3, 2026 4:12 PM
*To:* Markus Weber <markus.weber@globex.example>
*Subject:* Budget

Can you approve the budget?
"""

OUTLOOK_GERMAN = """Das passt für uns.

Von: Sam Lee <sam@vendor.example>
Gesendet: Montag, 3. Oktober 2026 16:12
An: Markus Weber <markus.weber@globex.example>
Betreff: Termin

Passt Dienstag?
"""

APPLE = """Sounds great, see you Tuesday.

> On 3 Oct 2026, at 10:02, Sam Lee <sam@vendor.example> wrote:
>
> Would Tuesday work?
"""

APPLE_UNQUOTED_ATTRIBUTION = """Sounds great, see you Tuesday.

On 3 Oct 2026, at 10:02, Sam Lee <sam@vendor.example> wrote:

> Would Tuesday work?
"""

APPLE_FORWARD = """Sam, this is what our users see every morning.

Begin forwarded message:

From: Monitoring <alerts@acme.example>
Subject: Sync failed
Date: 3 October 2026 at 06:00:00 CEST
To: IT Team <it@acme.example>

Sync job failed: timeout after 300 s.
"""

GMAIL_FORWARD = """FYI - third outage this month.

---------- Forwarded message ---------
From: Initech Status <status@initech.example>
Date: Sun, 2 Oct 2026 at 23:10
Subject: Outage
To: <it-team@acme.example>


The API was unavailable for two hours.
"""

FORWARD_WITHOUT_COMMENT = """---------- Forwarded message ---------
From: Jane Roe <jane@acme.example>
Date: Sun, 2 Oct 2026 at 23:10
Subject: Cancellation
To: Sam Lee <sam@vendor.example>,
 Dana Park <dana@vendor.example>


We have decided not to renew our contract.

Regards,
Jane Roe
"""

INLINE = """On Mon, 3 Oct 2026 at 10:02, Sam Lee <sam@vendor.example> wrote:
> Can we move the call to Friday?
No, Friday is impossible for us.
> And is the budget approved?
Yes, approved yesterday.
"""

FRENCH = """Merci, c'est parfait.

Le lun. 3 oct. 2026 à 10:02, Sam Lee <sam@vendor.example> a
écrit :

> Bonjour Claire,
"""

GERMAN = """Leider immer noch kaputt.

Am 03.10.2026 um 10:02 schrieb Sam Lee <sam@vendor.example>:

Hallo Anna, der Fix ist live.
"""

SIGNATURE_BLOCK = """Hi Sam,

Can you send the invoice again? The PO number is missing.

Best regards,
Jane Roe
VP Operations | Acme Corp
Tel: +1 (555) 010-2030
www.acme.example
"""

SIGNATURE_DELIMITER = """Please cancel the order.

--
Jane Roe
Acme Corp, 1 Main Street
"""

MOBILE = """Will check tonight.

Sent from my iPhone
"""

DISCLAIMER = """Please call me tomorrow about the renewal.

Thanks,
Jane

This email and any attachments are confidential and intended solely for the
addressee. If you are not the intended recipient, please delete it.

Acme Corp is registered in England, company registration number 01234567.
"""

BANNER = """CAUTION: This email originated from outside of the organization. Do not click
links or open attachments unless you recognize the sender.

Hi Sam, the invoice total is wrong again.
"""


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (GMAIL, "Hi Sam,\n\nThe SSO login still fails for a third of our users."),
        (GMAIL_WRAPPED, "Still broken, sorry."),
        (OUTLOOK_PLAIN, "Hi Sam,\n\nWe cannot accept these terms."),
        (OUTLOOK_HEADER_BLOCK, "The new dashboard is much faster, thank you."),
        (OUTLOOK_BOLD_HEADERS, "Approved from our side."),
        (OUTLOOK_GERMAN, "Das passt für uns."),
        (APPLE, "Sounds great, see you Tuesday."),
        (APPLE_UNQUOTED_ATTRIBUTION, "Sounds great, see you Tuesday."),
        (APPLE_FORWARD, "Sam, this is what our users see every morning."),
        (GMAIL_FORWARD, "FYI - third outage this month."),
        (INLINE, "No, Friday is impossible for us.\nYes, approved yesterday."),
        (FRENCH, "Merci, c'est parfait."),
        (GERMAN, "Leider immer noch kaputt."),
    ],
    ids=["gmail", "gmail-wrapped", "outlook-original", "outlook-divider", "outlook-bold",
         "outlook-german", "apple", "apple-unquoted", "apple-forward", "gmail-forward",
         "inline", "french", "german"],
)  # fmt: skip
def test_quoted_history_is_removed(body: str, expected: str) -> None:
    assert new_text(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (SIGNATURE_BLOCK, "Hi Sam,\n\nCan you send the invoice again? The PO number is missing."),
        (SIGNATURE_DELIMITER, "Please cancel the order."),
        (MOBILE, "Will check tonight."),
        (DISCLAIMER, "Please call me tomorrow about the renewal."),
        (BANNER, "Hi Sam, the invoice total is wrong again."),
        ("Danke, läuft wieder.\n\nMit freundlichen Grüßen\nAnna Schmidt\nLeiterin Vertrieb",
         "Danke, läuft wieder."),
    ],
    ids=["signoff-block", "delimiter", "mobile", "disclaimer", "banner", "german-signoff"],
)  # fmt: skip
def test_signatures_and_disclaimers_are_removed(body: str, expected: str) -> None:
    assert new_text(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Thanks,\nJane", "Thanks,"),  # a sign-off that is the whole message keeps its first line
        ("Best regards,\nJane Roe\nCTO, Acme Corp", "Best regards,"),
        ("Thanks!\nThat fixed it.", "Thanks!\nThat fixed it."),  # a sentence is not a name
        ("Thanks\nthe export works now", "Thanks\nthe export works now"),
        ("The export works.\n\nBest,\nJane\n\nP.S. The API still times out.",
         "The export works.\n\nBest,\nJane\n\nP.S. The API still times out."),
        ("Here is the report:\nhttps://acme.example/report/123",
         "Here is the report:\nhttps://acme.example/report/123"),  # one link is content
        ("This email is confidential: we are talking to another vendor.\n\nRegards,\nJane",
         "This email is confidential: we are talking to another vendor."),
        ("On Monday we go live. Are you ready?", "On Monday we go live. Are you ready?"),
        ("From: the whole team, thank you!", "From: the whole team, thank you!"),
        ("Impact:\n>50 users cannot log in.", "Impact:\n>50 users cannot log in."),
    ],
    ids=["thanks-jane", "signoff-only", "thanks-sentence", "lowercase-sentence", "postscript",
         "link", "confidential-first-paragraph", "on-monday", "from-colon", "greater-than"],
)  # fmt: skip
def test_real_content_is_kept(body: str, expected: str) -> None:
    assert new_text(body) == expected


def test_forward_without_comment_keeps_the_forwarded_message() -> None:
    assert new_text(FORWARD_WITHOUT_COMMENT) == "We have decided not to renew our contract."


def test_all_quoted_body_keeps_the_top_most_quoted_message() -> None:
    body = "> We will not renew.\n>\n> On Mon, Sam <sam@vendor.example> wrote:\n>> Renewal?"
    assert new_text(body) == "We will not renew."


@pytest.mark.parametrize("body", ["", "\n\n  \n", "-- \nJane Roe", "Sent from my iPhone"])
def test_nothing_written_gives_empty_text(body: str) -> None:
    assert new_text(body) == ""


def test_windows_line_endings() -> None:
    assert new_text(GMAIL.replace("\n", "\r\n")) == new_text(GMAIL)


def test_one_megabyte_body_is_fast_and_kept() -> None:
    line = "The export failed again on Monday and nobody called us back. " * 12
    body = "\n".join([line.strip()] * 1400) + "\n\nOn Mon, 3 Oct, Sam <s@v.example> wrote:\n> x"
    started = time.perf_counter()
    text = new_text(body)
    assert time.perf_counter() - started < 2.0
    assert text == "\n".join([line.strip()] * 1400)
    assert len(text) > 1_000_000
