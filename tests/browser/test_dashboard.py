"""The dashboard as a user sees it in Chromium: sign in, live log and overview, rollback,
hostile commit text, CSRF, a read-only token. Each test leaves screenshots of its pages."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from dockyard.serve._pipeline import Stage
from dockyard.serve._store import DeploymentStatus
from tests.browser.conftest import Visitor
from tests.unit.serve.dashboard.seed import DIGEST_LIVE, DIGEST_OLD, HOSTILE_MESSAGE

pytestmark = pytest.mark.integration

DIGEST_NEW = "sha256:" + "d4" * 32


def _targets() -> list[dict[str, object]]:
    return [{"target": {"container": "shop-web"}, "name": "shop-web", "status": "updated"}]


def test_sign_in_shows_every_app(visitor: Visitor) -> None:
    visitor.page.goto(visitor.server.url + "/ui/apps/shop")
    expect(visitor.page.locator("h1")).to_have_text("Sign in")
    visitor.shot("signin")
    visitor.page.fill("#token", "dy_deploy_0123456789abcdef")
    visitor.page.click("button[type=submit]")
    expect(visitor.page.locator("h1")).to_contain_text("shop")  # back where it was going
    visitor.page.goto(visitor.server.url + "/")
    expect(visitor.page.locator("#app-shop")).to_contain_text(DIGEST_LIVE[:19])
    expect(visitor.page.locator("#app-blog")).to_contain_text("New post: shipping on Fridays")
    visitor.shot("overview")
    assert visitor.foreign == []


def test_a_running_builds_log_streams_to_its_end(deployer: Visitor) -> None:
    store, build = deployer.server.store, deployer.server.seeded.running_build
    page = deployer.page
    page.goto(f"{deployer.server.url}/ui/builds/{build}")
    page.evaluate("window.__kept = 'same page'")
    expect(page.locator("#log")).to_contain_text("[internal] load")
    for n in range(1, 6):
        store.add_log(build, f"  | #{n + 1} RUN step {n}")
    expect(page.locator("#log")).to_contain_text("RUN step 5")
    store.add_log(build, "gate passed (0 lint finding(s), user 'app')")
    store.set_built(build, digest=DIGEST_NEW, size_bytes=123_400_000, findings=[])
    store.set_stage(build, Stage.LIVE, reason=None, now=time.time())
    expect(page.locator("body")).to_have_attribute("data-log-ended", "live")
    expect(page.locator("#build-state")).to_contain_text("live")
    expect(page.locator("#live")).to_contain_text("Finished")
    expect(page.locator("#live")).to_contain_text("The image met the policy and was pushed.")
    lines = page.locator("#log span").all_inner_texts()
    assert lines[-7:] == [
        "  | #1 [internal] load",
        "  | #2 RUN step 1",
        "  | #3 RUN step 2",
        "  | #4 RUN step 3",
        "  | #5 RUN step 4",
        "  | #6 RUN step 5",
        "gate passed (0 lint finding(s), user 'app')",
    ]
    assert page.evaluate("window.__kept") == "same page"
    deployer.shot("build")


def test_a_new_deployment_appears_on_the_overview_without_reload(deployer: Visitor) -> None:
    page = deployer.page
    page.goto(deployer.server.url + "/")
    page.evaluate("window.__kept = 'same page'")
    expect(page.locator("#app-shop")).to_contain_text(DIGEST_LIVE[:19])
    deployer.server.store.add_deployment(
        app="shop",
        build_id=deployer.server.seeded.running_build,
        commit="4444444" + "0" * 33,
        digest=DIGEST_NEW,
        targets=_targets(),
        status=DeploymentStatus.LIVE,
        reason=None,
        now=time.time(),
    )
    expect(page.locator("#app-shop")).to_contain_text(DIGEST_NEW[:19])
    expect(page.locator("#app-shop")).to_contain_text("Cache the product list")
    assert page.evaluate("window.__kept") == "same page"


def test_roll_back_with_the_button_and_see_the_old_digest_live(deployer: Visitor) -> None:
    page = deployer.page
    old = deployer.server.seeded.old_deployment
    page.goto(deployer.server.url + "/")
    overview = page.context.new_page()  # a second tab stays on the overview
    overview.goto(deployer.server.url + "/")
    page.goto(deployer.server.url + "/ui/apps/shop")
    deployer.shot("app")
    page.click(f"tr[data-deployment='{old}'] button.rollback")
    expect(page.locator(".notice")).to_contain_text("rolled shop back to sha256:a1a1a1a1a1a1")
    assert deployer.server.actions.calls == [("rollback", "shop", old)]
    expect(overview.locator("#app-shop .live")).to_contain_text(DIGEST_OLD[:19])
    expect(overview.locator("#app-shop .live")).to_contain_text("Add the basket page")
    overview.close()


def test_a_hostile_commit_message_renders_as_text(deployer: Visitor) -> None:
    page = deployer.page
    for path in ("/", "/ui/apps/shop", f"/ui/builds/{deployer.server.seeded.live_build}"):
        page.goto(deployer.server.url + path)
        expect(page.locator("#live")).to_contain_text('<script>alert("xss")</script>')
        assert page.locator("#live script").count() == 0
        assert page.locator("#live img").count() == 0
    assert HOSTILE_MESSAGE.startswith("<script>")
    page.wait_for_timeout(300)  # give an injected handler its chance to fire
    assert deployer.dialogs == []


def test_a_form_without_its_csrf_token_is_refused(deployer: Visitor) -> None:
    page = deployer.page
    page.goto(deployer.server.url + "/ui/apps/shop")
    page.evaluate("document.querySelector(\"form[action$='/deploy'] input[name=csrf]\").remove()")
    with page.expect_navigation() as answer:
        page.click("form[action$='/deploy'] button")
    response = answer.value
    assert response is not None
    assert response.status == 403
    expect(page.locator("h1")).to_contain_text("CSRF token is missing or wrong")
    assert deployer.server.actions.calls == []
    deployer.shot("csrf-refused")


def test_a_read_only_token_sees_no_rollback_and_its_post_is_refused(reader: Visitor) -> None:
    page = reader.page
    page.goto(reader.server.url + "/ui/apps/shop")
    expect(page.locator("h1")).to_contain_text("shop")
    assert page.locator("button.rollback").count() == 0
    assert page.get_by_text("Deploy now").count() == 0
    csrf = page.locator("form.signout input[name=csrf]").get_attribute("value")
    assert csrf
    answer = page.request.post(
        reader.server.url + "/ui/apps/shop/rollback",
        form={"csrf": csrf, "deployment": str(reader.server.seeded.old_deployment)},
        max_redirects=0,
    )
    assert answer.status == 403
    assert "can read, not deploy" in answer.text()
    assert reader.server.actions.calls == []
    reader.shot("app-read-only")


def test_the_pages_read_well_on_a_phone_in_dark_mode(deployer: Visitor) -> None:
    page = deployer.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.emulate_media(color_scheme="dark")
    page.goto(deployer.server.url + "/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(21, 23, 26)"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # no sideways scrolling on the overview
    deployer.shot("overview-phone-dark")
    page.goto(deployer.server.url + "/ui/apps/shop")
    deployer.shot("app-phone-dark")
