"""BuildKit's build checks (``docker build --check``), one module per check, named as BuildKit
names them; their codes are the check names, a namespace of their own beside DL, DY and SC.

``InvalidBaseImagePlatform`` is not here: it compares the platform of the pulled base image with
the build's, which needs the image. ``CopyIgnoredFile`` reads the ``.dockerignore`` beside the
linted file, taking its directory as the build context; it and ``InvalidDefinitionDescription``
are experimental in the frontend Engine 28.5 runs, reported only when ``# check=experimental=``
names them (see ``docs/lint-buildkit-checks.md``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dockyard.dockerfile.rules._base import can_report, load_rule

if TYPE_CHECKING:
    from dockyard.dockerfile.rules._base import Rule

__all__ = [
    "ALL_CHECK_NAMES",
    "BUILDKIT_RULES",
    "CHECK_NAMES",
    "EXPERIMENTAL_CHECKS",
    "buildkit_rules",
    "buildkit_rules_for",
]

# In the order of BuildKit's rule set (frontend/dockerfile/linter/ruleset.go): (module, check
# name, trigger words as in dockyard.dockerfile.rules (() = every file), experimental).
_CHECKS: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("stage_name_casing", "StageNameCasing", ("as",), False),
    ("from_as_casing", "FromAsCasing", ("as",), False),
    ("no_empty_continuation", "NoEmptyContinuation", ("\\", "`"), False),
    ("consistent_instruction_casing", "ConsistentInstructionCasing", (), False),
    ("duplicate_stage_name", "DuplicateStageName", ("as",), False),
    ("reserved_stage_name", "ReservedStageName", ("as",), False),
    ("json_args_recommended", "JSONArgsRecommended", ("cmd", "entrypoint"), False),
    ("maintainer_deprecated", "MaintainerDeprecated", ("maintainer",), False),
    ("undefined_arg_in_from", "UndefinedArgInFrom", ("$",), False),
    ("workdir_relative_path", "WorkdirRelativePath", ("workdir",), False),
    ("undefined_var", "UndefinedVar", ("$",), False),
    (
        "multiple_instructions_disallowed",
        "MultipleInstructionsDisallowed",
        ("cmd", "entrypoint", "healthcheck"),
        False,
    ),
    ("legacy_key_value_format", "LegacyKeyValueFormat", ("env", "label"), False),
    ("redundant_target_platform", "RedundantTargetPlatform", ("platform",), False),
    ("secrets_used_in_arg_or_env", "SecretsUsedInArgOrEnv", ("arg", "env"), False),
    ("invalid_default_arg_in_from", "InvalidDefaultArgInFrom", ("$",), False),
    (
        "from_platform_flag_const_disallowed",
        "FromPlatformFlagConstDisallowed",
        ("platform",),
        False,
    ),
    ("copy_ignored_file", "CopyIgnoredFile", ("copy", "add"), True),
    ("invalid_definition_description", "InvalidDefinitionDescription", ("#",), True),
    ("expose_proto_casing", "ExposeProtoCasing", ("expose",), False),
    ("expose_invalid_format", "ExposeInvalidFormat", ("expose",), False),
)

CHECK_NAMES = frozenset(name for _, name, _, _ in _CHECKS)
# Off unless `# check=experimental=` names them; `skip=` does not apply to them (BuildKit v0.25).
EXPERIMENTAL_CHECKS = frozenset(name for _, name, _, experimental in _CHECKS if experimental)

# Every check of BuildKit's rule set, those dockyard cannot run included.
ALL_CHECK_NAMES = CHECK_NAMES | {"InvalidBaseImagePlatform"}


def _rule(module: str) -> Rule:
    return load_rule(f"{__name__}.{module}")


def buildkit_rules() -> list[Rule]:
    """Every check, in BuildKit's order."""
    return [_rule(module) for module, _, _, _ in _CHECKS]


def buildkit_rules_for(text: str) -> list[Rule]:
    """The checks that can report on a file whose lower-cased trigger text is ``text``."""
    return [_rule(module) for module, _, triggers, _ in _CHECKS if can_report(triggers, text)]


def __getattr__(name: str) -> list[Rule]:
    if name == "BUILDKIT_RULES":  # every check, imported on first use (PEP 562)
        return buildkit_rules()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
