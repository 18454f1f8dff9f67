"""The generated Dockerfiles: lint-clean, ARG bases, non-root, nothing to build with at run time."""

from __future__ import annotations

import re

import pytest

from dockyard.dockerfile import LintConfig, lint_sources, parse
from dockyard.scaffold import (
    DEFAULT_PORTS,
    InitOptions,
    Stack,
    StackKind,
    detect_stack,
    plan_files,
    read_project,
    render_dockerfile,
    render_dockerignore,
)
from tests.unit.scaffold.conftest import SAMPLE_NAMES, SAMPLES


def _stack(sample: str) -> Stack:
    return detect_stack(read_project(SAMPLES / sample), dirname=sample)


def _dockerfile(sample: str) -> str:
    stack = _stack(sample)
    return render_dockerfile(stack, port=DEFAULT_PORTS[stack.kind])


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_dockyard_lint_reports_nothing(sample: str) -> None:
    [result] = lint_sources([(f"{sample}/Dockerfile", _dockerfile(sample))], config=LintConfig())
    assert result.parsed
    assert [f"{f.line} {f.code} {f.message}" for f in result.findings] == []


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_every_base_image_is_an_arg_with_a_default(sample: str) -> None:
    dockerfile = parse(_dockerfile(sample))
    for stage in dockerfile.stages:
        if stage.base_image == "scratch" or stage.base_image in {s.name for s in dockerfile.stages}:
            continue
        arg = re.fullmatch(r"\$\{(\w+)\}", stage.base_image)
        assert arg, f"stage {stage.index} FROM {stage.base_image} is not an ARG"
        assert dockerfile.global_args[arg[1]], f"ARG {arg[1]} has no default"


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_final_stage_runs_as_numeric_non_root_and_builds_nothing(sample: str) -> None:
    final = parse(_dockerfile(sample)).stages[-1]
    keywords = [i.keyword for i in final.instructions]
    users = [i.arguments for i in final.instructions if i.keyword == "USER"]
    assert users == ["10001:10001"]
    assert "RUN" not in keywords  # no package manager, compiler or download at run time
    assert keywords.index("USER") > max(
        n for n, k in enumerate(keywords) if k in {"COPY", "WORKDIR"}
    )


@pytest.mark.parametrize("sample", [s for s in SAMPLE_NAMES if s != "static"])
def test_build_tools_stay_in_an_earlier_stage(sample: str) -> None:
    dockerfile = parse(_dockerfile(sample))
    assert len(dockerfile.stages) >= 2
    runs = [
        i.arguments for s in dockerfile.stages[:-1] for i in s.instructions if i.keyword == "RUN"
    ]
    assert runs, "the build stage does the installing"


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_healthcheck_where_the_image_can_run_one(sample: str) -> None:
    text = _dockerfile(sample)
    final = parse(text).stages[-1]
    checks = [i for i in final.instructions if i.keyword == "HEALTHCHECK"]
    if sample == "go":
        assert checks == []
        assert "# No HEALTHCHECK: scratch has no shell, curl or wget to run one." in text
    else:
        assert len(checks) == 1
        port = DEFAULT_PORTS[_stack(sample).kind]
        assert f"http://127.0.0.1:{port}/" in checks[0].arguments


def test_go_is_a_static_binary_on_scratch_with_ca_certificates() -> None:
    text = _dockerfile("go")
    dockerfile = parse(text)
    assert dockerfile.stages[-1].base_image == "scratch"
    assert "CGO_ENABLED=0" in text
    assert (
        "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt"
        in text
    )
    assert 'ENTRYPOINT ["/app"]' in text
    assert dockerfile.global_args["BUILD_IMAGE"] == "golang:1.19-alpine"


@pytest.mark.parametrize(
    ("sample", "needle"),
    [
        ("python-pyproject", "--mount=type=cache,target=/root/.cache/pip"),
        ("python-pyproject", "/opt/venv/bin/pip install ."),
        ("python-requirements", "/opt/venv/bin/pip install -r requirements.txt"),
        ("node", "npm ci --omit=dev --no-audit --no-fund"),
        ("node", "--mount=type=cache,target=/root/.npm"),
        ("node-build", "RUN npm run build"),
        ("node-build", "COPY --from=build /app/dist ./dist"),
        ("go", "--mount=type=cache,target=/go/pkg/mod"),
    ],
)
def test_dependency_steps_are_there_for_real_projects(sample: str, needle: str) -> None:
    assert needle in _dockerfile(sample)


def test_node_without_lockfile_uses_npm_install() -> None:
    stack = detect_stack({"package.json": '{"name": "a", "main": "a.js"}'}, dirname="a")
    text = render_dockerfile(stack, port=3000)
    assert "COPY package.json ./\n" in text
    assert "npm install --omit=dev" in text
    assert "npm ci" not in text


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_each_base_is_explained_in_a_comment(sample: str) -> None:
    text = _dockerfile(sample)
    arg_line = next(n for n, line in enumerate(text.splitlines()) if line.startswith("ARG "))
    comment = text.splitlines()[arg_line - 1]
    assert comment.startswith("# ")
    assert len(comment) > 20


def test_port_option_reaches_expose_and_healthcheck() -> None:
    stack = _stack("node")
    text = render_dockerfile(stack, port=4321)
    assert "EXPOSE 4321" in text
    assert "http://127.0.0.1:4321/" in text
    assert "PORT=4321" in text


@pytest.mark.parametrize("kind", list(StackKind))
def test_dockerignore_keeps_git_and_secrets_out(kind: StackKind) -> None:
    text = render_dockerignore(Stack(kind, "a", (), "x"))
    lines = text.splitlines()
    assert ".git" in lines
    assert ".env" in lines
    if kind in {StackKind.NODE, StackKind.NODE_BUILD}:
        assert "node_modules" in lines
    if kind is StackKind.NODE_BUILD:
        assert "dist" in lines


def test_plan_without_options_is_dockerfile_and_dockerignore() -> None:
    files = plan_files(_stack("static"), InitOptions())
    assert [f.path for f in files] == ["Dockerfile", ".dockerignore"]
