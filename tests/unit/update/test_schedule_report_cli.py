"""Schedules, the JSON report's shape, durations, and the CLI's refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from dockyard.cli import cli
from dockyard.cli.watch import _duration
from dockyard.errors import UsageError
from dockyard.update import ContainerResult, CycleReport, Status
from dockyard.update._schedule import Schedule


def test_six_field_cron_has_seconds_first_as_watchtower() -> None:
    schedule = Schedule(cron="30 0 4 * * *")
    now = datetime(2026, 1, 1, 3, 59, 0, tzinfo=UTC)
    assert schedule.seconds_until_next(now=now) == 90


def test_a_bad_schedule_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="not a valid"):
        Schedule(cron="every day")


def test_interval() -> None:
    assert Schedule(interval=300).seconds_until_next() == 300


def test_the_json_report_has_the_documented_shape() -> None:
    report = CycleReport(
        results=[
            ContainerResult(
                name="web",
                image="a:1",
                old_image_id="sha256:1",
                new_image_id="sha256:2",
                status=Status.UPDATED,
            ),
            ContainerResult(
                name="db",
                image="b:1",
                old_image_id="sha256:3",
                new_image_id=None,
                status=Status.FAILED,
                reason="check failed: down",
                check_failed=True,
            ),
        ]
    )
    data = json.loads(report.to_json())
    assert list(data) == ["containers"]
    assert data["containers"][0] == {
        "name": "web",
        "image": "a:1",
        "old_image_id": "sha256:1",
        "new_image_id": "sha256:2",
        "status": "updated",
        "reason": None,
    }
    assert report.exit_code == 5


def test_durations_in_watchtowers_forms() -> None:
    assert _duration("10") == 10
    assert _duration("10s") == 10
    assert _duration("1m30s") == 90
    with pytest.raises(UsageError):
        _duration("ten")


def test_json_without_run_once_is_refused() -> None:
    result = CliRunner().invoke(cli, ["watch", "--json"], standalone_mode=False)
    assert isinstance(result.exception, UsageError)
    assert "--json needs --run-once" in str(result.exception)
