"""The dashboard in a real browser: Debian's chromium driven by Playwright (no browser download:
``executable_path``), against a dashboard served over HTTP on 127.0.0.1.

``dashboard`` is the server under test. Until ``dockyard serve`` wires the dashboard into its
app, it is a uvicorn server of the tests' own with the dashboard's routes, a real SQLite store
and actions that record what was asked (a rollback records the restored deployment as the real
one does); switching to the real ``dockyard serve`` changes only this fixture.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from starlette.applications import Starlette

from dockyard.serve._store import Store
from dockyard.serve.dashboard import dashboard_routes
from tests.unit.serve.dashboard.seed import (
    DEPLOY_TOKEN,
    READ_TOKEN,
    MemoryCommits,
    RecordingActions,
    Seeded,
    make_config,
    seed,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class DashboardServer:
    url: str
    store: Store
    actions: RecordingActions
    seeded: Seeded


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[DashboardServer]:
    state = tmp_path / "state"
    store = Store.open(f"sqlite:///{state / 'serve.db'}")
    commits = MemoryCommits()
    seeded = seed(store, commits)
    actions = RecordingActions(store)
    app = Starlette(
        routes=dashboard_routes(
            store=store,
            config=make_config(state),
            actions=actions,
            secure_cookies=False,
            commits=commits,
        )
    )
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the dashboard's server did not start")
        time.sleep(0.05)
    try:
        yield DashboardServer(
            url=f"http://127.0.0.1:{port}", store=store, actions=actions, seeded=seeded
        )
    finally:
        server.should_exit = True
        server.force_exit = True  # open event streams would hold a graceful exit
        thread.join(timeout=10)
        store.close()


# Package scope: Playwright's sync API keeps an event loop running in this thread while it is
# open; closed when the browser tests end, it leaves none behind for the asyncio tests after.
@pytest.fixture(scope="package")
def playwright_session() -> Iterator[Playwright]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: scripts/provision installs Debian's chromium")
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="package")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    launched = playwright_session.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield launched
    launched.close()


ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "dashboard"


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where the tests leave a screenshot of each page they look at (test artefacts, kept after
    the run: artifacts/dashboard/, ignored by git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@dataclass
class Visitor:
    page: Page
    server: DashboardServer
    shots: Path
    dialogs: list[str]
    foreign: list[str]

    def sign_in(self, token: str) -> None:
        self.page.goto(self.server.url + "/")
        self.page.fill("#token", token)
        self.page.click("button[type=submit]")
        self.page.wait_for_selector("h1:has-text('Overview')")

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def visitor(context: BrowserContext, dashboard: DashboardServer, screenshots: Path) -> Visitor:
    page = context.new_page()
    page.set_default_timeout(10_000)
    dialogs: list[str] = []
    foreign: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    def _request(request: object) -> None:
        url = str(getattr(request, "url", ""))
        if not url.startswith(dashboard.url) and not url.startswith("data:"):
            foreign.append(url)

    page.on("request", _request)
    return Visitor(page=page, server=dashboard, shots=screenshots, dialogs=dialogs, foreign=foreign)


@pytest.fixture
def deployer(visitor: Visitor) -> Visitor:
    visitor.sign_in(DEPLOY_TOKEN)
    return visitor


@pytest.fixture
def reader(visitor: Visitor) -> Visitor:
    visitor.sign_in(READ_TOKEN)
    return visitor
