"""Lint settings: hadolint's ``.hadolint.yaml``, dockyard's TOML, then the command line.

Where they are looked for, first found wins within each kind (hadolint's order):
``--config FILE``; else ``./.hadolint.yaml|.yml``, ``$XDG_CONFIG_HOME/hadolint.yaml|.yml``
(``~/.config``), ``~/.hadolint/hadolint|config.yaml|.yml``, ``~/.hadolint.yaml|.yml``. dockyard's
own settings, with the same keys, come from ``[tool.dockyard.lint]`` in ``./pyproject.toml`` and
then ``./.dockyard.toml`` (top level or a ``[lint]`` table) and are applied over hadolint's file.
Lists (``ignored``, ``trustedRegistries``) add up; scalars are replaced by the later source.
hadolint's environment variables (``HADOLINT_IGNORE``, ``HADOLINT_FAILURE_THRESHOLD``,
``HADOLINT_NOFAIL``, ``HADOLINT_TRUSTED_REGISTRIES``, ``HADOLINT_OVERRIDE_<LEVEL>``,
``HADOLINT_FORMAT``, ``HADOLINT_STRICT_LABELS``, ``HADOLINT_DISABLE_IGNORE_PRAGMA``,
``HADOLINT_REQUIRE_LABELS``, ``NO_COLOR``) come first, under every file, as in hadolint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dockyard.dockerfile._findings import LintContext, Severity
from dockyard.errors import ConfigError

__all__ = [
    "FORMATS",
    "LintConfig",
    "environment_settings",
    "find_hadolint_config",
    "load_config",
    "normalise_format",
]

FORMATS = ("tty", "json", "sarif", "checkstyle", "gitlab_codeclimate")
_FORMAT_ALIASES = {"gitlab-codeclimate": "gitlab_codeclimate", "codeclimate": "gitlab_codeclimate"}


@dataclass(frozen=True)
class LintConfig:
    """Everything that changes what ``dockyard lint`` reports and how it exits."""

    ignored: frozenset[str] = frozenset()
    overrides: Mapping[str, Severity] = field(default_factory=dict)
    failure_threshold: Severity = Severity.INFO
    no_fail: bool = False
    format: str = "tty"
    trusted_registries: tuple[str, ...] = ()
    label_schema: Mapping[str, str] = field(default_factory=dict)
    strict_labels: bool = False
    disable_ignore_pragma: bool = False
    shellcheck: bool = True
    no_color: bool = False
    sources: tuple[str, ...] = ()

    def context(self, *, path: str) -> LintContext:
        return LintContext(
            path=path,
            trusted_registries=self.trusted_registries,
            label_schema=dict(self.label_schema),
            strict_labels=self.strict_labels,
        )

    def severity_of(self, code: str, default: Severity) -> Severity:
        return self.overrides.get(code, default)

    def merged(self, settings: Mapping[str, Any], *, source: str) -> LintConfig:
        """This config with ``settings`` (hadolint's keys) applied over it."""
        return _apply(self, settings, source=source)


def load_config(*, explicit: Path | None, cwd: Path, environ: Mapping[str, str]) -> LintConfig:
    """The settings in force for a run from ``cwd``; a broken file is a :class:`ConfigError`."""
    config = LintConfig()
    from_environment = environment_settings(environ)
    if from_environment:
        config = config.merged(from_environment, source="environment")
    hadolint_file = explicit if explicit is not None else find_hadolint_config(cwd, environ)
    if hadolint_file is not None:
        config = config.merged(_read(hadolint_file), source=str(hadolint_file))
    if explicit is None:
        for path, table in _dockyard_sources(cwd):
            config = config.merged(table, source=str(path))
    return config


_TRUTHY = {"1", "y", "yes", "on", "true"}


def environment_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """hadolint's ``HADOLINT_*`` variables as settings (hadolint's keys)."""

    def codes(name: str) -> list[str]:
        return [c.strip() for c in environ.get(name, "").split(",") if c.strip()]

    settings: dict[str, Any] = {}
    for key, name in (
        ("no-fail", "HADOLINT_NOFAIL"),
        ("strict-labels", "HADOLINT_STRICT_LABELS"),
        ("disable-ignore-pragma", "HADOLINT_DISABLE_IGNORE_PRAGMA"),
    ):
        if name in environ:
            settings[key] = environ[name].strip().lower() in _TRUTHY
    if "NO_COLOR" in environ:
        settings["no-color"] = True
    overrides = {level: codes(f"HADOLINT_OVERRIDE_{level.upper()}") for level in _LEVEL_NAMES}
    if any(overrides.values()):
        settings["override"] = {k: v for k, v in overrides.items() if v}
    if codes("HADOLINT_IGNORE"):
        settings["ignored"] = codes("HADOLINT_IGNORE")
    if codes("HADOLINT_TRUSTED_REGISTRIES"):
        settings["trustedRegistries"] = codes("HADOLINT_TRUSTED_REGISTRIES")
    if environ.get("HADOLINT_FAILURE_THRESHOLD"):
        settings["failure-threshold"] = environ["HADOLINT_FAILURE_THRESHOLD"]
    if codes("HADOLINT_FORMAT"):
        settings["format"] = codes("HADOLINT_FORMAT")[0]
    labels = dict(pair.split(":", 1) for pair in codes("HADOLINT_REQUIRE_LABELS") if ":" in pair)
    if labels:
        settings["label-schema"] = labels
    return settings


_LEVEL_NAMES = ("error", "warning", "info", "style")


def find_hadolint_config(cwd: Path, environ: Mapping[str, str]) -> Path | None:
    home = Path(environ.get("HOME", str(Path.home())))
    xdg = Path(environ.get("XDG_CONFIG_HOME") or home / ".config")
    candidates = [cwd / ".hadolint.yaml", cwd / ".hadolint.yml"]
    candidates += [xdg / "hadolint.yaml", xdg / "hadolint.yml"]
    candidates += [
        home / ".hadolint" / f"{n}.{e}" for n in ("hadolint", "config") for e in ("yaml", "yml")
    ]
    candidates += [home / ".hadolint.yaml", home / ".hadolint.yml"]
    return next((c for c in candidates if c.is_file()), None)


def _dockyard_sources(cwd: Path) -> list[tuple[Path, Mapping[str, Any]]]:
    found: list[tuple[Path, Mapping[str, Any]]] = []
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        table = _read(pyproject).get("tool", {}).get("dockyard", {}).get("lint")
        if isinstance(table, Mapping):
            found.append((pyproject, table))
    own = cwd / ".dockyard.toml"
    if own.is_file():
        data = _read(own)
        table = data.get("lint", data)
        if isinstance(table, Mapping):
            found.append((own, table))
    return found


def _read(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read lint config {path}: {exc.strerror}") from exc
    import tomllib  # only when a TOML config exists: most runs read none

    try:
        if path.suffix == ".toml":
            data: Any = tomllib.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise ConfigError(f"invalid lint config {path}: {_first_line(exc)}") from exc
    except Exception as exc:  # yaml.YAMLError, imported lazily
        if type(exc).__module__.startswith("yaml"):
            raise ConfigError(f"invalid lint config {path}: {_first_line(exc)}") from exc
        raise
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise ConfigError(f"invalid lint config {path}: expected a mapping of settings")
    return data


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def _apply(config: LintConfig, settings: Mapping[str, Any], *, source: str) -> LintConfig:
    def fail(message: str) -> ConfigError:
        return ConfigError(f"invalid lint config {source}: {message}")

    changes: dict[str, Any] = {"sources": (*config.sources, source)}
    try:
        for key, value in settings.items():
            normal = key.replace("_", "-").lower()
            if normal == "ignored":
                changes["ignored"] = config.ignored | frozenset(_strings(value, key))
            elif normal == "override":
                changes["overrides"] = {**config.overrides, **_overrides(value)}
            elif normal in ("trustedregistries", "trusted-registries"):
                changes["trusted_registries"] = (*config.trusted_registries, *_strings(value, key))
            elif normal == "failure-threshold":
                changes["failure_threshold"] = Severity.parse(str(value))
            elif normal == "label-schema":
                changes["label_schema"] = {**config.label_schema, **_mapping(value, key)}
            elif normal in ("strict-labels", "no-fail", "disable-ignore-pragma", "no-color"):
                changes[normal.replace("-", "_")] = _boolean(value, key)
            elif normal == "shellcheck":
                changes["shellcheck"] = _boolean(value, key)
            elif normal == "format":
                changes["format"] = normalise_format(str(value))
    except ValueError as exc:
        raise fail(str(exc)) from None
    return replace(config, **changes)


def normalise_format(name: str) -> str:
    lowered = _FORMAT_ALIASES.get(name.lower(), name.lower())
    if lowered not in FORMATS:
        raise ValueError(f"unknown format {name!r} (one of {', '.join(FORMATS)})")
    return lowered


def _strings(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return [str(v) for v in value]
    raise ValueError(f"{key} must be a list of strings")


def _mapping(value: Any, key: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{key} must be a mapping")
    return {str(k): str(v) for k, v in value.items()}


def _boolean(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"{key} must be true or false")


def _overrides(value: Any) -> dict[str, Severity]:
    if not isinstance(value, Mapping):
        raise ValueError("override must map error/warning/info/style to lists of codes")
    result: dict[str, Severity] = {}
    for level, codes in value.items():
        severity = Severity.parse(str(level))
        for code in _strings(codes or [], f"override.{level}"):
            result[code] = severity
    return result
