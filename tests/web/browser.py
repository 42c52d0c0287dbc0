"""Browser-test fixtures (docs/web.md): Playwright driving Debian's chromium, axe-core on every page, no console error,
no content-security-policy refusal, a screenshot of every page checked.

Use the `browse` fixture (JavaScript on) or `browse_nojs` (off) with pytest-django's `live_server`:

    def test_form(browse, live_server):
        browse.goto(live_server.url + "/complaints/twu/")
        browse.check("how to complain")   # axe (WCAG 2.2 AA), console, screenshot var/screenshots/<test>/01-...png

A browser that cannot start fails the test: never a skip (`make test` installs chromium first, see the Makefile).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
AXE_SOURCE = next((Path(__file__).parent / "assets").glob("axe-core-*/axe.min.js"))
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def chromium_executable() -> str | None:
    """Debian's chromium (Playwright's own browser download cannot reach its site here): PLAINT_CHROMIUM, or
    `chromium` / `chromium-browser` on the PATH; None lets Playwright use its own (`playwright install`)."""
    configured = os.environ.get("PLAINT_CHROMIUM")
    if configured:
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    executable = chromium_executable()
    args = {**browser_type_launch_args}
    if executable:
        args["executable_path"] = executable
    return args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1024, "height": 900}, "locale": "en-GB"}


class Browse:
    """One browser page with its checks: every console error, page error and "Refused to" message is collected and
    fails the test at its end; `check` runs axe and takes the screenshot."""

    def __init__(self, page: Any, folder: Path, *, javascript: bool = True) -> None:
        self.page = page
        self.javascript = javascript
        self.folder = folder
        self.count = 0
        self.problems: list[str] = []
        self.axe_loaded_for: str | None = None
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript error on {page.url}: {error}"))

    def _console(self, message: Any) -> None:
        if message.type == "error" or "Refused to" in message.text:
            self.problems.append(f"console {message.type} on {self.page.url}: {message.text}")

    def goto(self, url: str) -> Any:
        """Open a page and wait until our script has started GOV.UK Frontend (when JavaScript is on)."""
        response = self.page.goto(url)
        self.settle()
        return response

    def settle(self) -> None:
        """After a navigation: wait for the page's own script (a module, so it runs after parsing) to finish."""
        self.page.wait_for_load_state("load")
        if self.javascript:
            # A selector, not wait_for_function: that evaluates a string, which our CSP rightly refuses.
            self.page.locator("body.govuk-frontend-supported").wait_for(state="attached")

    def check(self, name: str, *, axe: bool = True) -> None:
        """Screenshot the page as it is, then fail on any WCAG 2.2 AA violation axe finds (JavaScript on), or any
        console problem."""
        self.settle()
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{slug}.png"), full_page=True)
        if axe and self.javascript:
            violations = self.axe()
            assert violations == [], f"axe on '{name}' ({self.page.url}):\n" + "\n".join(violations)
        assert self.problems == [], "\n".join(self.problems)

    def axe(self) -> list[str]:
        # page.evaluate, not add_script_tag: our content security policy refuses inline scripts (as it should).
        self.page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            """async (tags) => {
                const r = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
                return r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(" ")
                    + " :: " + n.failureSummary)}));
            }""",
            AXE_TAGS,
        )
        return [f"{v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in result]

    def finish(self) -> None:
        assert self.problems == [], "\n".join(self.problems)


def _folder(request: pytest.FixtureRequest, suffix: str = "") -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.nodeid.split("::", 1)[-1]) + suffix
    folder = SCREENSHOTS / Path(request.node.fspath).stem / name
    if folder.exists():
        shutil.rmtree(folder)
    return folder


BROWSER_FIXTURES = frozenset({"browse", "browse_nojs", "page"})


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Playwright's sync API runs an event loop in the test's thread; Django's ORM refuses to run beside one unless
    told. Told for a browser test from its set-up to the end of its tear-down (the live server's database flush)
    and only then: a subprocess started by another test must not inherit it (`check --deploy` refuses it)."""
    if BROWSER_FIXTURES.isdisjoint(getattr(item, "fixturenames", ())):
        return (yield)
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        return (yield)
    finally:
        if before is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def browse(page: Any, request: pytest.FixtureRequest) -> Iterator[Browse]:
    checked = Browse(page, _folder(request))
    yield checked
    checked.finish()


@pytest.fixture
def browse_nojs(browser: Any, browser_context_args: dict[str, Any], request: pytest.FixtureRequest) -> Iterator[Browse]:
    """A page with JavaScript switched off (the forms must work as plain POSTs). axe cannot run in it (no script
    runs, Playwright's evaluate included): the same pages are checked by axe with JavaScript on."""
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    checked = Browse(context.new_page(), _folder(request, "-nojs"), javascript=False)
    yield checked
    try:
        checked.finish()
    finally:
        context.close()
