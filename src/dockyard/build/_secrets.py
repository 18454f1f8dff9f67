"""Build secrets on the command line: ``--secret id=NAME,src=FILE`` or ``id=NAME,env=VAR``
(buildx's spelling), read into :class:`~dockyard.secrets.Secret` values for BuildKit's secret
mounts. A value is never a build argument, never in a log line, never in the image."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from dockyard.errors import UsageError
from dockyard.secrets import Secret

__all__ = ["SecretSpec", "parse_secret", "read_secrets"]

_KEYS = {"id", "src", "source", "env", "type", "required"}


@dataclass(frozen=True)
class SecretSpec:
    id: str
    file: Path | None = None
    env: str | None = None


def parse_secret(text: str) -> SecretSpec:
    """One ``--secret`` value; a bare ``id=NAME`` reads the variable NAME, as buildx does."""
    fields: dict[str, str] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if not sep or key not in _KEYS or not value:
            raise UsageError(f"--secret {text!r}: expected id=NAME with src=FILE or env=VARIABLE")
        fields[key] = value
    if "id" not in fields:
        raise UsageError(f"--secret {text!r}: needs id=NAME")
    kind = fields.get("type")
    source = fields.get("src") or fields.get("source")
    env = fields.get("env")
    if kind not in (None, "file", "env") or (source and env):
        raise UsageError(f"--secret {text!r}: give one of src=FILE or env=VARIABLE")
    if kind == "file" and not source:
        raise UsageError(f"--secret {text!r}: type=file needs src=FILE")
    if source:
        return SecretSpec(id=fields["id"], file=Path(source))
    return SecretSpec(id=fields["id"], env=env or fields["id"])


def read_secrets(specs: Iterable[SecretSpec], *, environ: Mapping[str, str]) -> dict[str, Secret]:
    """Each secret's value, read now: a missing file or variable is one line before the build."""
    values: dict[str, Secret] = {}
    for spec in specs:
        if spec.id in values:
            raise UsageError(f"--secret id={spec.id} is given twice")
        if spec.file is not None:
            try:
                values[spec.id] = Secret(spec.file.read_text())
            except OSError as exc:
                why = exc.strerror or type(exc).__name__
                raise UsageError(f"--secret id={spec.id}: cannot read {spec.file}: {why}") from None
        else:
            assert spec.env is not None
            if spec.env not in environ:
                raise UsageError(f"--secret id={spec.id}: the variable {spec.env} is not set")
            values[spec.id] = Secret(environ[spec.env])
    return values
