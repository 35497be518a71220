"""The offline language gate."""

from __future__ import annotations

import pytest

from crmsense.analysis.language import Language, detect_language


@pytest.mark.parametrize(
    "text",
    [
        "Hi Dana, the renewal paperwork is with our legal team and should be back by Friday.",
        "Export is broken since the update. Please escalate!!",
        "No complaints, the onboarding went smoothly.",
        "Thanks!",
        "ok 👍",
        "Great product, love it",
        "The café menu and the résumé template look good.",
        "Ticket #4411: SSO via Okta fails with SAML error 0x80.",
        "Hi team, quick update: the SSO integration is live. Vielen Dank, Grüße aus München",
        # "no" and "as" are Spanish and Portuguese words too: they once gated these.
        "Still no SSO, no audit log, no bulk export. We keep asking.",
        "checked in at 3, room wasn't ready till 6:30. no apology, no nothing",
        "webhook deliveries failing silently, no retries, no alerts.",
        "you're almost as bad as the old vendor",
        "The food's as good as ever.",
    ],
)
def test_english_passes(text: str) -> None:
    assert detect_language(text) == Language("en", True)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Wir sind mit dem Support leider überhaupt nicht zufrieden.", "de"),
        ("Bonjour, nous ne sommes pas satisfaits du service depuis la mise à jour.", "fr"),
        ("Hola, el producto no funciona y estamos muy molestos con el soporte.", "es"),
        ("O sistema não está funcionando e isso é muito frustrante para nós.", "pt"),
        ("Il prodotto non funziona e non siamo contenti del supporto.", "it"),
        ("Het werkt niet en wij zijn niet tevreden over de support.", "nl"),
        ("Hola, no tenemos acceso a la cuenta, ¿pueden ayudarnos?", "es"),
        ("Buongiorno, non riesco ad accedere al mio account da ieri.", "it"),
        ("Siamo molto delusi dall'ultimo aggiornamento.", "it"),
        ("Wij willen ons abonnement opzeggen.", "nl"),
        ("Je suis très déçu, aucune réponse depuis une semaine.", "fr"),
        ("我们对你们的服务非常不满意，请尽快解决。", "zh"),
        ("請求書を送ってください。よろしくお願いします。", "ja"),
        ("서비스에 매우 불만족합니다", "ko"),
        ("Добрый день, у нас снова не работает экспорт.", "ru"),
        ("الخدمة سيئة جدا ولم يتم حل المشكلة", "ar"),
        ("Η υπηρεσία δεν λειτουργεί", "el"),
    ],
)
def test_other_languages_are_gated(text: str, code: str) -> None:
    assert detect_language(text) == Language(code, False)


@pytest.mark.parametrize("text", ["", "😡😡😡", "12345 !!!", "   "])
def test_no_letters_is_undetermined_but_scorable(text: str) -> None:
    assert detect_language(text) == Language("und", True)


def test_mostly_chinese_with_english_product_names() -> None:
    assert detect_language("我们的CRM系统和Salesforce同步有问题").code == "zh"
    assert detect_language("Thanks 王先生, the invoice is attached.").english
