"""Text templates of the sample workspace: realistic business English, with variety.

Placeholders are filled by :mod:`crmsense.demo.generate` with ``str.format``: ``{first}``
(the customer contact), ``{rep}`` (the vendor person), ``{feature}``, ``{issue}`` (``{Issue}``
capitalised), ``{competitor}``, ``{n}``, ``{day}``, ``{renewal}``, ``{invoice}``, ``{amount}``,
``{other}``.
Categories used only as replies have no subjects of their own (the reply is "Re: …"); the
deal categories are in the order a deal moves through them.
Negative templates use the words people really write when things go wrong ("still
waiting", "unacceptable", "escalate"); positive and neutral ones avoid them.
"""

from __future__ import annotations

__all__ = [
    "CALLS",
    "CHAT",
    "COMPETITORS",
    "FEATURES",
    "FIRST_NAMES",
    "FOREIGN",
    "INBOUND",
    "ISSUES",
    "LAST_NAMES",
    "NOTES",
    "OUTBOUND",
    "OUT_OF_OFFICE",
    "SOCIAL",
    "SURVEY_COMMENTS",
    "TICKETS",
    "TRANSACTIONAL_OUT",
]

#: Fictional competitors the demo configures for competitor detection.
COMPETITORS = ("Rivalytics", "ChurnCo")

FEATURES = (
    "the reporting module", "SSO", "the Salesforce sync", "the public API", "custom dashboards",
    "bulk export", "the mobile app", "workflow automations", "the audit log", "role permissions",
)  # fmt: skip

ISSUES = (
    "CSV export times out on large reports", "SSO login loops for some users",
    "Salesforce sync stuck since last night", "dashboard totals don't match the raw data",
    "e-mail notifications arrive hours late", "bulk import rejects valid rows",
    "mobile app crashes when opening attachments", "API returns 502 errors intermittently",
    "scheduled reports are sent twice", "permissions reset after the latest update",
)  # fmt: skip

FIRST_NAMES = (
    "Jane", "Omar", "Priya", "Lukas", "Mei", "Carlos", "Hannah", "Tobias", "Aisha", "Ben",
    "Sofia", "Kenji", "Grace", "Mateo", "Ingrid", "Ravi", "Elena", "Noah", "Fatima", "Owen",
    "Chloe", "Diego", "Yara", "Felix", "Amara", "Jonas", "Leah", "Marcus", "Nadia", "Theo",
)  # fmt: skip

LAST_NAMES = (
    "Roe", "Haddad", "Sharma", "Becker", "Chen", "Alvarez", "Schmidt", "Larsen", "Bello",
    "Carter", "Rossi", "Tanaka", "Okafor", "Silva", "Nilsen", "Iyer", "Petrova", "Walsh",
    "Mansour", "Hughes", "Dubois", "Moreno", "Costa", "Wagner", "Mensah", "Berg", "Fischer",
)  # fmt: skip

# -- e-mails from customers, by category: (subjects, bodies) --------------------------------

INBOUND: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "praise": (
        (
            "Thank you!",
            "Great session today",
            "Quick note of thanks",
            "Dashboards are a hit",
            "Kudos to your support team",
            "Rollout update",
        ),
        (
            "Hi {rep},\n\nThe latest update to {feature} has saved my team hours every week. "
            "Our ops leads keep asking how we managed before it.\n\nThanks again,\n{first}",
            "Hi {rep},\n\nJust wanted to say thanks for the session on Tuesday. The team left "
            "with a clear plan and we've already rolled {feature} out to two more regions."
            "\n\nBest,\n{first}",
            "Hello {rep},\n\nYour support team sorted out our import question within the hour. "
            "Really appreciate the quick turnaround.\n\n{first}",
            "Hi {rep},\n\nWe presented the numbers from {feature} to our leadership yesterday and "
            "they were impressed. Adoption is up across the board.\n\nCheers,\n{first}",
            "Hi {rep},\n\nEverything has been running smoothly since the upgrade. No complaints "
            "from the floor at all, which is a first!\n\n{first}",
            "Hi {rep}, loving the latest release. {feature} is exactly what we asked for last "
            "quarter, so thank you for listening.\n\n{first}",
            "Quick update: we hit {n} active users this week, our highest ever. The training "
            "videos made a big difference. Great work from your side.\n\n{first}",
        ),
    ),
    "question": (
        (
            "Question about {feature}",
            "How do we set this up?",
            "Quick question",
            "Permissions question",
            "Reporting question",
        ),
        (
            "Hi {rep},\n\nCould you point me to the documentation for {feature}? We'd like to "
            "set it up for the finance team before the end of the month.\n\nThanks,\n{first}",
            "Hello {rep},\n\nIs there a way to limit {feature} to managers only? Some of our "
            "users should only see their own region.\n\nRegards,\n{first}",
            "Hi {rep},\n\nWe're planning to onboard {n} more people next month. Is there anything "
            "we should prepare on our side, or is it just a matter of adding the seats?\n\n{first}",
            "Hi {rep},\n\nHow often does the data in {feature} refresh? Our analysts want to know "
            "whether they can rely on it for the Monday reports.\n\nBest,\n{first}",
            "Hello,\n\nWhat's the best way to move saved views from our sandbox to production? I "
            "couldn't find it in the help centre.\n\n{first}",
        ),
    ),
    "feature_request": (
        ("Feature request", "Idea for {feature}", "Request from our analysts", "Roadmap question"),
        (
            "Hi {rep},\n\nOne request from the team: it would help a lot if {feature} could "
            "export straight to Google Sheets. Is that on the roadmap?\n\n{first}",
            "Hello {rep},\n\nOur managers would love a weekly digest from {feature} instead of "
            "logging in every day. Happy to join a feedback call if useful.\n\nBest,\n{first}",
            "Hi {rep},\n\nAny plans to support custom fields in {feature}? We track contract "
            "tiers that way and it would save a manual step.\n\nThanks,\n{first}",
            "Hi {rep}, would it be possible to add a dark mode to the mobile app? Half of our "
            "field team works night shifts.\n\n{first}",
        ),
    ),
    "onboarding": (
        ("Onboarding next steps", "Kick-off follow-up", "Training dates", "Go-live checklist"),
        (
            "Hi {rep},\n\nThanks for the kick-off. We've invited the first {n} users and the "
            "admin training is booked for next week. Could you share the go-live checklist?"
            "\n\n{first}",
            "Hello {rep},\n\nThe pilot group finished their training and the feedback has been "
            "positive. We'd like to open {feature} to the rest of the department next.\n\n{first}",
            "Hi {rep},\n\nWe're on track for go-live on the 1st. IT has approved the SSO "
            "configuration and the data import looks clean.\n\nBest,\n{first}",
        ),
    ),
    "renewal_positive": (
        ("Renewal", "Renewal paperwork", "Next year's contract", "Adding seats at renewal"),
        (
            "Hi {rep},\n\nWe're happy to renew for another year. Could you send over the renewal "
            "quote? We'd also like to discuss adding {n} seats.\n\nThanks,\n{first}",
            "Hello {rep},\n\nThe renewal is approved on our side. Please send the order form to "
            "me and copy our procurement team.\n\nBest regards,\n{first}",
            "Hi {rep},\n\nGood news: budget for next year is confirmed, including the expansion "
            "to the Nordics team. Let's get the paperwork moving.\n\n{first}",
        ),
    ),
    "minor_issue": (
        (
            "Small issue with {feature}",
            "Slow exports",
            "Odd behaviour in {feature}",
            "Something looks off",
        ),
        (
            "Hi {rep},\n\nExports from {feature} have been a bit slow this week, around a minute "
            "for a normal report. Not urgent, but could someone take a look?\n\n{first}",
            "Hello {rep},\n\nA couple of users see an old logo on the login page. Minor, but "
            "worth fixing before our board demo.\n\nThanks,\n{first}",
            "Hi {rep},\n\nThe totals in {feature} are off by a few records compared with our "
            "finance system. Probably a timezone thing. Can you check?\n\n{first}",
        ),
    ),
    "complaint": (
        (
            "Problems with {feature}",
            "This keeps happening",
            "Another outage",
            "Not good enough",
            "Data issues again",
        ),
        (
            "Hi {rep},\n\nI'm frustrated. {Issue} again, the third time this month, and my "
            "team has lost most of the morning. We need a proper fix, not another workaround."
            "\n\n{first}",
            "{rep},\n\nThe platform has been unreliable for weeks. {Issue}, and nobody on our side "
            "trusts the numbers any more. This is really disappointing.\n\n{first}",
            "Hello {rep},\n\nWe had another outage during our busiest hour today. Our agents "
            "couldn't log in for forty minutes. This is not what we're paying for.\n\n{first}",
            "Hi {rep},\n\nHonestly the last release made things worse. {Issue} and the support "
            "ticket has had no response for three days. Disappointing.\n\n{first}",
            "{rep}, {feature} is not working again. We've reported this twice. Please treat it as "
            "a priority.\n\n{first}",
        ),
    ),
    "escalation": (
        (
            "Escalation: service problems",
            "Formal complaint",
            "Urgent: executive escalation",
            "We need to talk about the contract",
        ),
        (
            "{rep},\n\nI'm escalating this to your leadership. {Issue}, the outages keep "
            "coming, and the promised fix date has slipped twice. This is unacceptable for a "
            "business-critical system.\n\nPlease set up a call with your VP this week.\n\n{first}",
            "{rep},\n\nWe are fed up. After six weeks of broken reports and slow answers our COO "
            "has asked me to review alternatives, including cancelling at renewal. I need a "
            "written remediation plan by Friday.\n\n{first}",
            "To whom it may concern,\n\nThis is a formal complaint about the service we've "
            "received since September. Outages, missed commitments and no response from our "
            "account team. We are considering our options.\n\n{first}",
        ),
    ),
    "still_waiting": (
        ("Re: {Issue}", "Still waiting", "Any update?", "Following up, again"),
        (
            "{rep}, still waiting on an answer here. It's been four days.",
            "Hi {rep},\n\nAny update? We're still waiting for the fix you promised last week and "
            "my team keeps asking me.\n\n{first}",
            "Following up again. No response to my last two e-mails. Is anyone looking at this?",
            "Still waiting. Please escalate if you can't help.\n\n{first}",
        ),
    ),
    "competitor": (
        ("Evaluating options", "Contract review", "Pricing comparison"),
        (
            "Hi {rep},\n\nFull transparency: leadership has asked us to look at {competitor} "
            "before the renewal. Their quote is considerably lower and after the recent problems "
            "it's a hard conversation to win internally.\n\n{first}",
            "{rep},\n\nWe've had a demo from {competitor} and honestly it covers most of what we "
            "use. I'm disappointed it came to this, but we are considering a switch.\n\n{first}",
            "Hi {rep},\n\n{competitor} has offered to migrate our data for free. Unless things "
            "improve quickly I can't justify staying at the current price.\n\n{first}",
        ),
    ),
    "pricing": (
        ("Renewal pricing", "Price increase", "Renewal quote"),
        (
            "Hi {rep},\n\nThe renewal quote came in 12% higher than last year. Given the issues "
            "we've had, that's very hard to accept. We need to discuss this.\n\n{first}",
            "{rep},\n\nWe can't sign the renewal at this price. Usage is down and the value "
            "isn't there for us right now. Frustrating conversation to have.\n\n{first}",
        ),
    ),
    "curt": (
        (),
        (
            "Fine.",
            "Noted.",
            "Not now.",
            "We'll see.",
            "Send it over.",
            "Ok.",
            "No time this week.",
            "Already told you. Still broken.",
            "Not interested in a call.",
        ),
    ),
    "thanks": (
        (),
        (
            "Perfect, thank you {rep}!",
            "That worked, thanks a lot.",
            "Great, appreciate the quick help.",
            "Thanks {rep}, that's exactly what we needed.",
            "Brilliant, thank you. Have a good weekend.",
        ),
    ),
    # replies on deals
    "deal_positive": (
        (),
        (
            "Hi {rep},\n\nThanks for the proposal, the team really liked it. I'll take it to our "
            "leadership meeting next week and come back to you.\n\n{first}",
            "Hi {rep},\n\nLegal has reviewed the MSA and sent two small redlines. We're aiming to "
            "sign before {day}.\n\n{first}",
            "Hi {rep},\n\nWe'd like to move forward. Can you send the order form for {n} seats "
            "and the security questionnaire?\n\nBest,\n{first}",
            "Hello {rep},\n\nGood news: procurement approved the budget this morning. Who should "
            "receive the signed documents?\n\n{first}",
        ),
    ),
    "deal_stall": (
        (),
        (
            "Thanks {rep}, we'll review internally and get back to you.",
            "Hi {rep}, we need to push this to next quarter. Budgets are on hold until January.",
            "Not a priority right now.",
        ),
    ),
    "deal_lost": (
        (),
        (
            "Hi {rep},\n\nThank you for your time over the last few months. After a lot of "
            "discussion we've decided to go with {competitor}. It was a close call.\n\n{first}",
        ),
    ),
    # transactional: invoices, orders, scheduling, password resets
    "invoice_request": (
        ("Invoice copy request", "Invoice {invoice}", "PO number on invoice"),
        (
            "Hello,\n\nCould you send a copy of invoice {invoice}? Our accounts payable team needs "
            "it for month-end close.\n\nThank you,\n{first}",
            "Hi,\n\nPlease reissue invoice {invoice} with our PO number 4500{n} on it; our system "
            "rejects invoices without one.\n\nRegards,\n{first}",
            "Hello,\n\nPayment for invoice {invoice} was sent today by bank transfer. Please "
            "confirm receipt.\n\n{first}",
        ),
    ),
    "order_form": (
        ("Signed order form", "Purchase order for additional seats"),
        (
            "Hi {rep},\n\nAttached is the signed order form for {n} additional seats. Please "
            "invoice against PO 4500{n}.\n\n{first}",
            "Hello,\n\nPlease find our purchase order attached. Billing address unchanged."
            "\n\n{first}",
        ),
    ),
    "scheduling": (
        ("Meeting time", "QBR scheduling", "Reschedule Thursday?", "Calendar invite"),
        (
            "Hi {rep},\n\nDoes Thursday at 14:00 work for the QBR? If not, send me two or three "
            "alternatives next week.\n\n{first}",
            "Hi {rep}, can we move tomorrow's call to 10:30? Something came up.\n\n{first}",
            "Accepted: Quarterly business review, {day} 15:00 UTC.",
            "Hello,\n\nPlease send the invite to my assistant as well. Any slot on Tuesday "
            "afternoon works.\n\n{first}",
        ),
    ),
    "password_reset": (
        ("Password reset", "Locked out", "Account access"),
        (
            "Hi,\n\nI'm locked out after the password change. Could you reset my account? Same "
            "e-mail address as this one.\n\nThanks,\n{first}",
            "Hello,\n\nPlease reset the password for our new analyst, she never received the "
            "activation e-mail.\n\n{first}",
        ),
    ),
}

# -- e-mails from the vendor's people, by category ------------------------------------------

OUTBOUND: dict[str, tuple[str, ...]] = {
    "checkin": (
        "Hi {first},\n\nHope all is well. I wanted to check in on how the team is getting on "
        "with {feature} and whether there's anything we can help with before month-end.\n\n{rep}",
        "Hi {first},\n\nIt's been a few weeks since we last spoke. Would you have 30 minutes "
        "next week for a quick review of adoption and goals for next quarter?\n\nBest,\n{rep}",
        "Hello {first},\n\nSharing our latest release notes: the headline is faster exports and "
        "a new permissions screen. Happy to walk your admins through it.\n\n{rep}",
    ),
    "reply": (
        "Hi {first},\n\nThanks for the note! Here's the guide for {feature}; the section on "
        "roles covers your question. Let me know if anything is unclear.\n\n{rep}",
        "Hi {first},\n\nGood question. Yes, that's possible: an admin can change it under "
        "Settings → Access. I've set up a short call with our solutions engineer in case you'd "
        "like a walkthrough.\n\n{rep}",
        "Hello {first},\n\nThank you, that's great to hear. I'll pass it on to the product "
        "team, they'll be delighted.\n\n{rep}",
        "Hi {first},\n\nI've logged the request with product and linked it to our roadmap "
        "item. I'll let you know as soon as there's a date.\n\nBest,\n{rep}",
    ),
    "apology": (
        "Hi {first},\n\nI'm sorry for the trouble and for the slow response. I've raised the "
        "priority with our engineering lead and will update you by end of day tomorrow.\n\n{rep}",
        "Hi {first},\n\nApologies, you're right to chase. Engineering has reproduced the issue "
        "and a fix is being tested now. I'll confirm the release date as soon as I have it."
        "\n\n{rep}",
        "Hello {first},\n\nI understand the frustration and I'm sorry we let you down this "
        "month. Could we get on a call tomorrow so I can walk you through the root cause and "
        "the plan?\n\n{rep}",
    ),
    "recovery": (
        "Hi {first},\n\nThank you for being candid. I've involved our VP of Customer Success "
        "and we'd like to propose a remediation plan: a dedicated engineer for the next "
        "30 days, weekly status calls and a service credit for the outages.\n\n{rep}",
        "Hello {first},\n\nI want to make this right. I've booked time with our head of "
        "engineering for Thursday and I'll bring a written plan with dates.\n\n{rep}",
    ),
    "renewal": (
        "Hi {first},\n\nYour renewal is coming up on {renewal}. I've attached the quote; we can "
        "also discuss a multi-year option if that helps with budget planning.\n\n{rep}",
        "Hello {first},\n\nFollowing up on the renewal. I've spoken to our finance team and "
        "we can hold last year's price if we sign before the end of the quarter.\n\n{rep}",
    ),
    "proposal": (
        "Hi {first},\n\nAs promised, attached is the proposal for {n} additional seats and the "
        "{feature} add-on. Happy to walk your team through it this week.\n\n{rep}",
        "Hello {first},\n\nThanks again for the time on Tuesday. The proposal and pricing "
        "options are attached; option B includes onboarding for the new team.\n\n{rep}",
    ),
    "deal_followup": (
        "Hi {first},\n\nJust checking in on the proposal I sent over. Any questions I can "
        "answer for you or the team?\n\n{rep}",
        "Hi {first},\n\nBumping this to the top of your inbox. Would a 15-minute call this "
        "week help move things forward?\n\n{rep}",
        "Hello {first},\n\nFollowing up on the pricing options from our last call. Happy to "
        "adjust the scope if the budget is the concern.\n\n{rep}",
        "Hi {first},\n\nI haven't heard back, so I assume the timing isn't right. Should I "
        "close the file for now, or is it worth reconnecting in January?\n\n{rep}",
    ),
    "deal_progress": (
        "Hi {first},\n\nGreat call today. As agreed, attached are the order form and the "
        "security questionnaire. Let me know who should receive the DocuSign.\n\n{rep}",
        "Hi {first},\n\nThanks for the redlines. Our legal team accepted all but one clause; "
        "I've added a note explaining why. Could we aim to sign by {day}?\n\n{rep}",
    ),
}

#: Transactional e-mails the vendor's systems send: (subject, text).
TRANSACTIONAL_OUT = (
    (
        "Invoice {invoice}",
        "Hello,\n\nYour invoice {invoice} for {amount} is attached. Payment "
        "terms: net 30.\n\nVendor Billing",
    ),
    (
        "Payment receipt {invoice}",
        "Payment received, thank you. Receipt {invoice} for {amount} "
        "is attached for your records.\n\nVendor Billing",
    ),
    (
        "Meeting confirmed",
        "Confirmed: your meeting with {rep} on {day} at 15:00 UTC. A calendar invite follows.",
    ),
    (
        "Password reset",
        "A password reset was requested for your account. The link expires in "
        "24 hours. If you didn't ask for this, you can ignore this e-mail.",
    ),
)

#: Out-of-office replies (``auto_reply``).
OUT_OF_OFFICE = (
    "Thank you for your e-mail. I'm out of the office until {day} with limited access to "
    "e-mail. For anything urgent please contact {other}.",
    "I am currently on annual leave and will reply when I'm back on {day}.",
    "Automatic reply: I'm travelling this week and will respond as soon as possible.",
)

#: A few customers write in their own language.
FOREIGN = {
    "de": (
        "Export funktioniert nicht",
        "Hallo {rep},\n\nleider funktioniert der Export seit dem Update nicht mehr. Wir "
        "warten seit einer Woche auf eine Lösung. Bitte melden Sie sich.\n\nViele Grüße\n"
        "{first}",
    ),
    "es": (
        "Gracias por la formación",
        "Hola {rep},\n\nmuchas gracias por la formación de ayer. El equipo está muy contento "
        "con los nuevos informes.\n\nSaludos,\n{first}",
    ),
    "fr": (
        "Question sur le renouvellement",
        "Bonjour {rep},\n\npourriez-vous nous envoyer le devis de renouvellement ? Nous "
        "souhaitons ajouter quelques licences.\n\nCordialement,\n{first}",
    ),
}

# -- tickets: (first message, agent reply, customer follow-up) by severity ------------------

TICKETS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "normal": (
        (
            "Hi support, {issue}. Steps: open the report, pick last month, export. Screenshot "
            "attached. Not blocking us yet.",
            "Hello, we noticed that {issue}. It started after Tuesday's update. Could you look "
            "into it?",
        ),
        (
            "Thanks for the report. We've reproduced it and a fix is scheduled for this week's "
            "release. Workaround: export in two smaller date ranges.",
            "Thanks, the fix is deployed. Could you confirm it works on your side?",
        ),
        ("Confirmed, it works now. Thanks for the quick fix!", "All good on our side, thank you."),
    ),
    "high": (
        (
            "{Issue}. This affects our whole sales team and we can't close the month without it. "
            "Frustrating, please prioritise.",
            "Urgent: {Issue}. We reported something similar last month. The workaround is not "
            "working for us.",
        ),
        (
            "We're sorry for the disruption. Engineering is investigating and we'll update you "
            "within four hours.",
        ),
        (
            "Still broken on our side. It's been two days. Please escalate.",
            "The workaround failed again this morning. We're losing real money here.",
        ),
    ),
    "urgent": (
        (
            "PRODUCTION DOWN: {issue}. Nobody in the contact centre can work. Call me now.",
            "Third outage this month. {Issue}. This is unacceptable and I'm escalating to our "
            "executive sponsor.",
        ),
        ("We've declared an incident and engineers are on it. Next update in 30 minutes.",),
        (
            "Service is back but this can't keep happening. We expect a root-cause report.",
            "Still waiting for the root-cause report you promised. Extremely disappointing.",
        ),
    ),
}

# -- chat sessions: (customer opener, agent answer, customer close) by mood --------------------

CHAT: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "good": (
        (
            "Hi! How do I add a new user to {feature}?",
            "hey, where can I change my notification settings?",
            "Quick one: can I schedule a report to go out every Monday?",
        ),
        (
            "Hi {first}! Go to Settings → Users → Invite. They'll get an e-mail right away.",
            "Sure, it's under your profile → Notifications.",
        ),
        ("Got it, thanks!", "Perfect, that was easy 🙂", "Great, thank you!"),
    ),
    "bad": (
        (
            "The app logged me out again and I lost my changes. This keeps happening.",
            "Why is the export still broken? We were told it was fixed.",
        ),
        (
            "I'm sorry about that. Let me check the logs for your account.",
            "Apologies, I'll raise this with the engineering team right away.",
        ),
        (
            "That doesn't help. I need it working today.",
            "Forget it, I'll open a ticket.",
            "Ok. Not great.",
        ),
    ),
}

# -- social mentions: (positive, negative) ---------------------------------------------------

SOCIAL = {
    "good": (
        "Shout-out to the team at @vendor for the new dashboards, our Monday meeting "
        "just got 20 minutes shorter 🙌",
        "Rolled out @vendor to the whole ops team this week. Smoothest go-live I've seen.",
    ),
    "bad": (
        "Another outage from @vendor in the middle of our busiest day. Still waiting for an "
        "explanation. #frustrated",
        "Is anyone else's @vendor export broken since the update? Support has gone quiet.",
    ),
}

# -- CSM notes after touches, by mood -------------------------------------------------------------

NOTES = {
    "good": (
        "Call with {first}: adoption is strong, they want to expand {feature} to a second "
        "team next quarter. Sent the case-study request.",
        "QBR went well. Exec sponsor happy with the time savings; renewal looks straightforward.",
    ),
    "mixed": (
        "Check-in with {first}. Some friction around {feature} but overall positive. "
        "Follow up on the training request.",
    ),
    "bad": (
        "Tense call with {first}. They mentioned {competitor} twice and asked about "
        "termination terms. Escalated to my manager.",
        "Recovery plan agreed: weekly calls, dedicated engineer, service credit. {first} "
        "still sceptical.",
    ),
}

# -- calls: scripts of (role, line) ------------------------------------------------------------

CALLS: dict[str, tuple[tuple[str, str], ...]] = {
    "qbr_positive": (
        ("rep", "Thanks for making time, {first}. Shall we start with how the quarter went?"),
        (
            "customer",
            "Sure. It's been a good quarter. Adoption of {feature} is up and the team "
            "is happy with it.",
        ),
        ("rep", "Great to hear. I see weekly active users grew by about a fifth."),
        (
            "customer",
            "Yes, and the managers finally trust the dashboards. We'd like to roll it "
            "out to the Nordics team next.",
        ),
        ("rep", "I'll put together a proposal for the extra seats and a training plan."),
        ("customer", "Perfect. Thanks, this has been really useful."),
    ),
    "objection_resolved": (
        ("rep", "Thanks for joining, {first}. I know the renewal quote raised some questions."),
        (
            "customer",
            "Honestly, the price is a problem. It's twelve percent more and we've had "
            "issues this year. I'm not sure we can justify it.",
        ),
        (
            "rep",
            "That's fair. We can hold last year's price on a two-year term, and I'll add a "
            "dedicated engineer for the reporting problems.",
        ),
        (
            "customer",
            "Okay, that changes things. If the reporting is fixed, the rest of the team is happy.",
        ),
        ("rep", "I'll send the revised quote today with the remediation plan attached."),
        ("customer", "Great, that works for us. Thanks for sorting it out."),
    ),
    "objection_unresolved": (
        ("rep", "Thanks for taking the call, {first}. I wanted to talk about the renewal."),
        (
            "customer",
            "To be direct, we're evaluating {competitor}. Their price is lower and our "
            "team is frustrated with the outages.",
        ),
        (
            "rep",
            "I understand. We've fixed the root cause of the last incident and we can offer "
            "a service credit.",
        ),
        ("customer", "We've heard that before. The credit doesn't give my team their time back."),
        ("rep", "Would a call with our head of engineering help?"),
        ("customer", "Maybe. I can't promise anything. The decision is with our COO now."),
    ),
    "discovery": (
        ("rep", "Thanks for the time, {first}. What prompted you to look at expanding?"),
        (
            "customer",
            "The support team loved the pilot. We want the same visibility for customer success.",
        ),
        ("rep", "Makes sense. How many people would need access?"),
        ("customer", "Around forty to start. Budget is approved for this quarter."),
        ("rep", "Then I'll send a proposal this week and loop in our solutions engineer."),
        ("customer", "Sounds good, looking forward to it."),
    ),
    "escalation": (
        (
            "customer",
            "{rep}, I'll be blunt. This has been the worst quarter we've had with any vendor.",
        ),
        ("rep", "I hear you, and I'm sorry. Can you walk me through the biggest problems?"),
        (
            "customer",
            "Three outages, reports that don't match, and tickets left without an "
            "answer for days. It's unacceptable.",
        ),
        ("rep", "We're assigning a dedicated engineer and I'll send a written plan by Friday."),
        ("customer", "Fine. But if nothing changes this month we will cancel at renewal."),
    ),
}

# -- survey verbatims: by kind and mood ---------------------------------------------------------

SURVEY_COMMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "nps": {
        "good": (
            "Reliable, easy to use and the support team is excellent.",
            "It has become part of how we run the business. Great team to work with.",
            "Love the dashboards, they save us hours every week.",
            "",
        ),
        "mixed": (
            "Good product, but reporting could be faster.",
            "Does the job. Pricing is on the high side.",
            "Solid, a few rough edges.",
            "",
        ),
        "bad": (
            "Too many outages and slow support. We are looking at alternatives.",
            "The last six months have been very disappointing.",
            "Expensive for what we get, and tickets go unanswered.",
            "Unreliable. Considering {competitor}.",
        ),
    },
    "csat": {
        "good": ("Quick and friendly help, thanks!", "Solved on the first reply.", ""),
        "mixed": ("Fixed in the end, took a while.", ""),
        "bad": (
            "Took days to get an answer and the fix didn't work.",
            "Agent didn't read my ticket. Frustrating.",
        ),
    },
    "ces": {
        "good": ("Setup was straightforward.", ""),
        "mixed": ("Some steps were confusing but we got there.",),
        "bad": ("Far too much effort to get a simple export working.",),
    },
}
