"""The web site in a real Chromium (Playwright) against a real server on a free port.

``JIANSUO_SCREENSHOTS=1`` also saves screenshots of the main pages to docs/screenshots/.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.conftest import A000, ROOT, running_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
SHOTS = ROOT / "docs" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                       reason=f"{CHROMIUM} is missing (CI installs it: apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def server(seed_index, tmp_path_factory):
    """Run ``jiansuo serve`` on the seed index; yield its base URL; show its stderr if it dies."""
    log = tmp_path_factory.mktemp("server") / "stderr.txt"
    with running_server(seed_index, log, threads=4) as (url, proc):
        yield url
    if proc.returncode not in (0, -15):
        print(log.read_text(errors="replace"), file=sys.stderr)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page (own cookies) that fails the test on any console error, e.g. a CSP violation."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-TW")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert errors == []


def target_id(pg) -> str | None:
    return pg.evaluate("document.querySelector(':target') && document.querySelector(':target').id")


def in_viewport(pg, selector: str) -> bool:
    return pg.evaluate(
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
                      return r.top >= 0 && r.top < window.innerHeight && r.bottom > 0; }""",
        selector,
    )


def test_search_hit_passage_note_and_back(page, server):
    page.goto(f"{server}/")
    page.fill("#q", "四个阶段")
    page.press("#q", "Enter")
    page.wait_for_url("**/search?q=*")
    hit = page.locator(f'[data-hit="{A000}#p12"] a.snippet')
    assert hit.locator("mark").first.inner_text() == "四個階段"
    hit.click()
    page.wait_for_url(f"**/articles/{A000}?q=*#p12")
    assert target_id(page) == "p12" and in_viewport(page, "#p12")
    assert page.locator("#p12 mark").first.inner_text() == "四個階段"
    background = page.evaluate("getComputedStyle(document.querySelector('#p12')).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")  # the :target style shows
    page.click('#p12 a[data-note-ref="6"]')
    page.wait_for_url("**#n6")
    assert target_id(page) == "n6" and in_viewport(page, "#n6")
    assert "既非盟友" in page.inner_text("#n6")
    page.click('#n6 a[data-backref="ref-p12-6"]')
    page.wait_for_url("**#ref-p12-6")
    assert target_id(page) == "ref-p12-6" and in_viewport(page, "#ref-p12-6")


def test_same_as_note_links_to_its_target(page, server):
    page.goto(f"{server}/articles/{A000}#n7")
    assert target_id(page) == "n7"
    page.click("#n7 a[data-same-as]")
    page.wait_for_url("**#n6")
    assert target_id(page) == "n6" and in_viewport(page, "#n6")


def test_simplified_query_highlights_traditional_text(page, server):
    page.goto(f"{server}/search?q=俄罗斯")
    marks = page.locator("[data-hit] mark").all_inner_texts()
    assert len(marks) > 10 and set(marks) == {"俄羅斯"}
    assert page.locator("[data-article]").first.get_attribute("data-article") == A000


def test_concordance_sorting_changes_the_order(page, server):
    page.goto(f"{server}/concordance?q=蘇聯解體")

    def order():
        return page.locator("tr[data-kwic]").evaluate_all("rows => rows.map(r => r.dataset.kwic)")

    def lefts():
        return page.locator("tr[data-kwic] td.left").all_inner_texts()

    by_position = order()
    assert len(by_position) == 12 and by_position[0] == f"{A000}#abstract-zh"
    page.click('a[data-sort="left"]')
    page.wait_for_url("**sort=left")
    assert sorted(order()) == sorted(by_position) and order() != by_position
    assert lefts()[0] == ""
    align = page.evaluate("getComputedStyle(document.querySelector('td.left')).textAlign")
    assert align == "right"
    page.click('a[data-sort="right"]')
    page.wait_for_url("**sort=right")
    assert page.locator("tr[data-kwic] td.right").first.inner_text().startswith("以來")


@pytest.mark.parametrize("url", ["/", "/search?q=俄罗斯", f"/articles/{A000}?q=Putin", "/sources",
                                 "/concordance?q=蘇聯解體", "/glossary"])
def test_mobile_width_has_no_horizontal_overflow(browser, server, url):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    pg = context.new_page()
    try:
        pg.goto(server + url)
        widths = pg.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1] == 375
    finally:
        context.close()


@pytest.fixture
def phone(browser):
    """A page 390 px wide, as on a phone."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-TW")
    yield context.new_page()
    context.close()


def test_concordance_lines_are_readable_on_a_phone(phone, server):
    phone.goto(f"{server}/concordance?q=蘇聯解體")
    rows = phone.evaluate("""() => Array.from(document.querySelectorAll('tr[data-kwic]')).map(tr => {
        const box = (sel) => tr.querySelector(sel).getBoundingClientRect();
        const m = box('td.match'), w = box('td.where');
        return [m.left, m.right, w.left, w.right, w.height, tr.querySelector('td.match').innerText];
    })""")
    assert len(rows) == 12
    for left, right, w_left, w_right, w_height, text in rows:
        assert text == "蘇聯解體" and 0 <= left and right <= 390  # the whole keyword is on screen
        assert 0 <= w_left and w_right <= 390 and w_height > 0  # so is where it comes from
        assert abs((left + right) / 2 - 195) < 40  # near the centre
    assert phone.locator("tr[data-kwic] td.left").first.inner_text().endswith("1991 年底")


def test_glossary_terms_do_not_wrap_on_a_phone(phone, server):
    phone.goto(f"{server}/glossary")
    wrapped = phone.evaluate("""() => Array.from(document.querySelectorAll('td.zh a'))
        .filter(a => a.getClientRects().length > 1 || a.getBoundingClientRect().height > 40).map(a => a.innerText)""")
    assert wrapped == []
    assert "美俄新關係聯合聲明" in phone.inner_text("tr[data-entry]:nth-child(3) td.zh")


def test_filters_come_first_on_a_phone_folded_into_a_bar(phone, server):
    phone.goto(f"{server}/search?q=俄羅斯")
    bar = phone.locator("details[data-facets]")
    first_hit = phone.locator("[data-hit]").first.bounding_box()
    assert bar.bounding_box()["y"] < min(first_hit["y"], 400)  # the filters at the top, above the first hit
    assert not bar.get_attribute("open") and not phone.locator("[data-facet='kind']").is_visible()
    phone.click("details[data-facets] > summary")
    assert phone.locator("[data-facet='kind']").is_visible()
    phone.click("[data-facet='kind'] a[data-facet-value='footnote']")
    phone.wait_for_url("**kind=footnote")
    assert phone.locator("[data-remove-filter='kind']").inner_text() == "段落類型: 註釋 ×"


def test_filters_are_a_sidebar_on_a_wide_screen(page, server):
    page.goto(f"{server}/search?q=俄羅斯")
    assert page.locator("[data-facet='kind']").is_visible()
    sidebar, results = page.locator("[data-facets]").bounding_box(), page.locator(".results").bounding_box()
    assert sidebar["x"] > results["x"] + results["width"] - 5


def test_keys_move_between_hits_and_open_one(page, server):
    page.goto(f"{server}/search?q=俄羅斯")
    hits = page.locator("[data-hit]")
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.locator("[data-hit].selected").get_attribute("data-hit") == hits.nth(1).get_attribute("data-hit")
    page.keyboard.press("k")
    selected = page.locator("[data-hit].selected").get_attribute("data-hit")
    assert selected == hits.nth(0).get_attribute("data-hit")
    page.keyboard.press("Enter")
    page.wait_for_url("**/articles/**")
    assert page.url.endswith("#" + selected.split("#")[1])


def test_question_mark_lists_the_keys(page, server):
    page.goto(f"{server}/search?q=俄羅斯")
    page.keyboard.press("?")
    dialog = page.locator("dialog[data-keys]")
    assert dialog.is_visible() and "下一個結果" in dialog.inner_text()
    page.keyboard.press("Escape")
    assert not dialog.is_visible()


def test_copy_citation(browser, server):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"], locale="zh-TW")
    pg = context.new_page()
    try:
        pg.goto(f"{server}/articles/{A000}")
        pg.click("button[data-copy='zh']")
        pg.wait_for_function("document.querySelector(\"button[data-copy='zh']\").textContent === '已複製'",
                             timeout=5000)  # the copy is asynchronous
        assert pg.evaluate("navigator.clipboard.readText()") == "李亞明，〈俄羅斯強勢外交與美俄關係的未來發展〉（2007年）。"
    finally:
        context.close()


def test_latin_runs_use_a_latin_font_first(page, server):
    page.goto(f"{server}/articles/{A000}")
    family = page.evaluate("getComputedStyle(document.querySelector('#n21 .note-text')).fontFamily")
    assert family.startswith('"Latin Runs"') and "Noto Sans CJK TC" in family
    assert page.evaluate("document.querySelector('article.reader').lang") == "zh-Hant"


def test_language_switch_to_english_is_remembered(page, server):
    page.goto(f"{server}/search?q=Putin")
    assert page.get_attribute("html", "lang") == "zh-Hant"
    assert "同時搜尋" in page.inner_text("[data-expanded]")
    page.click("[data-lang-switch]")
    page.wait_for_url("**lang=en")
    assert page.get_attribute("html", "lang") == "en"
    assert "Also searched" in page.inner_text("[data-expanded]")
    page.goto(f"{server}/glossary")
    assert page.get_attribute("html", "lang") == "en" and page.inner_text("h1") == "Glossary"
    page.click("[data-lang-switch]")
    assert page.inner_text("h1") == "譯名對照"


def test_glossary_filters_while_typing(page, server):
    page.goto(f"{server}/glossary")
    total = page.locator("tr[data-entry]").count()
    page.fill("[data-glossary-filter]", "普京")
    visible = page.locator("tr[data-entry]:not([hidden])")
    assert visible.count() == 1 < total and "蒲亭" in visible.inner_text()
    page.fill("[data-glossary-filter]", "导弹")  # Simplified finds the Traditional rows too
    assert page.locator("tr[data-entry]:not([hidden])").count() >= 2


def test_slash_focuses_the_search_box(page, server):
    page.goto(f"{server}/glossary")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "header-q"


SCREENS = [
    ("home", "/", 1280, 900),
    ("search", "/search?q=俄罗斯 外交", 1280, 900),
    ("reader", f"/articles/{A000}?q=Putin", 1280, 900),
    ("reader-passage", f"/articles/{A000}?q=Putin#p8", 1280, 900),
    ("notes", f"/articles/{A000}#n7", 1280, 900),
    ("sources", "/sources?q=whitehouse.gov", 1280, 900),
    ("concordance", "/concordance?q=蘇聯解體&sort=left", 1280, 900),
    ("glossary", "/glossary?found=1", 1280, 900),
    ("search-english", "/search?q=Putin&lang=en", 1280, 900),
    ("mobile-search", "/search?q=俄罗斯", 375, 740),
    ("mobile-reader", f"/articles/{A000}?q=四个阶段#p12", 375, 740),
]


@pytest.mark.skipif(os.environ.get("JIANSUO_SCREENSHOTS") != "1", reason="set JIANSUO_SCREENSHOTS=1 to save them")
@pytest.mark.parametrize("name, url, width, height", SCREENS)
def test_screenshots(browser, server, name, url, width, height):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
    pg = context.new_page()
    try:
        pg.goto(server + url)
        pg.screenshot(path=str(SHOTS / f"{name}.png"))
    finally:
        context.close()
    assert (SHOTS / f"{name}.png").stat().st_size > 10_000
