"""Webhook verification and parsing, on bodies shaped as the forges send them."""

from __future__ import annotations

import pytest

from dockyard.secrets import Secret
from dockyard.serve import App, Provider
from dockyard.serve._hooks import (
    HookError,
    ImageEvent,
    Ping,
    Push,
    Unsupported,
    decide_image,
    decide_push,
    matches_paths,
    parse_forge,
    parse_registry,
    verify,
)
from tests.unit.serve.payloads import (
    DIGEST,
    DOCKER_HUB,
    GITHUB_PING,
    HEAD,
    REGISTRY_ENVELOPE,
    body,
    gitea_push,
    github_push,
    github_signature,
    gitlab_push,
    hex_signature,
)

SECRET = "It's a Secret to Everybody"


def _app(**fields: object) -> App:
    return App.model_validate(
        {
            "name": "web",
            "repo": "https://git.example/you/web.git",
            "image": "127.0.0.1:5000/you/web",
        }
        | fields
    )


# GitHub's documented example: this secret and body give this signature.
GITHUB_DOC_BODY = b"Hello, World!"
GITHUB_DOC_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"


def test_github_s_documented_signature_example_verifies() -> None:
    headers = {"X-Hub-Signature-256": GITHUB_DOC_SIGNATURE}
    assert verify(Provider.GITHUB, headers, GITHUB_DOC_BODY, Secret(SECRET))
    assert not verify(Provider.GITHUB, headers, GITHUB_DOC_BODY + b" ", Secret(SECRET))
    assert not verify(Provider.GITHUB, headers, GITHUB_DOC_BODY, Secret("another secret"))


@pytest.mark.parametrize(
    ("provider", "header", "sign"),
    [
        pytest.param(Provider.GITHUB, "X-Hub-Signature-256", github_signature, id="github"),
        pytest.param(Provider.GITEA, "X-Gitea-Signature", hex_signature, id="gitea"),
        pytest.param(Provider.GITEA, "X-Hub-Signature-256", github_signature, id="gitea-hub-copy"),
        pytest.param(Provider.FORGEJO, "X-Forgejo-Signature", hex_signature, id="forgejo"),
        pytest.param(Provider.FORGEJO, "X-Gitea-Signature", hex_signature, id="forgejo-gitea-copy"),
    ],
)
def test_hmac_signatures_verify_over_the_raw_body(
    provider: Provider, header: str, sign: object
) -> None:
    raw = body(github_push())
    assert callable(sign)
    good = {header.lower(): sign(SECRET, raw)}  # header names are case-insensitive
    assert verify(provider, good, raw, Secret(SECRET))
    assert not verify(provider, {header: sign("wrong", raw)}, raw, Secret(SECRET))
    assert not verify(provider, good, raw.replace(b"main", b"mainx"), Secret(SECRET))
    assert not verify(provider, {}, raw, Secret(SECRET))


def test_a_github_signature_without_its_prefix_is_refused() -> None:
    raw = body(github_push())
    bare = hex_signature(SECRET, raw)
    assert not verify(Provider.GITHUB, {"X-Hub-Signature-256": bare}, raw, Secret(SECRET))


def test_gitlab_compares_its_token() -> None:
    raw = body(gitlab_push())
    assert verify(Provider.GITLAB, {"X-Gitlab-Token": SECRET}, raw, Secret(SECRET))
    assert not verify(Provider.GITLAB, {"X-Gitlab-Token": SECRET + "x"}, raw, Secret(SECRET))
    assert not verify(Provider.GITLAB, {}, raw, Secret(SECRET))
    # A GitHub-style signature is not a GitLab token.
    assert not verify(
        Provider.GITLAB, {"X-Hub-Signature-256": github_signature(SECRET, raw)}, raw, Secret(SECRET)
    )


def test_github_ping_and_other_events() -> None:
    headers = {
        "X-GitHub-Event": "ping",
        "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    }
    assert parse_forge(Provider.GITHUB, headers, body(GITHUB_PING)) == Ping(
        "github:72d3162e-cc78-11e3-81ab-4c9367dc0958"
    )
    other = parse_forge(
        Provider.GITHUB, {"X-GitHub-Event": "issues", "X-GitHub-Delivery": "d2"}, b"{}"
    )
    assert other == Unsupported("github:d2", "issues")


def test_a_github_push() -> None:
    headers = {"X-GitHub-Event": "push", "X-GitHub-Delivery": "d-1"}
    push = parse_forge(Provider.GITHUB, headers, body(github_push()))
    assert push == Push(
        delivery_id="github:d-1",
        ref="refs/heads/main",
        commit=HEAD,
        message="Fix the header",
        changed=("app/main.py",),
    )
    assert push.branch == "main"


def test_a_gitea_and_a_forgejo_push() -> None:
    raw = body(gitea_push())
    gitea = parse_forge(Provider.GITEA, {"X-Gitea-Event": "push", "X-Gitea-Delivery": "g1"}, raw)
    assert isinstance(gitea, Push)
    assert (gitea.delivery_id, gitea.commit, gitea.changed) == (
        "gitea:g1",
        HEAD,
        ("docs/new.md", "README.md"),
    )
    forgejo = parse_forge(
        Provider.FORGEJO, {"X-Forgejo-Event": "push", "X-Forgejo-Delivery": "f1"}, raw
    )
    assert isinstance(forgejo, Push)
    assert forgejo.delivery_id == "forgejo:f1"


def test_a_gitlab_push_and_its_delivery_id() -> None:
    raw = body(gitlab_push())
    headers = {"X-Gitlab-Event": "Push Hook", "X-Gitlab-Event-UUID": "u-1"}
    push = parse_forge(Provider.GITLAB, headers, raw)
    assert isinstance(push, Push)
    assert (push.delivery_id, push.commit, push.message) == ("gitlab:u-1", HEAD, "Add the worker\n")
    assert push.changed == ("services/api/x.py", "services/worker/main.go")
    # Without a UUID header, the body's hash is the id: the same body is the same delivery.
    plain = parse_forge(Provider.GITLAB, {"X-Gitlab-Event": "Push Hook"}, raw)
    assert isinstance(plain, Push)
    assert plain.delivery_id.startswith("gitlab:sha256:")
    assert plain == parse_forge(Provider.GITLAB, {"X-Gitlab-Event": "Push Hook"}, raw)
    tag = parse_forge(Provider.GITLAB, {"X-Gitlab-Event": "Tag Push Hook"}, raw)
    assert isinstance(tag, Unsupported)


def test_gitlab_s_truncated_commit_list_leaves_the_changed_files_unknown() -> None:
    raw = body(gitlab_push(total=40))
    push = parse_forge(Provider.GITLAB, {"X-Gitlab-Event": "Push Hook"}, raw)
    assert isinstance(push, Push)
    assert push.changed is None


def test_a_deleted_branch() -> None:
    data = github_push() | {"deleted": True, "after": "0" * 40, "head_commit": None, "commits": []}
    push = parse_forge(Provider.GITHUB, {"X-GitHub-Event": "push"}, body(data))
    assert isinstance(push, Push)
    assert push.deleted
    assert decide_push(_app(), push).reason == "branch main was deleted"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(b"not json", "not JSON", id="not-json"),
        pytest.param(b"[1]", "not a JSON object", id="array"),
        pytest.param(b'{"after": "x"}', "names no ref", id="no-ref"),
    ],
)
def test_unreadable_pushes(raw: bytes, message: str) -> None:
    with pytest.raises(HookError, match=message):
        parse_forge(Provider.GITHUB, {"X-GitHub-Event": "push"}, raw)


def _push(**fields: object) -> Push:
    base: dict[str, object] = {
        "delivery_id": "d",
        "ref": "refs/heads/main",
        "commit": HEAD,
        "message": "a change",
        "changed": ("app/main.py",),
    }
    return Push(**(base | fields))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("app_fields", "push_fields", "reason"),
    [
        pytest.param({}, {}, None, id="build"),
        pytest.param(
            {}, {"ref": "refs/heads/dev"}, "a push to dev; this app builds main", id="branch"
        ),
        pytest.param({}, {"ref": "refs/tags/v1"}, "refs/tags/v1 is not a branch", id="tag"),
        pytest.param(
            {},
            {"message": "docs\n\n[skip ci]"},
            "the head commit's message says [skip ci]",
            id="skip",
        ),
        pytest.param(
            {},
            {"message": "WIP [CI SKIP]"},
            "the head commit's message says [ci skip]",
            id="ci-skip",
        ),
        pytest.param({"paths": ["app/**"]}, {}, None, id="paths-match"),
        pytest.param(
            {"paths": ["services/web/**", "Dockerfile"]},
            {},
            "no changed file matches the app's paths",
            id="paths-miss",
        ),
        pytest.param({"paths": ["services/web/**"]}, {"changed": None}, None, id="paths-unknown"),
        pytest.param({"branch": "release"}, {"ref": "refs/heads/release"}, None, id="other-branch"),
    ],
)
def test_decide_push(
    app_fields: dict[str, object], push_fields: dict[str, object], reason: str | None
) -> None:
    decision = decide_push(_app(**app_fields), _push(**push_fields))
    assert decision.reason == reason
    assert decision.build is (reason is None)


@pytest.mark.parametrize(
    ("glob", "path", "hit"),
    [
        ("services/web/**", "services/web/app/main.py", True),
        ("services/web/**", "services/webx/main.py", False),
        ("services/web/", "services/web/a.py", True),
        ("*.md", "README.md", True),
        ("*.md", "docs/README.md", False),
        ("**/*.md", "docs/deep/README.md", True),
        ("**/*.md", "README.md", True),
        ("Dockerfile", "Dockerfile", True),
        ("src/?.py", "src/a.py", True),
        ("src/?.py", "src/ab.py", False),
        ("/Dockerfile", "Dockerfile", True),
    ],
)
def test_path_globs(glob: str, path: str, hit: bool) -> None:
    assert matches_paths([glob], [path]) is hit


def test_a_registry_envelope_gives_its_manifest_pushes_only() -> None:
    assert parse_registry(body(REGISTRY_ENVELOPE)) == [
        ImageEvent(
            delivery_id="registry:6b7e6c3a-3f62-4d51-9a30-6c4e1b2f0a11",
            host="127.0.0.1:5000",
            repository="you/web",
            tag="main",
            digest=DIGEST,
        )
    ]


def test_docker_hub_s_webhook() -> None:
    assert parse_registry(body(DOCKER_HUB)) == [
        ImageEvent(
            delivery_id="dockerhub:you/web:latest:1417566161",
            host=None,
            repository="you/web",
            tag="latest",
            digest=None,
        )
    ]
    with pytest.raises(HookError, match="neither"):
        parse_registry(b'{"hello": 1}')


def test_decide_image_matches_apps_by_repository_and_tag() -> None:
    web = _app()
    hub = _app(name="hub", image="you/web:latest")
    other = _app(name="api", image="127.0.0.1:5000/you/api")
    event = parse_registry(body(REGISTRY_ENVELOPE))[0]
    tags = {"web": "main", "hub": "latest", "api": "main"}
    assert decide_image(event, [web, hub, other], deploy_tag=tags, own_digests=set()) == [
        (web, None)
    ]
    assert decide_image(event, [web], deploy_tag={"web": "prod"}, own_digests=set()) == [
        (web, "tag main: this app deploys prod")
    ]
    assert decide_image(event, [web], deploy_tag=tags, own_digests={DIGEST}) == [
        (web, f"{DIGEST} was built and pushed here")
    ]
    hub_event = parse_registry(body(DOCKER_HUB))[0]
    assert decide_image(hub_event, [web, hub], deploy_tag=tags, own_digests=set()) == [(hub, None)]


def test_an_event_for_a_name_no_image_can_have_concerns_no_app() -> None:
    event = ImageEvent(delivery_id="x", host=None, repository="**/", tag="latest", digest=None)
    assert decide_image(event, [_app()], deploy_tag={}, own_digests=set()) == []
