"""``smtp.v1``: an e-mail per alert event through a configured SMTP server.

Recipients: the alert's resolved assignee addresses (``to_owners``) plus ``to``. The
login, when the server needs one, comes from the environment variables named by
``username_env`` / ``password_env``; ``security`` is ``none``, ``starttls`` or ``ssl``.
"""

from __future__ import annotations

__all__ = ["SmtpOptions", "SmtpSink"]

import os
import smtplib
from email.message import EmailMessage
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from crmsense.alerts.actions import Delivery, DeliveryRefused, summary
from crmsense.errors import IntegrationError


class SmtpOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = Field(min_length=1)
    port: int = Field(25, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = "none"
    sender: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    to: tuple[str, ...] = ()
    to_owners: bool = True
    username_env: str | None = None
    password_env: str | None = None
    timeout: float = Field(10.0, gt=0, le=120)


class SmtpSink:
    Options: ClassVar[type[BaseModel]] = SmtpOptions

    def __init__(self, options: SmtpOptions) -> None:
        self.options = options

    def _recipients(self, delivery: Delivery) -> list[str]:
        owners = delivery.payload["alert"].get("owners") or {}
        found = [*self.options.to]
        if self.options.to_owners:
            found += [a for a in owners.values() if isinstance(a, str) and "@" in a]
        return list(dict.fromkeys(found))

    def deliver(self, delivery: Delivery) -> str:
        o = self.options
        recipients = self._recipients(delivery)
        if not recipients:
            raise DeliveryRefused("no recipients: the alert's assignees have no e-mail address "
                                  "and the sink lists none under `to`")  # fmt: skip
        subject, body = summary(delivery.payload)
        message = EmailMessage()
        message["From"], message["Subject"] = o.sender, subject
        message["To"] = ", ".join(recipients)
        message["X-Crmsense-Delivery"] = str(delivery.id)
        message.set_content(body)
        client = smtplib.SMTP_SSL if o.security == "ssl" else smtplib.SMTP
        try:
            with client(o.host, o.port, timeout=o.timeout) as smtp:
                if o.security == "starttls":
                    smtp.starttls()
                if o.username_env and o.password_env:
                    smtp.login(os.environ.get(o.username_env, ""),
                               os.environ.get(o.password_env, ""))  # fmt: skip
                refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused:
            raise DeliveryRefused("the SMTP server refused every recipient") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise IntegrationError(f"SMTP delivery failed: {exc.__class__.__name__}",
                                   code="E520") from None  # fmt: skip
        sent = len(recipients) - len(refused)
        return f"sent to {sent} recipient(s)"
