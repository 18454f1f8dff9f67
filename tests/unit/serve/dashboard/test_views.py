"""The pages' wording as pure values: ages, sizes, the gate, which deployments can be restored,
the size chart."""

from __future__ import annotations

import re

import pytest

from dockyard.serve._pipeline import Stage
from dockyard.serve._store import Build, Deployment, DeploymentStatus
from dockyard.serve.dashboard import Signer, SizePoint, size_chart
from dockyard.serve.dashboard._views import (
    GateState,
    deployment_rows,
    gate_state,
    moment,
    relative_text,
    size_change,
    size_text,
)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (2, "just now"),
        (42, "42 s ago"),
        (300, "5 min ago"),
        (3 * 3600 + 5, "3 h ago"),
        (86400, "1 day ago"),
        (3 * 86400, "3 days ago"),
    ],
)
def test_relative_times(seconds: float, text: str) -> None:
    assert relative_text(seconds) == text


def test_a_moment_carries_the_exact_time_for_hover() -> None:
    shown = moment(1_700_000_000, now=1_700_000_060)
    assert shown.iso == "2023-11-14T22:13:20Z"
    assert shown.exact == "2023-11-14 22:13:20 UTC"
    assert shown.relative == "1 min ago"


def test_sizes_and_their_change() -> None:
    assert size_text(121_900_000) == "121.9 MB"
    assert size_text(None) == "-"
    assert size_change(121_900_000, 118_400_000) == "+3.5 MB"
    assert size_change(118_100_000, 118_400_000) == "-300 kB"
    assert size_change(5, 5) == "no change"
    assert size_change(5, None) is None


def _build(status: Stage, *, digest: str | None = None, reason: str | None = None) -> Build:
    return Build(
        id=1,
        app="a",
        commit="c" * 40,
        trigger="webhook",
        delivery_id=None,
        status=status,
        reason=reason,
        digest=digest,
        size_bytes=None,
        findings=[],
        created_at=0.0,
        started_at=None,
        finished_at=None,
    )


def test_the_gate_state_of_a_build() -> None:
    assert gate_state(_build(Stage.LIVE, digest="sha256:x")) is GateState.PASSED
    assert gate_state(_build(Stage.GATING)) is GateState.PENDING
    assert gate_state(_build(Stage.FAILED, reason="gate: runs as root")) is GateState.FAILED
    assert gate_state(_build(Stage.FAILED, reason="git clone failed")) is GateState.NOT_REACHED


def _deployment(i: int, status: DeploymentStatus, digest: str) -> Deployment:
    return Deployment(
        id=i,
        app="a",
        build_id=None,
        commit=None,
        digest=digest,
        targets=[],
        status=status,
        reason=None,
        created_at=float(i),
    )


def test_only_earlier_good_deployments_of_another_digest_can_be_restored() -> None:
    rows = deployment_rows(
        [
            _deployment(4, DeploymentStatus.LIVE, "sha256:d"),
            _deployment(3, DeploymentStatus.ROLLED_BACK, "sha256:c"),
            _deployment(2, DeploymentStatus.SUPERSEDED, "sha256:d"),
            _deployment(1, DeploymentStatus.SUPERSEDED, "sha256:a"),
        ],
        now=10.0,
    )
    assert [r.deployment.id for r in rows if r.can_restore] == [1]


def test_the_size_chart_draws_points_and_the_limit_line() -> None:
    points = [
        SizePoint(build_id=i, at=float(i), size_bytes=100_000_000 + i, passed=True)
        for i in range(5)
    ]
    svg = str(size_chart(points, limit_bytes=200_000_000, title='size of <"shop">'))
    assert svg.startswith("<svg")
    assert svg.endswith("</svg>")
    assert len(re.findall(r"<circle ", svg)) == 5
    assert 'class="limit"' in svg
    assert "limit 200.0 MB" in svg
    assert "&lt;&#34;shop&#34;&gt;" in svg
    assert '<"shop">' not in svg
    assert "style=" not in svg
    assert "<script" not in svg
    empty = str(size_chart([], limit_bytes=None, title="t"))
    assert "No image size recorded yet." in empty


def test_signed_sessions_expire_and_are_bound_to_their_key() -> None:
    signer = Signer(b"k" * 32)
    cookie = signer.session_cookie("ab" * 32, now=1000.0)
    claim = signer.read_session(cookie, now=1001.0)
    assert claim is not None
    assert claim.token_sha256 == "ab" * 32
    assert signer.read_session(cookie, now=1000.0 + 13 * 3600) is None
    assert Signer(b"o" * 32).read_session(cookie, now=1001.0) is None
    assert signer.check_csrf(cookie, signer.csrf_for(cookie))
    assert not signer.check_csrf(cookie, None)
    assert not signer.check_csrf(cookie, Signer(b"o" * 32).csrf_for(cookie))
    assert signer.read_text(signer.sign_text("rolled back")) == "rolled back"
    assert signer.read_text("cm9sbGVk.forged") is None
