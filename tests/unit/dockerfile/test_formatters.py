"""Every format, compared as exact strings (the JSON ones are hadolint 2.15's own output for the
same findings, captured from ``hadolint -f <format>``)."""

from __future__ import annotations

from dockyard import __version__
from dockyard.dockerfile._lint import FileResult
from dockyard.dockerfile.formatters import render
from dockyard.dockerfile.rules import Finding, Severity


def sample() -> list[FileResult]:
    return [
        FileResult(
            path="Dockerfile",
            findings=[
                Finding(
                    "Dockerfile",
                    1,
                    "DL3006",
                    Severity.WARNING,
                    "Always tag the version of an image explicitly",
                ),
                Finding("Dockerfile", 2, "DL4000", Severity.ERROR, "MAINTAINER is deprecated"),
                Finding(
                    "Dockerfile",
                    3,
                    "SC2086",
                    Severity.INFO,
                    "Double quote to prevent globbing and word splitting.",
                ),
                Finding("Dockerfile", 4, "DY001", Severity.STYLE, 'a "quoted" <tag> & more'),
            ],
        ),
        FileResult(path="clean/Dockerfile"),
    ]


def test_tty_plain() -> None:
    assert render("tty", sample()) == (
        "Dockerfile:1 DL3006 warning: Always tag the version of an image explicitly\n"
        "Dockerfile:2 DL4000 error: MAINTAINER is deprecated\n"
        "Dockerfile:3 SC2086 info: Double quote to prevent globbing and word splitting.\n"
        'Dockerfile:4 DY001 style: a "quoted" <tag> & more'
    )


def test_tty_colour_levels_as_hadolint_and_groups_by_file() -> None:
    two = [sample()[0], FileResult("b", [Finding("b", 1, "DL3000", Severity.ERROR, "m")])]
    text = render("tty", two, color=True)
    assert "Dockerfile:1 DL3006 \x1b[1m\x1b[93mwarning\x1b[0m: Always" in text
    assert "Dockerfile:2 DL4000 \x1b[1m\x1b[91merror\x1b[0m: MAINTAINER" in text
    assert "Dockerfile:3 SC2086 \x1b[92minfo\x1b[0m: Double" in text
    assert "Dockerfile:4 DY001 \x1b[96mstyle\x1b[0m: a" in text
    assert "more\n\nb:1 DL3000" in text


def test_json_is_hadolints_shape() -> None:
    assert render("json", sample()[:1]).startswith(
        '[{"code":"DL3006","column":1,"file":"Dockerfile","level":"warning","line":1,'
        '"message":"Always tag the version of an image explicitly"},'
        '{"code":"DL4000","column":1,"file":"Dockerfile","level":"error","line":2,'
        '"message":"MAINTAINER is deprecated"},'
    )
    assert render("json", [FileResult("x")]) == "[]"


def test_sarif() -> None:
    text = render("sarif", sample()[:1])
    assert text.startswith(
        '{"$schema":"http://json.schemastore.org/sarif-2.1.0","runs":[{"defaultSourceLanguage":'
        '"dockerfile","results":[{"level":"warning","locations":[{"physicalLocation":'
        '{"artifactLocation":{"uri":"Dockerfile"},"region":{"endColumn":1,"endLine":1,'
        '"sourceLanguage":"dockerfile","startColumn":1,"startLine":1}}}],"message":{"text":'
        '"Always tag the version of an image explicitly"},"ruleId":"DL3006"},'
    )
    assert '"level":"note","locations":[{"physicalLocation":{"artifactLocation":{"uri":' in text
    assert '"sourceLanguage":"sh","startColumn":1,"startLine":3' in text
    assert text.endswith(f'"version":"{__version__}"}}}}}}],"version":"2.1.0"}}')


def test_checkstyle() -> None:
    assert render("checkstyle", sample()) == (
        '<?xml version="1.0" encoding="UTF-8"?><checkstyle version="4.3">'
        '<file name="Dockerfile">'
        '<error column="1" line="1" message="Always tag the version of an image explicitly" '
        'severity="warning" source="DL3006"/>'
        '<error column="1" line="2" message="MAINTAINER is deprecated" severity="error" '
        'source="DL4000"/>'
        '<error column="1" line="3" message="Double quote to prevent globbing and word '
        'splitting." severity="info" source="SC2086"/>'
        '<error column="1" line="4" message="a &quot;quoted&quot; &lt;tag&gt; &amp; more" '
        'severity="style" source="DY001"/>'
        '</file><file name="clean/Dockerfile"/></checkstyle>'
    )


def test_gitlab_codeclimate_fingerprints_match_hadolint() -> None:
    text = render("gitlab_codeclimate", sample()[:1])
    assert text.startswith(
        '[{"categories":["Bug Risk"],"check_name":"DL3006","description":"Always tag the '
        'version of an image explicitly","fingerprint":"a5f619896c28deda3bf91ec64062b6849dab3183"'
        ',"location":{"lines":{"begin":1,"end":1},"path":"Dockerfile"},"severity":"major",'
        '"type":"issue"},'
    )
    assert '"fingerprint":"0a71bc36b3071b5a265cea610f686337a13e2d20"' in text
    assert '"fingerprint":"66ffb7bb9fe7ae2a37af03b66a92f555f1958afe"' in text
