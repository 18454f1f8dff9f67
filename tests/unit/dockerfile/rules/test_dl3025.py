"""DL3025: catches / catches-not. Expected lines are what hadolint 2.15.1 reports on the same
text, so the table pins compatibility as well as behaviour."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dl3025 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    ("catches: CMD python app.py", ("FROM debian:12\nCMD python app.py\n"), [2]),
    ("catches: ENTRYPOINT /entrypoint.sh", ("FROM debian:12\nENTRYPOINT /entrypoint.sh\n"), [2]),
    ('catches not: CMD ["python", "app.py"]', ('FROM debian:12\nCMD ["python", "app.py"]\n'), []),
    (
        'catches not: ENTRYPOINT ["/entrypoint.sh"]',
        ('FROM debian:12\nENTRYPOINT ["/entrypoint.sh"]\n'),
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dl3025(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
