"""The registry's trigger words only skip rules that cannot report: linting with the chosen rules
gives exactly the findings of linting with every rule, on every file of the corpus."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from types import ModuleType

import pytest

from dockyard.dockerfile import LintConfig, lint_text, parse
from dockyard.dockerfile.rules import all_rules, rules_for

CORPUS = Path(__file__).resolve().parents[3].parent / "shared/corpus/dockerfiles"
CONFIG = LintConfig(shellcheck=False)


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.fail(f"{CORPUS} is missing: the corpus is part of the test environment")
    return sorted(CORPUS.iterdir())


def test_chosen_rules_find_what_every_rule_finds_on_the_corpus() -> None:
    every = all_rules()
    skipped = 0
    for path in corpus_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        chosen = lint_text(text, path=path.name, config=CONFIG)
        full = lint_text(text, path=path.name, config=CONFIG, rules=every)
        assert chosen.findings == full.findings, path.name
        if chosen.dockerfile is not None:
            skipped += len(every) - len(rules_for(chosen.dockerfile))
    assert skipped > 0  # the triggers do skip rules, or this test proves nothing


CASES = Path(__file__).resolve().parents[2] / "data" / "buildkit-checks"


def test_chosen_checks_find_what_every_check_finds_on_the_buildkit_cases() -> None:
    """Every BuildKit check has positive cases there (.dockerignore beside some)."""
    every = all_rules()
    files = sorted(p for p in CASES.rglob("*") if p.is_file() and p.name.endswith("Dockerfile"))
    assert len(files) > 50
    for path in files:
        text = path.read_text(encoding="utf-8")
        chosen = lint_text(text, path=str(path), config=CONFIG)
        full = lint_text(text, path=str(path), config=CONFIG, rules=every)
        assert chosen.findings == full.findings, path


def bench_lint() -> ModuleType:
    """bench/lint.py, for its seeded generator of odd Dockerfiles (every command and flag the
    DL rules read, in random combinations: `apt update`, `microdnf`, pipes, ONBUILD...)."""
    path = Path(__file__).resolve().parents[3] / "bench" / "lint.py"
    spec = importlib.util.spec_from_file_location("dockyard_bench_lint", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_chosen_rules_find_what_every_rule_finds_on_generated_files() -> None:
    bench = bench_lint()
    rng = random.Random(bench.GENERATED_SEED)
    every = all_rules()
    for _ in range(bench.GENERATED_FILES):
        text = bench.generated_dockerfile(rng)
        chosen = lint_text(text, config=CONFIG)
        assert chosen.findings == lint_text(text, config=CONFIG, rules=every).findings, text


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("FROM debian\nRUN apt-get install -y curl\n", {"DL3008", "DL3015"}, {"DL3018"}),
        ("FROM debian\nRUN apt update\n", {"DL3009", "DL3027"}, {"DL3018"}),  # not apt-get
        ("FROM alpine\nRUN apk add curl\n", {"DL3018", "DL3019"}, {"DL3008", "DL3033"}),
        # a word split by a line continuation is found as the parser joined it
        ("FROM debian\nRUN apt-\\\nget install curl\n", {"DL3008"}, set()),
        # and in an ONBUILD trigger, and in a JSON string with an escape
        ('FROM debian\nONBUILD RUN ["\\u0061pk", "add", "x"]\n', {"DL3018"}, set()),
    ],
)
def test_rules_for_chooses_by_trigger_words(text: str, present: set[str], absent: set[str]) -> None:
    codes = {rule.code for rule in rules_for(parse(text))}
    assert present <= codes
    assert not absent & codes
