"""The explorer in a real headless Chromium: offline load, search, slider, evidence panel, hostile data.

Screenshots of each step land in build/screenshots/ for review.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.explore import write_explorer
from kg.explore.browser import Browser, missing

pytestmark = [pytest.mark.browser, pytest.mark.skipif(missing() is not None, reason=f"{missing()}")]

SHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from test_explore import build_store

    folder = tmp_path_factory.mktemp("explore")
    out = folder / "explorer.html"
    write_explorer(build_store(folder), out)
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser() as b:
        yield b


@pytest.fixture
def opened(browser: Browser, page: Path) -> Browser:
    browser.open(page)
    return browser


def text(b: Browser, selector: str) -> str:
    return b.js("const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", selector)


def status(b: Browser) -> tuple[int, int]:
    data = b.js("const d = document.getElementById('status').dataset; return [d.nodes, d.edges];")
    return int(data[0]), int(data[1])


def type_search(b: Browser, query: str) -> list[str]:
    from selenium.webdriver.common.by import By

    box = b.driver.find_element(By.ID, "search")
    box.clear()
    box.send_keys(query)
    b.wait_for(f"return document.getElementById('results').dataset.query === {query!r}")  # debounced
    return b.js("return Array.from(document.querySelectorAll('#results li')).map(li => li.textContent);")


def test_page_loads_from_file_with_no_other_request(browser: Browser, page: Path) -> None:
    browser.open(page)  # first-paint time is measured by benchmarks/bench_explore.py, not asserted here
    urls = browser.requests()
    assert urls == [page.resolve().as_uri()], urls
    problems = [m for m in browser.console() if "Refused" in m or "Uncaught" in m or "Error" in m]
    assert problems == []  # no CSP violation, no script error
    assert status(browser) == (6, 5)  # entities (issues are off until toggled); co-mentions + basedOn
    assert text(browser, "#period-label") == "all time"
    browser.screenshot(SHOTS / "explore-loaded.png")


def test_search_finds_by_english_name_chinese_label_and_alias(opened: Browser) -> None:
    assert type_search(opened, "knat")[0] == "Knative (Project, 4)"
    assert type_search(opened, "阿里巴巴")[0] == "Alibaba · 阿里巴巴 (Organization, 1)"
    assert type_search(opened, "阿里云")[0] == "Alibaba · 阿里巴巴 (Organization, 1)"
    assert type_search(opened, "服务网格")[0] == "Istio · 服务网格Istio (Project, 2)"
    assert type_search(opened, "knative serving")[0] == "Knative (Project, 4)"
    from selenium.webdriver.common.keys import Keys

    opened.driver.switch_to.active_element.send_keys(Keys.ENTER)
    opened.wait_for("return window.kgExplorer.selected() === 'knative'")
    assert text(opened, "#details h2") == "Knative"
    opened.screenshot(SHOTS / "explore-search.png")


def test_slider_shows_the_graph_as_of_each_month_and_within_it(opened: Browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    slider = opened.driver.find_element(By.ID, "slider")
    slider.send_keys(Keys.HOME)
    assert text(opened, "#period-label") == "as of 2019-04"
    assert status(opened) == (3, 2)  # Cloud Run, Knative, Alibaba; co-mention + basedOn
    opened.screenshot(SHOTS / "explore-slider-2019-04.png")
    slider.send_keys(Keys.ARROW_RIGHT)
    assert text(opened, "#period-label") == "as of 2019-05"
    assert status(opened) == (6, 4)
    slider.send_keys(Keys.ARROW_RIGHT)
    assert status(opened) == (6, 5)
    opened.js(
        "const m = document.getElementById('mode'); m.value = 'within'; m.dispatchEvent(new Event('change'));"
    )
    assert text(opened, "#period-label") == "in 2019-06"
    assert status(opened) == (2, 1)  # only Knative and Istio were mentioned in June
    slider.send_keys(Keys.END)
    assert (text(opened, "#period-label"), status(opened)) == ("all time", (6, 5))


def test_play_steps_through_time_and_stops_on_the_last_period(opened: Browser) -> None:
    opened.js("document.getElementById('play').click();")
    opened.wait_for("return document.getElementById('period-label').textContent === 'as of 2019-05'", 5)
    opened.wait_for("return document.getElementById('play').textContent === '▶ play'", 10)
    assert text(opened, "#period-label") == "as of 2019-06"  # stops on the last period
    assert opened.js("return document.getElementById('slider').value") == "2"


def test_clicking_a_node_opens_its_evidence_and_highlights_neighbours(opened: Browser) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    graph = opened.driver.find_element(By.ID, "graph")
    point = opened.js("return window.kgExplorer.viewportOf('knative');")
    size = graph.size
    ActionChains(opened.driver).move_to_element_with_offset(
        graph, int(point["x"] - size["width"] / 2), int(point["y"] - size["height"] / 2)
    ).click().perform()
    opened.wait_for("return window.kgExplorer.selected() === 'knative'")
    assert text(opened, "#details h2") == "Knative"
    fields = opened.js(
        "return Array.from(document.querySelectorAll('#details dt')).map(dt => [dt.textContent, "
        "dt.nextElementSibling.textContent]);"
    )
    assert dict(fields) == {
        "type": "Project",
        "key": "knative",
        "aliases": "Knative Serving",
        "category": "Serverless",
        "homepage": "https://knative.dev",
        "organization": "google",
        "maturity": "incubating",
        "mentions": "4 in 4 items",
        "seen": "2019-04-01 … 2019-06-03",
    }
    evidence = opened.js(
        "return Array.from(document.querySelectorAll('ol.evidence li')).map(li => [li.querySelector('.doc')"
        ".textContent, li.querySelector('mark').textContent, Array.from(li.querySelectorAll('a'))"
        ".map(a => a.href)]);"
    )
    assert [(doc.split(" · ")[:2], mark) for doc, mark, _ in evidence] == [
        (["2019-06-03", "lwkd"], "Knative"),
        (["2019-05-06", "lwkd"], "Knative"),
        (["2019-04-01", "cloud-native-weekly-zh #1"], "Knative"),
        (["undated", "tgik #99"], "Knative"),
    ]
    assert evidence[2][2][0] == "https://cloud.google.com/run"
    assert evidence[2][2][1].startswith("file:///") and evidence[2][2][1].endswith("/cnw/01.md")
    assert evidence[1][2][0].startswith("file:///")  # the javascript: link became no link
    neighbours = opened.js(
        "return Array.from(document.querySelectorAll('ul.neighbours button')).map(b => b.dataset.node);"
    )
    assert set(neighbours) == {
        "istio",
        "cloud-run",
        "evil",
        "issue:cnw/01",
        "issue:lwkd/2019-05-06-update",
        "issue:lwkd/2019-06-03-update",
        "issue:tgik/099/README",
    }
    opened.screenshot(SHOTS / "explore-evidence.png")


def test_hostile_labels_and_links_execute_nothing(opened: Browser) -> None:
    type_search(opened, "evil")
    opened.js("document.querySelector('#results button').click();")
    opened.wait_for("return window.kgExplorer.selected() === 'evil'")
    time.sleep(0.5)
    assert opened.js("return typeof window.__pwned") == "undefined"
    assert text(opened, "#details h2") == "</script><img src=x onerror=window.__pwned=1>"
    assert text(opened, "#details .zh") == "<svg onload=window.__pwned=2>恶意"
    hrefs = opened.js("return Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href'));")
    assert hrefs and all(h.startswith(("https://", "http://", "file:///")) for h in hrefs), hrefs
    homepage = opened.js(
        "const dt = Array.from(document.querySelectorAll('#details dt'))"
        ".find(d => d.textContent === 'homepage');"
        "const dd = dt.nextElementSibling; return [dd.textContent, dd.querySelector('a') === null];"
    )
    assert homepage == ["javascript:window.__pwned=3", True]
    assert opened.js("return document.querySelectorAll('img, svg, iframe, #details script').length") == 0
    opened.screenshot(SHOTS / "explore-hostile.png")
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        opened.driver.switch_to.alert.text  # noqa: B018
    problems = [m for m in opened.console() if "Refused" in m or "Uncaught" in m]
    assert problems == []


def test_issue_toggle_adds_newsletter_issues_as_nodes(opened: Browser) -> None:
    opened.js("document.querySelector('#types input[data-type=\"Issue\"]').click();")
    assert status(opened) == (10, 15)
    opened.js("document.querySelector('#kinds input[data-kind=\"coMention\"]').click();")
    assert status(opened) == (10, 11)


CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")
def test_real_post_cloud_run_shows_its_relations_and_evidence(browser: Browser, tmp_path: Path) -> None:
    from kg.link import Linker
    from kg.pipeline import ingest
    from kg.store import Store

    url = f"sqlite:///{tmp_path / 'kg.db'}"
    with Store(url) as store:
        assert ingest([str(CORPUS / "cloud-native-weekly-zh")], store, Linker.load()).ok
    write_explorer(url, tmp_path / "cnw.html")
    browser.open(tmp_path / "cnw.html")
    assert browser.requests() == [(tmp_path / "cnw.html").resolve().as_uri()]
    type_search(browser, "Cloud Run")
    browser.js("document.querySelector('#results button').click();")
    browser.wait_for("return window.kgExplorer.selected() === 'google-cloud-run'")
    relations = browser.js(
        "return Array.from(document.querySelectorAll('ul.neighbours li')).map(li => li.textContent)"
        ".filter(t => t.includes('→'));"
    )
    assert "basedOn → Knative" in relations and "competesWith → AWS Fargate" in relations, relations
    first = browser.js(
        "const li = document.querySelector('ol.evidence li'); return [li.querySelector('.doc').textContent, "
        "li.querySelector('mark').textContent, li.querySelector('a').href];"
    )
    assert first[0] == "2019-04-16 · cloud-native-weekly-zh #1 · 云原生生态周报（Cloud Native Weekly）第1期"
    assert first[1] == "Cloud Run" and first[2] == "https://cloud.google.com/run/"
    browser.screenshot(SHOTS / "explore-corpus-cloud-run.png")


def test_notebook_iframe_renders_the_explorer_sandboxed(browser: Browser, tmp_path: Path) -> None:
    from test_explore import build_store

    from kg.explore import Explorer

    explorer = Explorer.from_store(build_store(tmp_path))
    host = tmp_path / "notebook.html"
    shown = explorer._repr_html_()
    host.write_text(f"<!DOCTYPE html><meta charset='utf-8'><body>{shown}</body>", encoding="utf-8")
    browser.driver.get(host.as_uri())
    browser.driver.switch_to.frame(0)
    try:
        browser.wait_for("return document.documentElement.dataset.ready === '1'", 30)
        assert status(browser) == (6, 5)
        assert type_search(browser, "谷歌") == ["no match"]  # Google is defined but never mentioned
        assert type_search(browser, "阿里")[0] == "Alibaba · 阿里巴巴 (Organization, 1)"
    finally:
        browser.driver.switch_to.default_content()
    browser.screenshot(SHOTS / "explore-notebook-iframe.png")


def ticks(b: Browser) -> dict[str, bool]:
    boxes = "Array.from(document.querySelectorAll('#types input'))"
    return dict(b.js(f"return {boxes}.map(x => [x.dataset.type, x.checked]);"))


def test_small_graph_starts_with_every_entity_type_ticked(opened: Browser) -> None:
    assert ticks(opened) == {"Organization": True, "Product": True, "Project": True, "Issue": False}


@pytest.fixture(scope="module")
def large_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from test_explore import large_graph

    from kg.explore import Explorer

    out = tmp_path_factory.mktemp("explore-large") / "large.html"
    Explorer.from_graph(large_graph()).save(out)
    return out


def test_large_graph_starts_with_bulk_types_unticked_but_finds_and_shows_them(
    browser: Browser, large_page: Path
) -> None:
    assert browser.open(large_page) < 10
    assert ticks(browser) == {
        "Concept": True,
        "Organization": True,
        "Product": True,
        "Project": True,
        "Proposal": False,
        "Release": False,
        "Specification": True,
        "Vulnerability": False,
    }
    labels = browser.js(
        "return Array.from(document.querySelectorAll('#types label')).map(l => l.textContent);"
    )
    assert [label.split(" (")[0] for label in labels] == list(ticks(browser))  # all listed, with counts
    shown, _ = status(browser)
    # The 30 biggest visible nodes keep their label at every zoom, and none of them is of an unticked type.
    forced = browser.js(
        "const r = window.kgExplorer.renderer; return r.getGraph().nodes()"
        ".filter(k => r.getNodeDisplayData(k).forceLabel && !r.getNodeDisplayData(k).hidden)"
        ".map(k => r.getGraph().getNodeAttribute(k, 'label'));"
    )
    assert len(forced) == 30 and len(window_labelled(browser)) == 30
    assert not any(label.startswith(("proposal-", "release-")) for label in forced)
    # A proposal is found by search and shown when selected, though its type is unticked.
    found = type_search(browser, "proposal-")
    assert found and found[0].startswith("proposal-") and "(Proposal, " in found[0]
    browser.js("document.querySelector('#results li button').click();")
    key = browser.js("return window.kgExplorer.selected();")
    assert key is not None and text(browser, "#details h2").startswith("proposal-")
    index = key.split("-")[1]  # synthetic keys are syn-<node index>, and sigma's node keys are the index
    assert browser.js(f"return window.kgExplorer.renderer.getNodeDisplayData({index!r}).hidden;") is False
    browser.screenshot(SHOTS / "explore-large-default.png")
    # Ticking Proposal shows the proposals.
    browser.js("document.querySelector('#types input[data-type=\"Proposal\"]').click();")
    assert status(browser)[0] > shown


def window_labelled(b: Browser) -> list[str]:
    return b.js("return window.kgExplorer.labelled();")
