"""The one error tree of dockyard.

Every failure a user can meet is a :class:`DockyardError` subclass; each carries the exit code the
CLI returns for it, and a message that is one line: what went wrong, why, what to do. Errors of
libraries (docker SDK, httpx, git) are translated at the boundary with ``raise X(...) from exc``,
so nothing above ``engine/``, ``registry/`` or ``build/`` ever sees a foreign exception.

    DockyardError                       exit 1
    +-- UsageError                      exit 2   bad arguments or options
    +-- ConfigError                     exit 2   unreadable config (docker config, .hadolint.yaml,
    |                                            serve.yaml: one line per wrong key)
    +-- EngineError                     exit 3   the Docker/Podman engine
    |   +-- EngineUnavailable           exit 3   no engine answers at DOCKER_HOST
    |   +-- ImageNotFound               exit 4   no such image in the engine
    |   +-- ContainerNotFound           exit 4   no such container
    |   +-- ServiceNotFound             exit 4   no such Swarm service
    +-- RegistryError                   exit 5   an OCI registry
    |   +-- RegistryUnavailable         exit 5   unreachable, timed out, 5xx, garbage
    |   +-- AuthenticationError         exit 6   credentials missing or refused
    |   +-- ManifestNotFound            exit 4   unknown repository, tag or digest
    |   +-- DigestMismatch              exit 7   content does not match its digest (provenance)
    +-- SourceError                     exit 8   git: unknown repository or ref, refused URL
    +-- DockerfileError                 exit 9   no Dockerfile, or a syntax error (file:line)
    +-- BuildError                      exit 10  the build itself failed (carries the log tail)
    +-- UpdateError                     exit 11  watch could not update or roll back a container
    +-- AnalysisError                   exit 12  an image or archive could not be analysed
    +-- ClusterError                    exit 13  a Kubernetes API server: unreachable, refused
    |   +-- ClusterForbidden            exit 13  RBAC refused a verb (the message names it)
    +-- DiagramError                    exit 14  a diagram could not be drawn (no Graphviz `dot`)
    +-- StoreError                      exit 15  serve's database: PostgreSQL down, SQLite unusable
    +-- StackUnknown                    exit 16  init cannot tell a project's stack from its files
    +-- WouldOverwrite                  exit 17  init would overwrite a file (--force allows it)

Secrets never appear in messages: code that builds a message from user input that may carry
credentials passes it through :func:`dockyard.secrets.redact` first.
"""

from __future__ import annotations

__all__ = [
    "AnalysisError",
    "AuthenticationError",
    "BuildError",
    "ClusterError",
    "ClusterForbidden",
    "ConfigError",
    "ContainerNotFound",
    "DiagramError",
    "DigestMismatch",
    "DockerfileError",
    "DockyardError",
    "EngineError",
    "EngineUnavailable",
    "ImageNotFound",
    "ManifestNotFound",
    "RegistryError",
    "RegistryUnavailable",
    "ServiceNotFound",
    "SourceError",
    "StackUnknown",
    "StoreError",
    "UpdateError",
    "UsageError",
    "WouldOverwrite",
    "error_line",
]


class DockyardError(Exception):
    """Base of every error dockyard reports to a user."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def error_line(exc: DockyardError) -> str:
    """The one line a command prints for ``exc`` (secrets masked)."""
    from dockyard.secrets import redact

    return f"dockyard: error: {redact(str(exc))}"


class UsageError(DockyardError):
    exit_code = 2


class ConfigError(DockyardError):
    exit_code = 2


class EngineError(DockyardError):
    exit_code = 3


class EngineUnavailable(EngineError):
    exit_code = 3


class ImageNotFound(EngineError):
    exit_code = 4


class ContainerNotFound(EngineError):
    exit_code = 4


class ServiceNotFound(EngineError):
    exit_code = 4


class RegistryError(DockyardError):
    exit_code = 5


class RegistryUnavailable(RegistryError):
    exit_code = 5


class AuthenticationError(RegistryError):
    exit_code = 6


class ManifestNotFound(RegistryError):
    exit_code = 4


class DigestMismatch(RegistryError):
    exit_code = 7


class SourceError(DockyardError):
    exit_code = 8


class DockerfileError(DockyardError):
    """A missing Dockerfile or a syntax error; ``path`` and ``line`` locate it when known."""

    exit_code = 9

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + message)
        self.path = path
        self.line = line


class BuildError(DockyardError):
    """The build failed; ``log_tail`` holds the last lines of the build log as evidence."""

    exit_code = 10

    def __init__(self, message: str, *, log_tail: list[str] | None = None) -> None:
        super().__init__(message)
        self.log_tail = log_tail or []


class UpdateError(DockyardError):
    exit_code = 11


class AnalysisError(DockyardError):
    exit_code = 12


class ClusterError(DockyardError):
    exit_code = 13


class ClusterForbidden(ClusterError):
    exit_code = 13


class DiagramError(DockyardError):
    """``dockyard diagram`` could not draw: Graphviz's ``dot`` is missing or failed, or a
    manifest file does not parse."""

    exit_code = 14


class StoreError(DockyardError):
    """``dockyard serve``'s database is unreachable or failed: PostgreSQL down or refusing,
    or the SQLite file in the state directory cannot be opened."""

    exit_code = 15


class StackUnknown(DockyardError):
    """``init`` found no stack it knows in a directory, or more than one."""

    exit_code = 16


class WouldOverwrite(DockyardError):
    """``init`` would replace an existing file; ``path`` names the first one."""

    exit_code = 17

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(message)
        self.path = path
