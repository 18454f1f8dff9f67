"""BuildKit's ``# check=`` directive and config ``ignored`` applied to BuildKit's checks."""

from __future__ import annotations

from dockyard.dockerfile import lint_text
from dockyard.dockerfile._config import LintConfig
from dockyard.dockerfile._findings import Severity

TEXT = "FROM local/busybox:1 as Build\nMAINTAINER me\nCMD echo hi\n"


def _checks(text: str, config: LintConfig | None = None) -> list[tuple[int, str, str]]:
    found = lint_text(text, config=config or LintConfig(shellcheck=False)).findings
    names = {"StageNameCasing", "MaintainerDeprecated", "JSONArgsRecommended"}
    return [(f.line, f.code, f.severity.label) for f in found if f.code in names]


def test_checks_are_warnings_by_default() -> None:
    assert _checks(TEXT) == [
        (1, "StageNameCasing", "warning"),
        (2, "MaintainerDeprecated", "warning"),
        (3, "JSONArgsRecommended", "warning"),
    ]


def test_skip_and_error_true() -> None:
    text = "# check=skip=StageNameCasing,MaintainerDeprecated;error=true\n" + TEXT
    assert _checks(text) == [(4, "JSONArgsRecommended", "error")]


def test_skip_all() -> None:
    assert _checks("# check=skip=all\n" + TEXT) == []


def test_config_ignored_lists_check_names() -> None:
    config = LintConfig(shellcheck=False, ignored=frozenset({"JSONArgsRecommended"}))
    assert [c for _, c, _ in _checks(TEXT, config)] == ["StageNameCasing", "MaintainerDeprecated"]


def test_finding_carries_the_rule_url() -> None:
    found = lint_text(TEXT, config=LintConfig(shellcheck=False)).findings
    urls = {f.code: f.url for f in found}
    assert urls["MaintainerDeprecated"] == (
        "https://docs.docker.com/go/dockerfile/rule/maintainer-deprecated/"
    )
    assert Severity.WARNING is next(f.severity for f in found if f.code == "StageNameCasing")


def test_json_format_carries_check_name_and_url() -> None:
    import json

    from dockyard.dockerfile.formatters import render

    result = lint_text("FROM a:1\nMAINTAINER me\n", config=LintConfig(shellcheck=False))
    items = [i for i in json.loads(render("json", [result])) if i["code"] == "MaintainerDeprecated"]
    assert items == [
        {
            "code": "MaintainerDeprecated",
            "column": 1,
            "file": "Dockerfile",
            "level": "warning",
            "line": 2,
            "message": "Maintainer instruction is deprecated in favor of using label",
            "url": "https://docs.docker.com/go/dockerfile/rule/maintainer-deprecated/",
        }
    ]
