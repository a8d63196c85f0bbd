"""The query page in a real headless Chromium: named queries run from the list, errors shown, nothing fetched
from anywhere but the server (so it works offline). A screenshot lands in build/screenshots/ for review.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sparql_support import corpus_db, running_server  # noqa: F401  # corpus_db is a fixture

from kg.explore.browser import Browser, missing
from kg.sparql.protocol import Settings
from kg.sparql.server import SparqlServer
from kg.sparql.zygote import Source

pytestmark = [pytest.mark.browser, pytest.mark.skipif(missing() is not None, reason=f"{missing()}")]

QUERIES = Path(__file__).resolve().parents[1] / "kg" / "queries"
SHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"


@pytest.fixture(scope="module")
def server(corpus_db: str) -> Iterator[SparqlServer]:  # noqa: F811
    with running_server(Source(db=corpus_db), Settings(timeout=10)) as running:
        yield running  # type: ignore[misc]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser() as b:
        yield b


def test_query_page_runs_named_queries_offline(server: SparqlServer, browser: Browser) -> None:
    browser.driver.get_log("performance")
    browser.driver.get(server.url)
    count = len(list(QUERIES.glob("*.rq")))
    browser.wait_for(f"return document.querySelectorAll('#queries button').length === {count}", 30)
    browser.js("document.querySelector('#queries button[data-name=\"top-projects\"]').click();")
    browser.wait_for("return document.querySelectorAll('#results table tbody tr').length > 0", 30)
    header = browser.js(
        "return Array.from(document.querySelectorAll('#results th')).map(th => th.textContent);"
    )
    assert header == ["project", "label", "items", "issues", "series", "first", "last"]
    first_row = browser.js(
        "return Array.from(document.querySelectorAll('#results tbody tr:first-child td'))"
        ".map(td => td.textContent);"
    )
    assert first_row[:2] == ["ent:layotto", "Layotto @en"]  # the language tag is shown, small
    links = browser.js(
        "return Array.from(document.querySelectorAll('#downloads a')).map(a => a.textContent);"
    )
    assert links == ["JSON", "XML", "CSV", "TSV"]
    assert "top-projects" in browser.js(
        "return document.querySelector('#queries button.active').dataset.name;"
    )
    browser.screenshot(SHOTS / "sparql-page.png")

    browser.js(
        "document.getElementById('query').value = 'SELECT * WHERE { ?s ?p }';"
        "document.getElementById('run').click();"
    )
    browser.wait_for("return !document.getElementById('error').hidden", 30)
    error = browser.js("return document.getElementById('error').textContent;")
    assert error.startswith("400 Bad Request\nmalformed query: error at 1:25")

    browser.js("document.querySelector('#queries button[data-name=\"describe-entity\"]').click();")
    browser.wait_for("return document.querySelector('#results pre.graph') !== null", 30)
    assert "ent:kubernetes" in browser.js("return document.querySelector('#results pre.graph').textContent;")

    origin = server.url.rstrip("/")
    requested = browser.requests()
    assert requested, "no request was logged"
    assert [url for url in requested if not url.startswith(origin)] == []
    assert not [line for line in browser.console() if "SEVERE" in line]
