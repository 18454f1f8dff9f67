"""serve.yaml: every wrong key is one line naming its path; the full example loads; secrets are
read at use and never shown by the config's repr."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from dockyard.errors import ConfigError
from dockyard.secrets import redact
from dockyard.serve import Provider, default_serve_state_dir, load_config, parse_duration

EXAMPLE = Path(__file__).parents[3] / "docs" / "serve.example.yaml"

BASE = """\
apps:
  web:
    repo: https://git.example.com/you/web.git
    image: 127.0.0.1:5000/web
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "serve.yaml"
    path.write_text(text)
    return path


def _error(tmp_path: Path, text: str) -> list[str]:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return [line.removeprefix(f"{path}: ") for line in str(caught.value).splitlines()]


def test_the_full_example_loads_with_every_key() -> None:
    config = load_config(EXAMPLE)
    web = config.apps["web"]
    assert web.name == "web"
    assert web.webhook is not None
    assert web.webhook.provider is Provider.GITHUB
    assert web.webhook.secret_file == EXAMPLE.parent / "secrets" / "web_webhook"
    assert web.poll == timedelta(minutes=5)
    assert web.watch_window == timedelta(seconds=120)
    assert web.policy.max_size_mb == 250
    assert [kind for kind, _ in web.deploy_targets()] == [
        "container",
        "label",
        "compose_service",
        "swarm_service",
        "kubernetes",
    ]
    assert [s.id for s in web.secrets] == ["pip_token", "npm_token"]
    assert config.apps["worker"].branch == "main"
    assert config.max_builds == 1
    assert config.queue_limit == 100


def test_defaults(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, BASE))
    assert config.listen == "127.0.0.1:8000"
    assert (config.host, config.port) == ("127.0.0.1", 8000)
    assert config.state_dir == default_serve_state_dir()
    assert config.database_url() == f"sqlite:///{config.state_dir / 'serve.db'}"
    web = config.apps["web"]
    assert (web.branch, web.dockerfile, web.context) == ("main", "Dockerfile", ".")
    assert web.poll is None
    assert web.webhook is None
    assert web.policy.lint_threshold == "error"
    assert web.policy.non_root is True


def test_the_state_dir_is_the_sibling_of_watch_s() -> None:
    assert default_serve_state_dir({"XDG_STATE_HOME": "/s"}) == Path("/s/dockyard-serve")


@pytest.mark.parametrize(
    ("extra", "line"),
    [
        pytest.param(
            "    webhook: {provider: bitbucket, secret_env: S}\n",
            "apps.web.webhook.provider: must be one of github, gitea, forgejo, gitlab",
            id="provider",
        ),
        pytest.param(
            "    brnch: main\n", "apps.web.brnch: unknown key (did you mean branch?)", id="typo"
        ),
        pytest.param(
            "    webhook: {provider: github}\n",
            "apps.web.webhook: webhook needs exactly one of secret_file or secret_env, got 0",
            id="no-secret",
        ),
        pytest.param(
            "    webhook: {provider: github, secret_file: a, secret_env: B}\n",
            "apps.web.webhook: webhook needs exactly one of secret_file or secret_env, got 2",
            id="two-secrets",
        ),
        pytest.param(
            "    secrets: [{id: token}]\n",
            "apps.web.secrets[0]: a build secret needs exactly one of file or env, got 0",
            id="build-secret",
        ),
        pytest.param(
            "    poll: 5 minutes\n",
            "apps.web.poll: '5 minutes' is not a duration (e.g. 60s, 5m, 1h30m)",
            id="poll",
        ),
        pytest.param(
            "    watch_window: 0s\n",
            "apps.web.watch_window: must be a positive duration",
            id="zero",
        ),
        pytest.param(
            "    policy: {lint_threshold: fatal}\n",
            "apps.web.policy.lint_threshold: must be one of error, warning, info, style, none",
            id="threshold",
        ),
        pytest.param(
            "    policy: {max_size: 3}\n",
            "apps.web.policy.max_size: unknown key (did you mean max_size_mb?)",
            id="policy-typo",
        ),
        pytest.param(
            "    deploy: [{container: web}, {service: web}]\n",
            "apps.web.deploy[1]: unknown deploy target 'service': must be one of container, "
            "label, compose_service, swarm_service, kubernetes",
            id="target-kind",
        ),
        pytest.param(
            "    deploy: [{container: a, label: b=c}]\n",
            "apps.web.deploy[0]: each deploy target is one key of container, label, "
            "compose_service, swarm_service, kubernetes",
            id="two-kinds",
        ),
        pytest.param(
            "    deploy: [{kubernetes: web}]\n",
            "apps.web.deploy[0]: kubernetes: 'web' must be NAMESPACE/NAME",
            id="kubernetes-shape",
        ),
        pytest.param(
            "    deploy: [{label: web}]\n",
            "apps.web.deploy[0]: label: 'web' must be KEY=VALUE",
            id="label-shape",
        ),
        pytest.param(
            "    branch: refs/heads/main\n",
            "apps.web.branch: a branch name such as main (without refs/heads/)",
            id="branch",
        ),
        pytest.param(
            "    image: 'Bad Image'\n",
            "apps.web.image: invalid image reference 'Bad Image': repository name must be "
            "lowercase",
            id="image",
        ),
    ],
)
def test_each_wrong_app_key_is_one_line(tmp_path: Path, extra: str, line: str) -> None:
    lines = _error(tmp_path, BASE + extra)
    assert lines == [line]


@pytest.mark.parametrize(
    ("top", "line"),
    [
        pytest.param(
            "listen: localhost\n", "listen: must be HOST:PORT, e.g. 127.0.0.1:8000", id="listen"
        ),
        pytest.param(
            "database: mysql://db/x\n",
            "database: must be a postgresql:// URL (leave it out for SQLite in state_dir)",
            id="database",
        ),
        pytest.param(
            "max_builds: 0\n", "max_builds: input should be greater than or equal to 1", id="bound"
        ),
        pytest.param(
            "queue_limt: 3\n", "queue_limt: unknown key (did you mean queue_limit?)", id="t"
        ),
        pytest.param(
            "notify: [nope]\n", "notify: 'nope'... is not an apprise URL (scheme://...)", id="n"
        ),
    ],
)
def test_each_wrong_global_key_is_one_line(tmp_path: Path, top: str, line: str) -> None:
    assert _error(tmp_path, top + BASE) == [line]


def test_several_wrong_keys_give_one_line_each(tmp_path: Path) -> None:
    lines = _error(tmp_path, "listen: x\n" + BASE + "    brnch: a\n    poll: never\n")
    assert len(lines) == 3
    assert sorted(line.split(":")[0] for line in lines) == [
        "apps.web.brnch",
        "apps.web.poll",
        "listen",
    ]


def test_missing_keys(tmp_path: Path) -> None:
    assert _error(tmp_path, "apps:\n  web: {image: a/b}\n") == ["apps.web.repo: required"]
    assert _error(tmp_path, "listen: 127.0.0.1:1\n") == ["apps: required"]
    assert _error(tmp_path, "apps: {}\n") == ["apps: at least one app is needed"]


def test_not_yaml_and_not_a_mapping(tmp_path: Path) -> None:
    path = _write(tmp_path, "apps: [\n")
    with pytest.raises(ConfigError, match=r"serve\.yaml:2:1: not valid YAML"):
        load_config(path)
    path.write_text("- a\n")
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_config(path)
    with pytest.raises(ConfigError, match="cannot read the config"):
        load_config(tmp_path / "absent.yaml")


def test_durations() -> None:
    assert parse_duration("60s") == timedelta(seconds=60)
    assert parse_duration("1h30m") == timedelta(minutes=90)
    assert parse_duration(90) == timedelta(seconds=90)
    assert parse_duration("500ms") == timedelta(milliseconds=500)
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("5 m")


def test_secrets_are_read_at_use_and_never_in_the_repr(tmp_path: Path) -> None:
    (tmp_path / "hook").write_text("s3cret-from-file\n")
    config = load_config(
        _write(
            tmp_path,
            "database: postgresql://dock:pg-pass-123@127.0.0.1/dock\n"
            "notify: ['json://127.0.0.1:9/x?token=notify-tok']\n"
            + BASE
            + "    webhook: {provider: github, secret_file: hook}\n"
            + "    secrets: [{id: pip, env: PIP_TOKEN}]\n",
        )
    )
    web = config.apps["web"]
    assert web.webhook is not None
    assert web.webhook.read_secret({}).reveal() == "s3cret-from-file"
    assert web.secrets[0].read({"PIP_TOKEN": "pip-value"}).reveal() == "pip-value"
    shown = repr(config) + str(config)
    for value in ("s3cret-from-file", "pg-pass-123", "notify-tok", "pip-value"):
        assert value not in shown
    assert "pg-pass-123" not in redact("connect postgresql://dock:pg-pass-123@127.0.0.1/dock")
    # The file is read again at each use: a rotated secret needs no restart.
    (tmp_path / "hook").write_text("rotated\n")
    assert web.webhook.read_secret({}).reveal() == "rotated"


def test_a_missing_secret_is_a_clear_error_at_use(tmp_path: Path) -> None:
    config = load_config(
        _write(tmp_path, BASE + "    webhook: {provider: gitlab, secret_env: T}\n")
    )
    web = config.apps["web"]
    assert web.webhook is not None
    with pytest.raises(ConfigError, match="webhook secret: environment variable T is not set"):
        web.webhook.read_secret({})


def test_docs_serve_md_shows_the_example_file_as_it_is() -> None:
    text = (EXAMPLE.parent / "serve.md").read_text()
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert block == EXAMPLE.read_text().split("\n\n", 1)[1]
