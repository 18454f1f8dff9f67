"""DY008 (file deleted in a later layer): catches / catches-not."""

from __future__ import annotations

import pytest

from dockyard.dockerfile.rules.dy008 import rule
from tests.unit.dockerfile.rules._helpers import assert_catches

CASES = [
    (
        "copied archive removed later",
        "FROM d:1\nCOPY app.tar.gz /tmp/\n"
        "RUN tar xzf /tmp/app.tar.gz -C /opt\nRUN rm /tmp/app.tar.gz\n",
        [4],
    ),
    (
        "copied and removed in the next RUN",
        "FROM d:1\nCOPY big.bin /data/big.bin\nRUN process /data/big.bin && rm -f /data/big.bin\n",
        [3],
    ),
    (
        "relative to WORKDIR",
        "FROM d:1\nWORKDIR /src\nCOPY . .\nRUN make && rm -rf tests\n",
        [4],
    ),
    (
        "download then remove in a later RUN",
        "FROM d:1\nRUN curl -fsSL -o /tmp/x.tgz https://e/x.tgz\n"
        "RUN tar xzf /tmp/x.tgz && rm /tmp/x.tgz\n",
        [3],
    ),
    (
        "whole directory removed",
        "FROM d:1\nADD https://e/pkg.deb /tmp/pkg.deb\nRUN dpkg -i /tmp/pkg.deb && rm -rf /tmp\n",
        [3],
    ),
    (
        "glob",
        "FROM d:1\nCOPY wheels/a.whl /wheels/\nRUN pip install /wheels/*.whl && rm /wheels/*.whl\n",
        [3],
    ),
    (
        "download and delete in the same RUN",
        "FROM d:1\nRUN curl -o /tmp/x https://e/x && sh /tmp/x && rm /tmp/x\n",
        [],
    ),
    (
        "removed path was not added",
        "FROM d:1\nCOPY requirements.txt /app/\nRUN rm -rf /app/tests\n",
        [],
    ),
    (
        "only in a build stage",
        "FROM d:1 AS b\nCOPY x /x\nRUN rm /x\nFROM d:1\nCOPY --from=b /y /y\n",
        [],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(text: str, lines: list[int]) -> None:
    assert_catches(rule, text, lines)
