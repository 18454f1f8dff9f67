"""Each fixer: what it changes (exact output) and what it leaves alone or reports."""

from __future__ import annotations

import pytest

from dockyard.dockerfile import parse
from dockyard.dockerfile.fix import Fixer, fix_text
from dockyard.dockerfile.fix._apt_lists import AptLists
from dockyard.dockerfile.fix._apt_recommends import AptRecommends
from dockyard.dockerfile.fix._delete_in_layer import DeleteInCreatingLayer
from dockyard.dockerfile.fix._exec_form import ExecForm
from dockyard.dockerfile.fix._join_runs import JoinRuns
from dockyard.dockerfile.fix._keep_ca import KeepCaCertificates
from dockyard.dockerfile.fix._maintainer import MaintainerLabel
from dockyard.dockerfile.fix._nonroot_user import NonRootUser
from dockyard.dockerfile.fix._pin import PinLatest
from dockyard.dockerfile.fix._purge_downloaders import PurgeDownloaders
from dockyard.dockerfile.fix._small_cleanups import ApkNoCache, PipNoCacheDir, YumClean


def run(fixer: Fixer, text: str) -> str:
    """The fixer's own logic, whatever the rules say (``flags=None``)."""
    result = fix_text(text, fixers=[fixer], flags=None)
    parse(result.text)
    assert fix_text(result.text, fixers=[fixer], flags=None).text == result.text, "not idempotent"
    return result.text


FIXES = [
    pytest.param(
        JoinRuns(),
        "FROM debian\nRUN apt-get update\n# tools\nRUN apt-get install -y curl\n",
        "FROM debian\nRUN apt-get update \\\n# tools\n    && apt-get install -y curl\n",
        id="join-keeps-comment",
    ),
    pytest.param(
        JoinRuns(),
        "FROM debian\nRUN cd /src && make\nRUN make install\n",
        "FROM debian\nRUN ( cd /src && make ) \\\n    && make install\n",
        id="join-isolates-cd",
    ),
    pytest.param(
        JoinRuns(),
        "FROM debian\nRUN a\nRUN b || true\n",
        "FROM debian\nRUN a \\\n    && ( b || true )\n",
        id="join-groups-or",
    ),
    pytest.param(
        AptRecommends(),
        "FROM debian\nRUN apt-get update && apt-get install curl\n",
        "FROM debian\nRUN apt-get update && apt-get install -y --no-install-recommends"
        " ca-certificates curl\n",
        id="recommends-keeps-ca",
    ),
    pytest.param(
        AptRecommends(),
        "FROM debian\nRUN apt-get install -y gcc\n",
        "FROM debian\nRUN apt-get install -y --no-install-recommends libc6-dev gcc\n",
        id="recommends-keeps-libc-dev",
    ),
    pytest.param(
        AptLists(),
        "FROM debian\nRUN apt-get update \\\n    && apt-get install -y jq\n",
        "FROM debian\nRUN apt-get update \\\n    && apt-get install -y jq \\\n"
        "    && apt-get clean && rm -rf /var/lib/apt/lists/*\n",
        id="lists-leading-and-style",
    ),
    pytest.param(
        PurgeDownloaders(),
        "FROM debian\nRUN apt-get install -y curl python3 && curl -o /x http://h/x\n",
        "FROM debian\nRUN apt-get install -y ca-certificates curl python3 && curl -o /x"
        " http://h/x && apt-get purge -y --auto-remove curl\n",
        id="purge-curl-keep-ca",
    ),
    pytest.param(
        PipNoCacheDir(),
        "FROM python\nRUN pip install -r req.txt\n",
        "FROM python\nRUN pip install --no-cache-dir -r req.txt\n",
        id="pip",
    ),
    pytest.param(
        ApkNoCache(),
        "FROM alpine\nRUN apk add git\n",
        "FROM alpine\nRUN apk add --no-cache git\n",
        id="apk",
    ),
    pytest.param(
        YumClean(),
        "FROM centos\nRUN yum install -y git\n",
        "FROM centos\nRUN yum install -y git && yum clean all\n",
        id="yum",
    ),
    pytest.param(
        DeleteInCreatingLayer(),
        "FROM debian\nRUN make > /tmp/log\nCOPY a /a\nRUN rm /tmp/log\n",
        "FROM debian\nRUN make > /tmp/log && rm /tmp/log\nCOPY a /a\n",
        id="delete-moves-rm",
    ),
    pytest.param(
        NonRootUser(),
        'FROM debian:12\nWORKDIR /app\nCOPY . .\nCMD ["./run"]\n',
        "FROM debian:12\nWORKDIR /app\nCOPY . .\n"
        "RUN useradd --system --create-home --uid 10001 app && chown app:app /app\n"
        'USER 10001\nCMD ["./run"]\n',
        id="user-debian-workdir",
    ),
    pytest.param(
        NonRootUser(),
        "FROM alpine:3\nRUN apk add --no-cache jq\n",
        "FROM alpine:3\nRUN apk add --no-cache jq\nRUN adduser -D -u 10001 app\nUSER 10001\n",
        id="user-alpine",
    ),
    pytest.param(
        NonRootUser(),
        "FROM scratch\nCOPY app /app\n",
        "FROM scratch\nCOPY app /app\nUSER 65534:65534\n",
        id="user-scratch",
    ),
    pytest.param(
        ExecForm(),
        "FROM debian\nCMD python3 -m http.server 8000\n",
        'FROM debian\nCMD ["python3", "-m", "http.server", "8000"]\n',
        id="cmd-exec-form",
    ),
    pytest.param(
        MaintainerLabel(),
        'FROM debian\nMAINTAINER Jane "J" Doe <j@example.com>\n',
        'FROM debian\nLABEL maintainer="Jane \\"J\\" Doe <j@example.com>"\n',
        id="maintainer",
    ),
]


@pytest.mark.parametrize(("fixer", "text", "expected"), FIXES)
def test_fixer_rewrites(fixer: Fixer, text: str, expected: str) -> None:
    assert run(fixer, text) == expected


LEAVES = [
    pytest.param(JoinRuns(), "FROM debian\nRUN a\nCOPY x /x\nRUN b\n", id="join-not-across-copy"),
    pytest.param(
        JoinRuns(), "FROM debian\nRUN --network=none a\nRUN b\n", id="join-not-other-flags"
    ),
    pytest.param(JoinRuns(), 'FROM debian\nRUN ["a"]\nRUN b\n', id="join-not-exec-form"),
    pytest.param(
        JoinRuns(), 'FROM debian\nSHELL ["pwsh", "-c"]\nRUN a\nRUN b\n', id="join-not-pwsh"
    ),
    pytest.param(
        AptRecommends(),
        "FROM debian\nRUN apt-get install -y --no-install-recommends jq\n",
        id="recommends-already",
    ),
    pytest.param(
        PurgeDownloaders(),
        'FROM debian\nRUN apt-get install -y curl && curl -o /x http://h/x\nCMD ["curl", "h"]\n',
        id="purge-not-when-used-at-run-time",
    ),
    pytest.param(
        PurgeDownloaders(),
        "FROM debian\nHEALTHCHECK CMD curl -f http://localhost/\n"
        "RUN apt-get install -y curl && curl -o /x http://h/x\n",
        id="purge-not-when-healthcheck-uses-it",
    ),
    pytest.param(
        PurgeDownloaders(),
        "FROM debian\nRUN apt-get install -y curl\n",
        id="purge-not-when-not-used-in-build",
    ),
    pytest.param(
        PipNoCacheDir(),
        "FROM python\nRUN --mount=type=cache,target=/root/.cache pip install x\n",
        id="pip-cache-mount",
    ),
    pytest.param(ExecForm(), "FROM debian\nCMD echo $HOME > /tmp/x\n", id="cmd-shell-syntax-stays"),
    pytest.param(
        ExecForm(),
        'FROM debian\nENTRYPOINT run.sh\nCMD ["--help"]\n',
        id="entrypoint-with-cmd-stays",
    ),
    pytest.param(NonRootUser(), "FROM debian\nUSER nobody\n", id="user-present"),
]


@pytest.mark.parametrize(("fixer", "text"), LEAVES)
def test_fixer_leaves_alone(fixer: Fixer, text: str) -> None:
    assert run(fixer, text) == text


def test_lists_kept_when_a_later_run_installs_without_update() -> None:
    text = "FROM debian\nRUN apt-get update\nCOPY x /x\nRUN apt-get install -y jq\n"
    result = fix_text(text, fixers=[AptLists()], flags=None)
    assert result.text == text
    assert [(u.code, u.line) for u in result.unfixed] == [("DL3009", 2)]
    assert "line 4" in result.unfixed[0].reason


def test_unknown_base_family_is_reported_not_guessed() -> None:
    result = fix_text("FROM mycorp/base:1\nCOPY a /a\n", fixers=[NonRootUser()], flags=None)
    assert result.text == "FROM mycorp/base:1\nCOPY a /a\n"
    assert result.unfixed[0].code == "DY001"


def test_copy_then_delete_points_to_bind_mount() -> None:
    text = "FROM debian\nCOPY big.tgz /tmp/big.tgz\nRUN tar xzf /tmp/big.tgz\nRUN rm /tmp/big.tgz\n"
    result = fix_text(text, fixers=[DeleteInCreatingLayer()], flags=None)
    assert result.text == text
    assert result.unfixed == ()  # the tar RUN names it last: written and used over layers


def test_pin_uses_the_resolver_and_reports_what_it_cannot_resolve() -> None:
    digests = {"debian:latest": "sha256:" + "a" * 64}
    fixer = PinLatest(resolve=digests.get)
    result = fix_text("FROM debian:latest\nFROM alpine\n", fixers=[fixer], flags=None)
    assert result.text == f"FROM debian:latest@sha256:{'a' * 64}\nFROM alpine\n"
    assert [u.line for u in result.unfixed] == [2]


def test_untouched_lines_stay_byte_for_byte() -> None:
    text = (
        "# syntax=docker/dockerfile:1\n\n"
        "FROM debian   AS   base\n"
        "ENV  A=1 \\\n\tB=2\n"
        "RUN echo hi\r\n"
        'CMD ["true"]'
    )
    result = fix_text(text)
    assert result.text.startswith("# syntax=docker/dockerfile:1\n\nFROM debian   AS   base\n")
    assert "ENV  A=1 \\\n\tB=2\n" in result.text
    assert result.text.endswith('CMD ["true"]')


def test_walkthrough_fix_is_the_course_recipe() -> None:
    text = (
        "FROM local/debian:bookworm\n"
        "RUN apt-get update\n"
        "RUN apt-get install -y curl\n"
        "RUN apt-get install -y python3\n"
        "RUN curl -fsSL -o /tmp/x.deb http://deb.debian.org/x.deb\n"
        "RUN dpkg -i /tmp/x.deb\n"
        "RUN rm /tmp/x.deb\n"
        "CMD python3 /app/check.py\n"
    )
    result = fix_text(text)
    assert result.text == (
        "FROM local/debian:bookworm\n"
        "RUN apt-get update \\\n"
        "    && apt-get install -y --no-install-recommends ca-certificates curl \\\n"
        "    && apt-get install -y --no-install-recommends python3 \\\n"
        "    && curl -fsSL -o /tmp/x.deb http://deb.debian.org/x.deb \\\n"
        "    && dpkg -i /tmp/x.deb \\\n"
        "    && rm /tmp/x.deb \\\n"
        "    && apt-get purge -y --auto-remove curl \\\n"
        "    && apt-get clean && rm -rf /var/lib/apt/lists/*\n"
        "RUN useradd --system --create-home --uid 10001 app\n"
        "USER 10001\n"
        'CMD ["python3", "/app/check.py"]\n'
    )
    assert [f.code for f in result.fixes] == [
        "DL3059",
        "DL3015",
        "DY003",
        "DL3009",
        "DL3025",
        "DY001",
    ]


def test_fixes_only_what_lint_reports_pragmas_included() -> None:
    text = (
        "FROM debian:12\n"
        "# hadolint ignore=DL3015\n"
        "RUN apt-get update && apt-get install -y jq && rm -rf /var/lib/apt/lists/*\n"
        "RUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*\n"
    )
    result = fix_text(text, fixers=[AptRecommends()])
    assert result.text.splitlines()[2].endswith(
        "apt-get install -y jq && rm -rf /var/lib/apt/lists/*"
    )
    assert "--no-install-recommends ca-certificates git" in result.text.splitlines()[3]


def test_fixes_follow_the_lint_config() -> None:
    from dataclasses import replace

    from dockyard.dockerfile._config import LintConfig
    from dockyard.dockerfile.fix._findings import lint_flags

    config = replace(LintConfig(), ignored=frozenset({"DL4000"}))
    text = "FROM debian:12\nMAINTAINER me\n"
    assert (
        fix_text(text, fixers=[MaintainerLabel()]).text == 'FROM debian:12\nLABEL maintainer="me"\n'
    )
    ignoring = fix_text(
        text, fixers=[MaintainerLabel()], flags=lambda t: lint_flags(t, config=config)
    )
    assert ignoring.text == text


def test_auto_remove_keeps_ca_certificates_installed_by_name() -> None:
    text = (
        "FROM debian:12\n"
        "RUN apt-get update && apt-get install -y curl python3\n"
        "RUN curl -o /x http://h/x && apt-get purge -y --auto-remove curl\n"
    )
    result = fix_text(text, fixers=[KeepCaCertificates()])
    assert result.text.splitlines()[1] == (
        "RUN apt-get update && apt-get install -y ca-certificates curl python3"
    )
    assert [(f.code, f.line) for f in result.fixes] == [("DY004", 3)]
    assert fix_text(result.text, fixers=[KeepCaCertificates()]).text == result.text


def test_auto_remove_with_ca_certificates_named_is_left_alone() -> None:
    text = (
        "FROM debian:12\n"
        "RUN apt-get install -y ca-certificates curl && curl -o /x http://h/x"
        " && apt-get purge -y --auto-remove curl\n"
    )
    assert fix_text(text, fixers=[KeepCaCertificates()], flags=None).text == text


def test_fix_lines_point_into_the_input() -> None:
    text = (
        "FROM debian:12\n"  # 1
        "MAINTAINER me\n"  # 2
        "RUN apt-get update\n"  # 3
        "RUN apt-get install -y jq\n"  # 4
        "COPY run.sh /run.sh\n"  # 5
        "CMD /run.sh\n"  # 6
    )
    result = fix_text(text)
    assert {(f.code, f.line) for f in result.fixes} >= {
        ("DL4000", 2),
        ("DL3059", 3),
        ("DL3015", 3),
        ("DL3009", 3),
        ("DL3025", 6),
    }


def test_microdnf_clean_answers_hadolints_dl3040() -> None:
    # hadolint reports a missing `microdnf clean all` as DL3040 (DL3041 is about pinning)
    text = "FROM fedora:40\nRUN microdnf install -y curl-8.0\n"
    result = fix_text(text, fixers=[YumClean()], flags=None)
    assert result.text == "FROM fedora:40\nRUN microdnf install -y curl-8.0 && microdnf clean all\n"
    assert [(f.code, f.line) for f in result.fixes] == [("DL3040", 2)]
