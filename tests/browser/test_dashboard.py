"""The dashboard in real headless Chromium against the real server on a demo workspace:
log in, open every page, filter and sort, act on alerts, phone width, accessibility."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.browser

PAGES = {
    "portfolio": "/",
    "account": "/accounts/bluefin",
    "alerts": "/alerts",
    "deals": "/deals",
    "call": "/calls/call-brightwave-3",
    "analyze": "/analyze",
}
Shot = Callable[[Any, str], None]


def _rows(page: Any, table: str) -> Any:
    return page.locator(f"table#{table} tbody tr")


def _api(server: Any, path: str) -> Any:
    headers = {"Authorization": f"Bearer {server.key}"}
    response = httpx.get(f"{server.url}{path}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_login_is_required_and_wrong_keys_are_refused(browser: Any, server: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server.url}/alerts")
    assert page.url.endswith("/login?next=/alerts")
    page.get_by_label("API key").fill("csk_wrong_key_at_all")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text() == "That key is not valid or was revoked."
    page.get_by_label("API key").fill(server.key)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server.url}/alerts")
    context.close()


def test_portfolio_lists_accounts_with_health_trend_and_sparklines(
    page: Any, server: Any, screenshot: Shot
) -> None:
    assert page.get_by_role("heading", level=1).inner_text() == "Portfolio"
    assert page.get_by_role("link", name="Portfolio").get_attribute("aria-current") == "page"
    rows = _rows(page, "portfolio")
    assert rows.count() == 40
    first = rows.first.inner_text()
    assert "Red" in first  # worst health first
    page.wait_for_selector("table#portfolio .spark canvas")
    assert page.locator("table#portfolio .spark canvas").count() >= 30
    scores = [
        float(x)
        for x in page.locator("table#portfolio tbody td:nth-child(2) strong").all_inner_texts()
    ]
    assert scores == sorted(scores)
    shot = screenshot
    shot(page, "portfolio")


def test_portfolio_filters_by_band_and_owner_and_sorts(
    page: Any, server: Any, screenshot: Shot
) -> None:
    page.get_by_label("Health band").select_option("red")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"band=red"))
    rows = _rows(page, "portfolio")
    expected = _api(server, "/api/v1/accounts?band=red&limit=500")["total"]
    assert 0 < rows.count() == expected < 40
    assert all("Red" in text for text in rows.all_inner_texts())
    screenshot(page, "portfolio-red")
    page.get_by_role("link", name="ARR", exact=True).click()
    page.wait_for_url(re.compile(r"sort=arr"))
    header = page.locator("th[aria-sort]")
    assert (
        header.inner_text().startswith("ARR") and header.get_attribute("aria-sort") == "descending"
    )
    assert page.get_by_label("Health band").input_value() == "red"  # the filter is kept
    arrs = _api(server, "/api/v1/accounts?band=red&sort=arr&order=desc")["items"]
    names = page.locator("table#portfolio tbody th a").all_inner_texts()
    assert names == [a["name"] for a in arrs]
    owner = arrs[0]["owners"]["csm"]
    page.goto(f"{server.url}/")
    page.get_by_label("Owner e-mail").fill(owner)
    page.get_by_label("Owner e-mail").press("Enter")
    page.wait_for_url(re.compile(r"owner="))
    expected = _api(server, f"/api/v1/accounts?owner={owner}")["total"]
    assert _rows(page, "portfolio").count() == expected < 40


def test_account_page_explains_the_score(page: Any, server: Any, screenshot: Shot) -> None:
    page.get_by_role("link", name="Bluefin Media").click()
    page.wait_for_url(f"{server.url}/accounts/bluefin")
    assert page.get_by_role("heading", level=1).inner_text() == "Bluefin Media"
    breakdown = page.locator("section[aria-labelledby=breakdown-h] tbody tr")
    assert breakdown.count() >= 5
    assert "support sentiment" in breakdown.first.inner_text()
    page.wait_for_selector("section[aria-labelledby=chart-h] canvas")
    legend = page.locator("section[aria-labelledby=chart-h] .u-legend").inner_text()
    assert "email" in legend and "ticket" in legend
    marks = page.locator(".timeline mark")
    assert marks.count() > 5
    assert page.locator(".timeline li.tone-negative").count() > 0
    assert page.locator("section[aria-labelledby=nps-h] tbody tr").count() > 0
    screenshot(page, "account")


def test_alert_queue_dismiss_removes_the_alert(page: Any, server: Any, screenshot: Shot) -> None:
    page.get_by_role("link", name="Alerts", exact=True).click()
    page.wait_for_url(f"{server.url}/alerts")
    rows = _rows(page, "alert-queue")
    before = rows.count()
    assert before > 3
    severities = page.locator("table#alert-queue tbody td:first-child").all_inner_texts()
    rank = {"high": 0, "moderate": 1, "low": 2}
    assert [rank[s] for s in severities] == sorted(rank[s] for s in severities)
    assert page.locator("tr.overdue").count() > 0  # the demo's due times have passed
    assert page.locator("tr.overdue .overdue-flag").first.text_content() == "Overdue"
    screenshot(page, "alerts")
    row = rows.first
    alert_id = row.get_attribute("data-alert-row")
    row.get_by_label(re.compile("false positive")).fill("customer was joking")
    row.get_by_role("button", name="Dismiss as false positive").click()
    page.wait_for_selector(f"#alert-{alert_id}", state="detached")
    assert f"Alert {alert_id} dismissed" in page.locator(".action-status").inner_text()
    assert rows.count() == before - 1
    page.reload()
    assert page.locator(f"#alert-{alert_id}").count() == 0
    alert = _api(server, f"/api/v1/alerts/{alert_id}")
    assert alert["status"] == "dismissed" and alert["status_reason"] == "customer was joking"
    second = rows.first
    second_id = second.get_attribute("data-alert-row")
    second.get_by_role("button", name="Acknowledge").click()
    page.wait_for_function(
        f"document.querySelector('#alert-{second_id} .status').textContent === 'acknowledged'"
    )
    page.get_by_label("Status").select_option("dismissed")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile("status=dismissed"))
    assert page.locator(f"#alert-{alert_id}").count() == 1


def test_alert_queue_filters_by_role_and_severity(page: Any, server: Any) -> None:
    page.goto(f"{server.url}/alerts?role=account_executive&severity=high")
    expected = _api(server, "/api/v1/alerts?role=account_executive&severity=high")["total"]
    assert _rows(page, "alert-queue").count() == expected > 0
    assert all(
        t == "high"
        for t in page.locator("table#alert-queue tbody td:first-child").all_inner_texts()
    )


def test_read_only_keys_see_no_actions(open_page: Callable[..., Any], server: Any) -> None:
    page = open_page(key=server.read_key)
    page.goto(f"{server.url}/alerts")
    assert _rows(page, "alert-queue").count() > 0
    assert page.get_by_role("button", name="Dismiss as false positive").count() == 0
    assert "read-only" in page.locator("main").inner_text()


def test_deals_are_ranked_by_risk(page: Any, server: Any, screenshot: Shot) -> None:
    page.get_by_role("link", name="Deals at risk").click()
    page.wait_for_url(f"{server.url}/deals")
    scores = [
        float(x) for x in page.locator("table#deals tbody td:nth-child(2) strong").all_inner_texts()
    ]
    assert len(scores) > 5 and scores == sorted(scores, reverse=True)
    assert "ghosting" in page.locator("table#deals tbody tr").first.inner_text()
    screenshot(page, "deals")


def test_call_view_shows_speakers_and_trajectory(page: Any, server: Any, screenshot: Shot) -> None:
    page.goto(f"{server.url}{PAGES['call']}")
    speakers = page.locator("section[aria-labelledby=speakers-h] tbody tr")
    assert speakers.count() >= 2
    assert page.locator(".transcript li").count() >= 4
    assert page.locator(".transcript li.customer").count() > 0
    assert "opening third" in page.locator("section[aria-labelledby=trajectory-h]").inner_text()
    page.wait_for_selector("section[aria-labelledby=trajectory-h] canvas")
    screenshot(page, "call")


def test_analyser_highlights_evidence(page: Any, server: Any, screenshot: Shot) -> None:
    page.get_by_role("link", name="Analyser").click()
    page.get_by_label("Message text").fill(
        "The export is still broken and support keeps ignoring us. This is unacceptable."
    )
    page.get_by_role("button", name="Analyse").click()
    page.wait_for_selector("#analysis:not([hidden])")
    assert page.locator("#label").inner_text() == "negative"
    assert page.locator("#highlighted mark.neg").count() > 0
    assert page.locator("#risks-section").is_hidden()
    screenshot(page, "analyze")


def test_analyser_quotes_a_customer_leaving(page: Any, server: Any) -> None:
    page.get_by_role("link", name="Analyser").click()
    page.get_by_label("Message text").fill(
        "Hi Jo, thanks for everything this year. We have been evaluating other vendors. We "
        "have decided not to renew our contract when it ends in March. Please send the final "
        "invoice."
    )
    page.get_by_role("button", name="Analyse").click()
    page.wait_for_selector("#risks-section:not([hidden])")
    assert page.locator("#risks li").all_inner_texts() == [
        "Weighing alternatives: “We have been evaluating other vendors.”",
        "Leaving: “We have decided not to renew our contract when it ends in March.”",
    ]


def test_analyser_reads_an_email_for_its_new_text_and_marks_the_words_it_read(
    page: Any, server: Any
) -> None:
    page.get_by_role("link", name="Analyser").click()
    page.get_by_label("Message text").fill(
        "<p>Thanks, that <b>fixed</b> it! Great support.</p>\n\n"
        "On Tue, 1 Oct 2026 at 10:00, Support <support@vendor.example> wrote:\n"
        "> The app keeps crashing, it is terrible."
    )
    page.get_by_label("Channel").select_option("email")
    page.get_by_role("button", name="Analyse").click()
    page.wait_for_selector("#analysis:not([hidden])")
    assert page.locator("#label").inner_text() == "positive"
    read = page.locator("#highlighted").inner_text()
    assert read == "Thanks, that fixed it! Great support."  # no tags, no quoted thread
    marks = page.locator("#highlighted mark.pos").all_inner_texts()
    assert marks and all(m.strip() and m in read for m in marks)
    assert {"Great", "Great support"} & set(marks)  # the words, not offsets into the HTML


@pytest.mark.parametrize("name", list(PAGES))
def test_phone_width_has_no_sideways_scrolling(
    name: str, open_page: Callable[..., Any], server: Any, screenshot: Shot
) -> None:
    page = open_page(width=375)
    page.goto(f"{server.url}{PAGES[name]}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{name} is {width}px wide at 375px"
    assert page.get_by_role("navigation", name="Main").is_visible()
    screenshot(page, f"{name}-phone")


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_are_accessible(name: str, page: Any, server: Any) -> None:
    page.goto(f"{server.url}{PAGES[name]}")
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
             .filter(el => el.labels.length === 0).map(el => el.outerHTML)"""
    )
    assert unlabelled == []
    no_scope = page.evaluate(
        "[...document.querySelectorAll('thead th')].filter(th => !th.getAttribute('scope')).length"
    )
    assert no_scope == 0
    assert page.locator("h1").count() == 1
    assert page.evaluate("document.documentElement.lang") == "en"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
