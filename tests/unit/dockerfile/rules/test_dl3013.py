"""DL3013: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3013 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: RUN pip install django", ("FROM debian:12\nRUN pip install django\n"), [2]),
    (
        "catches: RUN pip3 install --upgrade requests",
        ("FROM debian:12\nRUN pip3 install --upgrade requests\n"),
        [2],
    ),
    (
        "catches: RUN python -m pip install flask",
        ("FROM debian:12\nRUN python -m pip install flask\n"),
        [2],
    ),
    (
        "catches: RUN pip install git+https://github.com/x/y",
        ("FROM debian:12\nRUN pip install git+https://github.com/x/y\n"),
        [2],
    ),
    (
        "catches not: RUN pip install django==4.2",
        ("FROM debian:12\nRUN pip install django==4.2\n"),
        [],
    ),
    (
        "catches not: RUN pip install -r requirements.txt",
        ("FROM debian:12\nRUN pip install -r requirements.txt\n"),
        [],
    ),
    ("catches not: RUN pip install .", ("FROM debian:12\nRUN pip install .\n"), []),
    (
        "catches not: RUN pip install ./dist/app.whl",
        ("FROM debian:12\nRUN pip install ./dist/app.whl\n"),
        [],
    ),
    (
        "catches not: RUN pip install -c constraints.txt django",
        ("FROM debian:12\nRUN pip install -c constraints.txt django\n"),
        [],
    ),
    (
        "catches not: RUN pip install 'django>=4'",
        ("FROM debian:12\nRUN pip install 'django>=4'\n"),
        [],
    ),
    ("catches not: RUN pipenv install", ("FROM debian:12\nRUN pipenv install\n"), []),
    (
        "catches not: RUN pip install --no-cache-dir -e ./src",
        ("FROM debian:12\nRUN pip install --no-cache-dir -e ./src\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3013(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
