"""``serve.yaml``: the configuration of ``dockyard serve``, validated key by key.

The key names are an interface (scripts and docs rely on them), so the models forbid unknown keys
and every wrong key becomes one line naming its path, e.g.
``serve.yaml: apps.web.webhook.provider: must be one of github, gitea, forgejo, gitlab``.

Secret values never live in these objects: a webhook secret or a build secret is named by a file
or an environment variable and read when it is used (:meth:`Webhook.read_secret`). The database
URL and notification URLs may carry credentials; they are kept out of ``repr`` and registered
with :func:`dockyard.secrets.register` so that :func:`dockyard.secrets.redact` masks them.
"""

from __future__ import annotations

import difflib
import enum
import os
import re
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from dockyard.errors import ConfigError, DockyardError
from dockyard.registry import parse_reference
from dockyard.secrets import Secret, register

__all__ = [
    "DEPLOY_KINDS",
    "App",
    "BuildSecret",
    "Policy",
    "Provider",
    "ServeConfig",
    "Webhook",
    "default_serve_state_dir",
    "load_config",
    "parse_duration",
]

DEPLOY_KINDS = ("container", "label", "compose_service", "swarm_service", "kubernetes")


class Provider(enum.Enum):
    GITHUB = "github"
    GITEA = "gitea"
    FORGEJO = "forgejo"
    GITLAB = "gitlab"


def default_serve_state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The sibling of ``watch``'s state directory: ``/var/lib/dockyard-serve`` for root."""
    from dockyard.update import default_state_dir  # the watch package is heavy: on use

    base = default_state_dir(os.environ if environ is None else environ)
    return base.with_name(base.name + "-serve")


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_SCALE = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def parse_duration(value: object) -> timedelta:
    """``90`` (seconds), ``"60s"``, ``"5m"``, ``"1h30m"``, ``"500ms"`` -> a positive timedelta."""
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, bool):
        raise ValueError("must be a duration such as 60s, 5m or 1h30m")
    elif isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip().lower()
        if re.fullmatch(r"\d+(\.\d+)?", text):
            seconds = float(text)
        else:
            parts = _DURATION_PART.findall(text)
            if not parts or "".join(n + u for n, u in parts) != text:
                raise ValueError(f"{value!r} is not a duration (e.g. 60s, 5m, 1h30m)")
            seconds = sum(float(n) * _SCALE[u] for n, u in parts)
    else:
        raise ValueError("must be a duration such as 60s, 5m or 1h30m")
    if seconds <= 0:
        raise ValueError("must be a positive duration")
    return timedelta(seconds=seconds)


def _resolve(path: Path | None, info: ValidationInfo) -> Path | None:
    """A relative path in the file is relative to the file's directory."""
    if path is None:
        return None
    path = path.expanduser()
    base = (info.context or {}).get("base")
    if not path.is_absolute() and isinstance(base, Path):
        return base / path
    return path


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _exactly_one(owner: str, **values: object) -> None:
    given = [name for name, value in values.items() if value is not None]
    if len(given) != 1:
        names = " or ".join(values)
        raise ValueError(f"{owner} needs exactly one of {names}, got {len(given)}")


def _read_secret(file: Path | None, env: str | None, environ: Mapping[str, str], what: str) -> str:
    if file is not None:
        try:
            return file.read_text().strip()
        except OSError as exc:
            raise ConfigError(f"{what}: cannot read {file}: {exc.strerror}") from exc
    assert env is not None
    value = environ.get(env)
    if value is None:
        raise ConfigError(f"{what}: environment variable {env} is not set")
    return value


class Webhook(_Model):
    provider: Provider
    secret_file: Path | None = None
    secret_env: str | None = None

    _resolve_file = field_validator("secret_file")(_resolve)

    @model_validator(mode="after")
    def _one_source(self) -> Webhook:
        _exactly_one("webhook", secret_file=self.secret_file, secret_env=self.secret_env)
        return self

    def read_secret(self, environ: Mapping[str, str] | None = None) -> Secret:
        """The shared secret, read now from its file or variable (a :class:`ConfigError` if not)."""
        env = os.environ if environ is None else environ
        value = _read_secret(self.secret_file, self.secret_env, env, "webhook secret")
        if not value:
            raise ConfigError("webhook secret: it is empty")
        return Secret(value)


class BuildSecret(_Model):
    id: str = Field(min_length=1)
    file: Path | None = None
    env: str | None = None

    _resolve_file = field_validator("file")(_resolve)

    @model_validator(mode="after")
    def _one_source(self) -> BuildSecret:
        _exactly_one("a build secret", file=self.file, env=self.env)
        return self

    def read(self, environ: Mapping[str, str] | None = None) -> Secret:
        """The secret's value, read now (for a BuildKit secret mount, never a build arg)."""
        env = os.environ if environ is None else environ
        return Secret(_read_secret(self.file, self.env, env, f"build secret {self.id}"))


class Policy(_Model):
    lint_threshold: Literal["error", "warning", "info", "style", "none"] = "error"
    non_root: bool = True
    max_size_mb: float | None = Field(default=None, gt=0)


def _check_target(target: dict[str, str]) -> dict[str, str]:
    if len(target) != 1:
        raise ValueError(f"each deploy target is one key of {', '.join(DEPLOY_KINDS)}")
    ((kind, value),) = target.items()
    if kind not in DEPLOY_KINDS:
        raise ValueError(
            f"unknown deploy target {kind!r}: must be one of {', '.join(DEPLOY_KINDS)}"
        )
    if not value.strip():
        raise ValueError(f"{kind}: must not be empty")
    if kind == "label" and ("=" not in value or value.startswith("=")):
        raise ValueError(f"label: {value!r} must be KEY=VALUE")
    if kind in ("compose_service", "kubernetes"):
        shape = "PROJECT/SERVICE" if kind == "compose_service" else "NAMESPACE/NAME"
        parts = value.split("/")
        if len(parts) != 2 or not all(parts):
            raise ValueError(f"{kind}: {value!r} must be {shape}")
    return target


class App(_Model):
    name: str
    repo: str = Field(min_length=1)
    branch: str = "main"
    image: str
    dockerfile: str = "Dockerfile"
    context: str = "."
    build_args: dict[str, str] = Field(default_factory=dict)
    secrets: list[BuildSecret] = Field(default_factory=list)
    webhook: Webhook | None = None
    poll: timedelta | None = None
    paths: list[str] = Field(default_factory=list)
    policy: Policy = Field(default_factory=Policy)
    deploy: list[Annotated[dict[str, str], AfterValidator(_check_target)]] = Field(
        default_factory=list
    )
    watch_window: timedelta = timedelta(seconds=120)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", value):
            raise ValueError("an app name is letters, digits, '.', '_' or '-'")
        return value

    @field_validator("branch")
    @classmethod
    def _branch(cls, value: str) -> str:
        if not value or value.startswith("refs/") or any(c.isspace() for c in value):
            raise ValueError("a branch name such as main (without refs/heads/)")
        return value

    @field_validator("image")
    @classmethod
    def _image(cls, value: str) -> str:
        try:
            parse_reference(value)
        except DockyardError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("poll", "watch_window", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        return None if value is None else parse_duration(value)

    @field_validator("secrets")
    @classmethod
    def _unique_secret_ids(cls, value: list[BuildSecret]) -> list[BuildSecret]:
        ids = [secret.id for secret in value]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"secret ids repeat: {', '.join(repeated)}")
        return value

    @field_validator("paths")
    @classmethod
    def _globs(cls, value: list[str]) -> list[str]:
        if any(not glob.strip() for glob in value):
            raise ValueError("a path glob must not be empty")
        return value

    def deploy_targets(self) -> list[tuple[str, str]]:
        """The deploy targets as ``(kind, value)`` pairs, in the file's order."""
        return [next(iter(target.items())) for target in self.deploy]


def _postgres_url(value: str) -> str:
    scheme = urlsplit(value).scheme
    if scheme not in ("postgresql", "postgres", "postgresql+psycopg"):
        raise ValueError("must be a postgresql:// URL (leave it out for SQLite in state_dir)")
    return value


class ServeConfig(_Model):
    listen: str = "127.0.0.1:8000"
    state_dir: Path = Field(default_factory=default_serve_state_dir)
    database: str | None = Field(default=None, repr=False)
    notify: list[str] = Field(default_factory=list, repr=False)
    max_builds: int = Field(default=1, ge=1)
    queue_limit: int = Field(default=100, ge=1)
    # The dashboard's session cookie is Secure: set it when a TLS proxy serves dockyard serve.
    secure_cookies: bool = False
    apps: dict[str, App]

    @model_validator(mode="before")
    @classmethod
    def _app_names(cls, data: Any) -> Any:
        """Each app's ``name`` is its key under ``apps``."""
        if not isinstance(data, Mapping) or not isinstance(data.get("apps"), Mapping):
            return data
        apps: dict[Any, Any] = {}
        for key, body in data["apps"].items():
            if isinstance(body, Mapping) and "name" not in body:
                body = {**body, "name": str(key)}
            apps[key] = body
        return {**data, "apps": apps}

    @field_validator("listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("must be HOST:PORT, e.g. 127.0.0.1:8000")
        return value

    @field_validator("state_dir")
    @classmethod
    def _state_dir(cls, value: Path, info: ValidationInfo) -> Path:
        resolved = _resolve(value, info)
        assert resolved is not None
        return resolved

    @field_validator("database")
    @classmethod
    def _database(cls, value: str | None) -> str | None:
        if value is None:
            return None
        _postgres_url(value)
        password = urlsplit(value).password
        if password:
            register(password)
        return value

    @field_validator("notify")
    @classmethod
    def _notify(cls, value: list[str]) -> list[str]:
        for url in value:
            if "://" not in url:
                raise ValueError(f"{url[:20]!r}... is not an apprise URL (scheme://...)")
            register(url)
        return value

    @field_validator("apps")
    @classmethod
    def _some_apps(cls, value: dict[str, App]) -> dict[str, App]:
        if not value:
            raise ValueError("at least one app is needed")
        if "registry" in value:
            raise ValueError("registry: the name is taken by /hooks/registry; pick another")
        for key, app in value.items():
            if app.name != key:
                raise ValueError(f"{key}: name must be the key under apps ({key!r})")
        return value

    @property
    def host(self) -> str:
        return self.listen.rpartition(":")[0].strip("[]")

    @property
    def port(self) -> int:
        return int(self.listen.rpartition(":")[2])

    def database_url(self) -> str:
        """The SQLAlchemy URL of the store: PostgreSQL when given, else SQLite in ``state_dir``."""
        if self.database is None:
            return f"sqlite:///{self.state_dir / 'serve.db'}"
        scheme, _, rest = self.database.partition("://")
        if scheme in ("postgresql", "postgres"):
            return f"postgresql+psycopg://{rest}"
        return self.database


def _known_keys(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


_NESTED: dict[str, type[BaseModel]] = {"webhook": Webhook, "policy": Policy, "secrets": BuildSecret}


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model a location points into (to suggest a key for a typo)."""
    model: type[BaseModel] | None = ServeConfig
    walk = list(loc)
    while walk and model is not None:
        key = walk.pop(0)
        if model is ServeConfig and key == "apps" and walk:
            walk.pop(0)
            model = App
            continue
        field = model.model_fields.get(str(key))
        if field is None:
            return model if not walk else None
        model = _NESTED.get(str(key))
        if model is BuildSecret and walk:
            walk.pop(0)  # the list index
    return model


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    loc: tuple[int | str, ...] = tuple(error["loc"])
    if kind == "extra_forbidden":
        owner = _model_at(loc[:-1])
        hint = ""
        if owner is not None:
            close = difflib.get_close_matches(str(loc[-1]), _known_keys(owner), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
        return "unknown key" + hint
    if kind == "missing":
        return "required"
    if kind == "enum":
        return "must be one of " + ", ".join(p.value for p in Provider)
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return "must be one of " + str(expected).replace("'", "").replace(" or ", ", ")
    if kind in ("value_error", "assertion_error"):
        return str(error.get("ctx", {}).get("error", error["msg"]))
    message = str(error["msg"])
    return message[:1].lower() + message[1:]


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def format_errors(source: str, exc: ValidationError) -> str:
    """One line per wrong key: ``FILE: dotted.path: what is wrong``."""
    lines = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        # A model-level check reports on the model itself: no trailing key.
        where = _location(loc)
        lines.append(f"{source}: {where}: {_message(error)}" if where else f"{source}: {error}")
    return "\n".join(dict.fromkeys(lines))


def load_config(path: Path) -> ServeConfig:
    """Read and validate ``path``; any problem is a :class:`ConfigError` naming each wrong key."""
    source = str(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read the config: {exc.strerror}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ConfigError(f"{source}{where}: not valid YAML: {problem}") from exc
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: must be a mapping with at least an 'apps' key")
    try:
        return ServeConfig.model_validate(data, context={"base": path.resolve().parent})
    except ValidationError as exc:
        raise ConfigError(format_errors(source, exc)) from None
