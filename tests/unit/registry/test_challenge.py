"""``WWW-Authenticate`` parsing: the registry's instructions for authenticating."""

from __future__ import annotations

from dockyard.registry import Challenge, parse_challenges


def test_bearer_with_realm_service_and_scope_with_commas() -> None:
    header = (
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
        'scope="repository:samalba/my-app:pull,push"'
    )
    [challenge] = parse_challenges(header)
    assert challenge.scheme == "bearer"
    assert challenge.realm == "https://auth.docker.io/token"
    assert challenge.service == "registry.docker.io"
    assert challenge.scope == "repository:samalba/my-app:pull,push"
    assert challenge.error is None


def test_basic_realm() -> None:
    assert parse_challenges('Basic realm="basic-realm"') == [
        Challenge(scheme="basic", params={"realm": "basic-realm"})
    ]


def test_scheme_and_keys_are_case_insensitive_and_spaces_tolerated() -> None:
    [challenge] = parse_challenges('BEARER Realm = "http://127.0.0.1:1/t" , Service=reg')
    assert (challenge.scheme, challenge.realm, challenge.service) == (
        "bearer",
        "http://127.0.0.1:1/t",
        "reg",
    )


def test_error_of_insufficient_scope_and_escaped_quotes() -> None:
    [challenge] = parse_challenges(
        'Bearer realm="r",error="insufficient_scope",error_description="say \\"hi\\""'
    )
    assert challenge.error == "insufficient_scope"
    assert challenge.params["error_description"] == 'say "hi"'


def test_two_challenges_in_one_header() -> None:
    found = parse_challenges('Basic realm="a", Bearer realm="b",service="s"')
    assert [(c.scheme, c.realm) for c in found] == [("basic", "a"), ("bearer", "b")]


def test_garbage_gives_nothing_usable() -> None:
    assert parse_challenges("") == []
    assert parse_challenges("   ") == []
    for challenge in parse_challenges('"""==='):
        assert challenge.realm is None
