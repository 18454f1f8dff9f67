"""The dashboard of a real ``dockyard serve``, in a real browser: a git server of the test's own
(``git daemon`` on 127.0.0.1), the real engine and registry, a real container deployed to.

Signed in with a deploy token: a push (a signed GitHub webhook) builds, and its log streams to
the end on the build page; the overview, open in another tab, shows the new digest without a
reload; the rollback button on the app page puts the earlier digest back on the container, and
the overview shows it live again.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
import docker.errors
import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import TestEnv, wait_until
from tests.forge import GitServer, free_port, send_github_push

pytestmark = pytest.mark.integration

DOCKYARD = str(Path(sys.executable).with_name("dockyard"))
WAIT_MS = 120_000  # a build, its deploy (confirm, watch window) on a busy machine
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "dashboard"
DOCKERFILE = """\
FROM {base}
COPY index.html /www/index.html
USER 10001
ENV PORT=8080
CMD ["sh", "-c", "exec httpd -f -p 127.0.0.1:$PORT -h /www"]
"""


@dataclass
class Lab:
    """A forge, a served app, and the ``dockyard serve`` that deploys it."""

    forge: GitServer
    image: str
    container: str
    port: int
    url: str
    secret: str
    token: str
    client: docker.DockerClient
    config: Path

    def commit(self, text: str, message: str = "") -> str:
        return self.forge.commit({"index.html": text + "\n"}, message=message or f"serve {text}")

    def push_hook(self, commit: str, text: str, message: str = "") -> None:
        answer = send_github_push(
            f"{self.url}/hooks/web",
            secret=self.secret,
            commit=commit,
            message=message or f"serve {text}",
        )
        assert answer.status_code == 202, answer.text

    def api(self, path: str) -> Any:
        answer = httpx.get(
            self.url + path, headers={"Authorization": f"Bearer {self.token}"}, timeout=10
        )
        answer.raise_for_status()
        return answer.json()

    def build_of(self, commit: str) -> dict[str, Any] | None:
        return next((b for b in self.api("/api/v1/apps/web/builds") if b["commit"] == commit), None)

    def serving(self) -> str:
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/", timeout=1).text.strip()
        except httpx.HTTPError:
            return ""


@pytest.fixture
def lab(tmp_path: Path, test_env: TestEnv, docker_client: docker.DockerClient) -> Iterator[Lab]:
    unique = uuid.uuid4().hex[:10]
    forge = GitServer(tmp_path / "forge")
    forge.root.mkdir()
    forge.start({"Dockerfile": DOCKERFILE.format(base=test_env.busybox), "index.html": "v1\n"})
    repository = f"{test_env.registry}/dockyard-browser-{unique}"
    image, container, port = f"{repository}:main", f"dockyard-browser-{unique}", free_port()
    serve: subprocess.Popen[bytes] | None = None
    try:
        docker_client.images.build(path=str(forge.work), tag=image, rm=True)
        for line in docker_client.api.push(image, stream=True, decode=True):
            assert "error" not in line, line
        docker_client.containers.run(
            image, name=container, detach=True, network_mode="host", init=True,
            environment={"PORT": str(port)}, restart_policy={"Name": "unless-stopped"},
        )  # fmt: skip
        secret, listen = secrets.token_hex(16), free_port()
        (tmp_path / "hook.secret").write_text(secret)
        config = tmp_path / "serve.yaml"
        config.write_text(json.dumps({
            "listen": f"127.0.0.1:{listen}",
            "state_dir": str(tmp_path / "state"),
            "apps": {"web": {
                "repo": forge.url,
                "image": repository,
                "webhook": {"provider": "github", "secret_file": "hook.secret"},
                "deploy": [{"container": container}],
                "watch_window": "2s",
            }},
        }))  # fmt: skip
        created = subprocess.run(
            [DOCKYARD, "serve", "token", "create", "browser", "--scope", "deploy",
             "--config", str(config)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        log = (tmp_path / "serve.log").open("w")
        serve = subprocess.Popen(
            [DOCKYARD, "-v", "serve", "--config", str(config)],
            stdout=log, stderr=log, env=dict(os.environ),
        )  # fmt: skip
        lab = Lab(
            forge=forge,
            image=image,
            container=container,
            port=port,
            url=f"http://127.0.0.1:{listen}",
            secret=secret,
            token=created.stdout.strip().splitlines()[-1],
            client=docker_client,
            config=config,
        )
        wait_until(lambda: lab.serving() == "v1", timeout=30, what="v1 served")
        wait_until(_healthy(lab.url), timeout=30, what="dockyard serve answering")
        yield lab
    finally:
        if serve is not None:
            serve.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                serve.wait(timeout=30)
            if serve.poll() is None:
                serve.kill()
        forge.stop()
        for found in docker_client.containers.list(all=True, filters={"name": container}):
            with contextlib.suppress(docker.errors.APIError):
                found.remove(force=True)
        for local in docker_client.images.list(name=repository):
            with contextlib.suppress(docker.errors.APIError):
                docker_client.images.remove(local.id, force=True)


def _healthy(url: str) -> Any:
    def check() -> bool:
        try:
            return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    return check


def _deployed(lab: Lab, text: str, commit: str) -> dict[str, Any]:
    wait_until(lambda: lab.serving() == text, timeout=180, what=f"{text} served")
    build = wait_until(
        lambda: (b := lab.build_of(commit)) and b["status"] == "live" and b, timeout=60,
        what=f"the build of {text} live",
    )  # fmt: skip
    return dict(build)


def _sign_in(page: Page, lab: Lab) -> None:
    page.goto(lab.url + "/")
    page.fill("#token", lab.token)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Overview')")


def test_a_push_streams_its_log_goes_live_and_rolls_back_with_the_button(
    lab: Lab, browser: Browser
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        overview, page = context.new_page(), context.new_page()
        for tab in (overview, page):
            tab.set_default_timeout(60_000)
        _sign_in(page, lab)
        overview.goto(lab.url + "/")
        overview.evaluate("window.__kept = 'same page'")

        v2 = lab.commit("v2")
        lab.push_hook(v2, "v2")
        build = wait_until(lambda: lab.build_of(v2), timeout=30, what="the build of v2")
        page.goto(f"{lab.url}/ui/builds/{build['id']}")
        expect(page.locator("body")).to_have_attribute("data-log-ended", "live", timeout=WAIT_MS)
        expect(page.locator("#log")).to_contain_text("gate passed", timeout=WAIT_MS)
        first = _deployed(lab, "v2", v2)
        page.reload()  # the finished build's page: its image's layers, as inspect counts them
        layers = page.locator("table.layers")
        expect(layers).to_contain_text("COPY index.html /www/index.html")
        expect(page.locator("main")).to_contain_text("wasted (efficiency")
        page.screenshot(path=str(ARTIFACTS / "real-build.png"), full_page=True)
        expect(overview.locator("#app-web")).to_contain_text(first["digest"][:19], timeout=WAIT_MS)
        # the commit's subject and author, as git has them, beside its digest
        expect(overview.locator("#app-web")).to_contain_text("serve v2")
        expect(overview.locator("#app-web")).to_contain_text("Ada Forge")
        # the container's live health, sampled while the overview is open
        expect(overview.locator("#app-web .health")).to_contain_text("running", timeout=WAIT_MS)
        expect(overview.locator("#app-web .health")).to_contain_text(lab.container)
        assert overview.evaluate("window.__kept") == "same page"  # updated live, no reload

        v3 = lab.commit("v3")
        lab.push_hook(v3, "v3")
        second = _deployed(lab, "v3", v3)
        expect(overview.locator("#app-web")).to_contain_text(second["digest"][:19], timeout=WAIT_MS)

        earlier = next(d for d in lab.api("/api/v1/apps/web/deployments") if d["commit"] == v2)
        page.goto(f"{lab.url}/ui/apps/web")
        page.screenshot(path=str(ARTIFACTS / "real-app.png"), full_page=True)
        page.click(f"tr[data-deployment='{earlier['id']}'] button.rollback")
        wait_until(lambda: lab.serving() == "v2", timeout=180, what="v2 served again")
        expect(overview.locator("#app-web .live")).to_contain_text(
            earlier["digest"][:19], timeout=WAIT_MS
        )
        running = lab.client.api.inspect_container(lab.container)
        digests = lab.client.api.inspect_image(running["Image"])["RepoDigests"]
        assert any(d.endswith("@" + earlier["digest"]) for d in digests)
        overview.screenshot(path=str(ARTIFACTS / "real-overview.png"), full_page=True)
        lab.client.containers.get(lab.container).stop(timeout=5)
        expect(overview.locator("#app-web .health")).to_contain_text("stopped", timeout=WAIT_MS)
        assert overview.evaluate("window.__kept") == "same page"
    finally:
        context.close()


HOSTILE = 'serve v2 <script>window.__xss=1</script> "><img src=x onerror="window.__xss=2">'


def test_hostile_commit_text_csrf_and_a_read_only_token_on_the_real_server(
    lab: Lab, browser: Browser
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    v2 = lab.commit("v2", message=HOSTILE)
    lab.push_hook(v2, "v2", message=HOSTILE)
    _deployed(lab, "v2", v2)
    read_token = subprocess.run(
        [DOCKYARD, "serve", "token", "create", "viewer", "--scope", "read",
         "--config", str(lab.config)],
        capture_output=True, text=True, check=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        _sign_in(page, lab)
        build = lab.build_of(v2)
        assert build is not None
        # the commit subject git gives, shown as text on every page that shows it
        for path in ("/", "/ui/apps/web", f"/ui/builds/{build['id']}"):
            page.goto(lab.url + path)
            main = page.locator("main")
            expect(main).to_contain_text("<script>window.__xss=1</script>")
            expect(main).to_contain_text('"><img src=x onerror=')
            assert main.locator("script").count() == 0
            assert main.locator("img").count() == 0
            assert page.evaluate("window.__xss") is None
        assert dialogs == []

        # a form posted without its CSRF token does nothing
        builds_before = len(lab.api("/api/v1/apps/web/builds"))
        page.goto(lab.url + "/ui/apps/web")
        page.evaluate(
            "document.querySelector(\"form[action$='/deploy'] input[name=csrf]\").remove()"
        )
        with page.expect_navigation() as answer:
            page.click("form[action$='/deploy'] button")
        response = answer.value
        assert response is not None
        assert response.status == 403
        expect(page.locator("h1")).to_contain_text("CSRF token is missing or wrong")
        assert len(lab.api("/api/v1/apps/web/builds")) == builds_before

        # a read-only token sees no buttons, and its POST is refused
        page.goto(lab.url + "/")
        page.locator("form.signout button").click()
        page.fill("#token", read_token)
        page.click("button[type=submit]")
        page.wait_for_selector("h1:has-text('Overview')")
        page.goto(lab.url + "/ui/apps/web")
        assert page.locator("button.rollback").count() == 0
        assert page.get_by_text("Deploy now").count() == 0
        csrf = page.locator("form.signout input[name=csrf]").get_attribute("value")
        assert csrf
        deployments = lab.api("/api/v1/apps/web/deployments")
        refused = page.request.post(
            lab.url + "/ui/apps/web/rollback",
            form={"csrf": csrf, "deployment": str(deployments[-1]["id"])},
            max_redirects=0,
        )
        assert refused.status == 403
        assert "can read, not deploy" in refused.text()
        assert lab.api("/api/v1/apps/web/deployments") == deployments
        assert lab.serving() == "v2"
        page.screenshot(path=str(ARTIFACTS / "real-read-only.png"), full_page=True)
    finally:
        context.close()
