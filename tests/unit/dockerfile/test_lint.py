"""The lint pipeline: pragmas, settings, parse errors, ShellCheck mapping, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockyard.dockerfile._config import LintConfig, load_config
from dockyard.dockerfile._lint import exit_code, lint_sources, lint_text
from dockyard.dockerfile.rules import Severity, dl3000, dl3006, dl4000
from dockyard.errors import ConfigError

NO_SC = LintConfig(shellcheck=False)
# The pipeline is tested with three well-known rules, so other rules' findings do not interfere.
RULES = [dl3000.rule, dl3006.rule, dl4000.rule]


def codes(text: str, config: LintConfig = NO_SC) -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in lint_text(text, config=config, rules=RULES).findings]


def test_findings_of_several_rules_sorted_by_line() -> None:
    assert codes("FROM debian\nMAINTAINER me\nWORKDIR app\n") == [
        (1, "DL3006"),
        (2, "DL4000"),
        (3, "DL3000"),
    ]


def test_ignore_pragma_covers_the_next_instruction_only() -> None:
    text = "# hadolint ignore=DL3006\nFROM debian\nFROM ubuntu\n"
    assert codes(text) == [(3, "DL3006")]


def test_dockyard_pragma_and_several_codes_with_a_trailing_comment() -> None:
    text = "FROM a:1\n# dockyard ignore=DL4000, DL3000 # legacy\nMAINTAINER x\nWORKDIR b\n"
    assert codes(text) == [(4, "DL3000")]


def test_global_ignore_pragma() -> None:
    text = "FROM debian\n# hadolint global ignore=DL3006\nFROM ubuntu\n"
    assert codes(text) == []


def test_stage_ignore_pragma_lasts_until_the_next_from() -> None:
    text = "# hadolint stage ignore=DL3000,DL3006\nFROM a\nWORKDIR x\nFROM b:1\nWORKDIR z\n"
    assert codes(text) == [(5, "DL3000")]


def test_stage_ignore_pragma_inside_a_stage() -> None:
    text = "FROM a:1\nWORKDIR w\n# hadolint stage ignore=DL3000\nWORKDIR x\nWORKDIR y\n"
    assert codes(text) == [(2, "DL3000")]


def test_disable_ignore_pragma() -> None:
    text = "# hadolint ignore=DL3006\nFROM debian\n"
    assert codes(text, LintConfig(shellcheck=False, disable_ignore_pragma=True)) == [(2, "DL3006")]


def test_override_and_ignored_settings() -> None:
    config = LintConfig(
        shellcheck=False,
        ignored=frozenset({"DL3000"}),
        overrides={"DL4000": Severity.STYLE, "DL3006": Severity.IGNORE},
    )
    result = lint_text("FROM debian\nMAINTAINER x\nWORKDIR y\n", config=config, rules=RULES)
    assert [(f.code, f.severity) for f in result.findings] == [("DL4000", Severity.STYLE)]


def test_parse_error_is_a_dl1000_finding_and_fails_the_run() -> None:
    sources = [("bad", "FROM a\nFROBNICATE x\n"), ("good", "FROM a:1\n")]
    results = lint_sources(sources, config=NO_SC, rules=RULES)
    bad, good = results
    assert [(f.line, f.code, f.severity, f.message) for f in bad.findings] == [
        (2, "DL1000", Severity.ERROR, "unknown instruction: FROBNICATE")
    ]
    assert good.findings == []
    assert exit_code(results, NO_SC) == 1
    assert exit_code(results, LintConfig(no_fail=True)) == 0


@pytest.mark.parametrize("text", ["", "# only a comment\n\n", "FROM a\nFROBNICATE x\n"])
def test_a_file_that_does_not_parse_is_reported_even_with_dl1000_ignored(text: str) -> None:
    # docker build refuses an empty Dockerfile too ("file with no instructions"): dockyard says
    # so where hadolint is silent, and never fails a run without saying why.
    config = LintConfig(shellcheck=False, ignored=frozenset({"DL1000"}))
    result = lint_text(text, config=config, rules=RULES)
    assert [f.code for f in result.findings] == ["DL1000"]
    assert exit_code([result], config) == 1


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        (Severity.ERROR, 0),
        (Severity.WARNING, 1),
        (Severity.INFO, 1),
    ],
)
def test_failure_threshold(threshold: Severity, expected: int) -> None:
    config = LintConfig(shellcheck=False, failure_threshold=threshold)
    results = lint_sources([("Dockerfile", "FROM debian\n")], config=config, rules=RULES)
    assert exit_code(results, config) == expected


def test_shellcheck_findings_map_to_dockerfile_lines() -> None:
    text = "FROM a:1\nRUN set -e \\\n  # comment\n  && echo $1\nRUN <<EOF\ntrue\necho $2\nEOF\n"
    found = [
        (f.line, f.code) for f in lint_text(text, rules=RULES).findings if f.code.startswith("SC")
    ]
    assert found == [(4, "SC2086"), (7, "SC2086")]


def test_shellcheck_knows_arg_and_env_names_and_skips_powershell() -> None:
    text = (
        'FROM a:1\nARG version\nRUN echo "$version" "$unset_thing"\n'
        'FROM b:1\nSHELL ["pwsh", "-c"]\nRUN echo $x\n'
    )
    found = [
        (f.line, f.code) for f in lint_text(text, rules=RULES).findings if f.code.startswith("SC")
    ]
    assert found == [(3, "SC2154")]


def test_shellcheck_pragma_on_the_run_covers_its_continuation_lines() -> None:
    text = "FROM a:1\n# hadolint ignore=SC2086\nRUN true \\\n  && echo $1\n"
    assert [f.code for f in lint_text(text, rules=RULES).findings] == []


def test_no_shellcheck_setting() -> None:
    assert codes("FROM a:1\nRUN echo $1\n") == []


def test_load_config_merges_hadolint_yaml_and_dockyard_toml(tmp_path: Path) -> None:
    (tmp_path / ".hadolint.yaml").write_text(
        "ignored: [DL3000]\n"
        "override:\n  error: [DL3006]\n  style: [DL4000]\n"
        "trustedRegistries: [docker.io]\n"
        "failure-threshold: warning\n"
        "label-schema:\n  author: text\n"
        "strict-labels: true\n"
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.dockyard.lint]\nignored = ["DL3008"]\nno-fail = true\n'
    )
    (tmp_path / ".dockyard.toml").write_text('[lint]\ntrustedRegistries = ["ghcr.io"]\n')
    config = load_config(explicit=None, cwd=tmp_path, environ={"HOME": str(tmp_path / "h")})
    assert config.ignored == {"DL3000", "DL3008"}
    assert config.overrides == {"DL3006": Severity.ERROR, "DL4000": Severity.STYLE}
    assert config.trusted_registries == ("docker.io", "ghcr.io")
    assert config.failure_threshold is Severity.WARNING
    assert config.label_schema == {"author": "text"}
    assert config.strict_labels is True
    assert config.no_fail is True


def test_config_is_searched_in_xdg_config_home(tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    xdg.mkdir()
    (xdg / "hadolint.yaml").write_text("ignored: [DL3007]\n")
    environ = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(xdg)}
    config = load_config(explicit=None, cwd=tmp_path / "nowhere", environ=environ)
    assert config.ignored == {"DL3007"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("ignored: [DL3000\n", "invalid lint config"),
        ("failure-threshold: loud\n", "invalid severity 'loud'"),
        ("- just\n- a list\n", "expected a mapping"),
        ("no-fail: maybe\n", "no-fail must be true or false"),
    ],
)
def test_broken_config_is_one_clear_config_error(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "custom.yaml"
    path.write_text(content)
    with pytest.raises(ConfigError) as caught:
        load_config(explicit=path, cwd=tmp_path, environ={"HOME": str(tmp_path)})
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert caught.value.exit_code == 2


def test_hadolint_environment_variables_sit_under_files(tmp_path: Path) -> None:
    (tmp_path / ".hadolint.yaml").write_text("failure-threshold: error\n")
    environ = {
        "HOME": str(tmp_path),
        "HADOLINT_IGNORE": "DL3000,DL3001",
        "HADOLINT_FAILURE_THRESHOLD": "style",
        "HADOLINT_NOFAIL": "1",
        "HADOLINT_OVERRIDE_STYLE": "DL3006",
        "HADOLINT_TRUSTED_REGISTRIES": "docker.io,ghcr.io",
        "HADOLINT_FORMAT": "json",
        "NO_COLOR": "",
    }
    config = load_config(explicit=None, cwd=tmp_path, environ=environ)
    assert config.ignored == {"DL3000", "DL3001"}
    assert config.failure_threshold is Severity.ERROR
    assert config.no_fail is True
    assert config.overrides == {"DL3006": Severity.STYLE}
    assert config.trusted_registries == ("docker.io", "ghcr.io")
    assert (config.format, config.no_color) == ("json", True)
