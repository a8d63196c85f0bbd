"""Drive Debian's headless Chromium over selenium to check explorer pages: the tests and the benchmark use it.

Every request the page makes is logged through Chrome's performance log (DevTools Network events), so a
test can assert that a page loaded from file:// asked for nothing else. Selenium is a test dependency;
it is imported only here.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from kg.errors import KgError

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,900",
)


def missing() -> str | None:
    """Why the browser cannot run here, or None when it can."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            return f"{path} is missing (run scripts/system-deps.sh as root to apt-install chromium)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


class Browser:
    """One headless Chromium with a fresh profile; use as a context manager."""

    def __init__(self) -> None:
        reason = missing()
        if reason:
            raise KgError(f"cannot start headless Chromium: {reason}")
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.mkdtemp(prefix="kg-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.profile}")
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        options.set_capability("unhandledPromptBehavior", "ignore")
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.set_page_load_timeout(120)
        self.driver.set_script_timeout(120)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    def open(self, path: str | Path, timeout: float = 60.0) -> float:
        """Load a page and wait until it marks itself ready; returns wall seconds from navigation."""
        self.driver.get_log("performance")  # drop what earlier pages logged
        started = time.perf_counter()
        self.driver.get(Path(path).resolve().as_uri())
        self.wait_for("return document.documentElement.dataset.ready === '1'", timeout)
        return time.perf_counter() - started

    def wait_for(self, script: str, timeout: float = 10.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = self.driver.execute_script(script)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"page did not satisfy `{script}` within {timeout} s")
            time.sleep(0.05)

    def requests(self) -> list[str]:
        """URLs requested since the last open(), from DevTools Network.requestWillBeSent events.

        Requests made by Chromium's own chrome:// pages (the start-up tab loads its icons and fonts while
        the test page opens) are left out; everything any other document asked for is listed.
        """
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") != "Network.requestWillBeSent":
                continue
            params = message["params"]
            if str(params.get("documentURL", "")).startswith("chrome://"):
                continue
            urls.append(params["request"]["url"])
        return urls

    def console(self) -> list[str]:
        return [entry["message"] for entry in self.driver.get_log("browser")]

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def screenshot(self, path: str | Path) -> Path:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(target))
        return target
