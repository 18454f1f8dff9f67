"""BuildKit's build checks (``docker build --check``), one module per check, named as BuildKit
names them; their codes are the check names, a namespace of their own beside DL, DY and SC.

``InvalidBaseImagePlatform`` is not here: it compares the platform of the pulled base image with
the build's, which needs the image. ``CopyIgnoredFile`` reads the ``.dockerignore`` beside the
linted file, taking its directory as the build context; it and ``InvalidDefinitionDescription``
are experimental in the frontend Engine 28.5 runs, reported only when ``# check=experimental=``
names them (see ``docs/lint-buildkit-checks.md``).
"""

from __future__ import annotations

from dockyard.dockerfile.rules._base import Rule
from dockyard.dockerfile.rules.buildkit import (
    consistent_instruction_casing,
    copy_ignored_file,
    duplicate_stage_name,
    expose_invalid_format,
    expose_proto_casing,
    from_as_casing,
    from_platform_flag_const_disallowed,
    invalid_default_arg_in_from,
    invalid_definition_description,
    json_args_recommended,
    legacy_key_value_format,
    maintainer_deprecated,
    multiple_instructions_disallowed,
    no_empty_continuation,
    redundant_target_platform,
    reserved_stage_name,
    secrets_used_in_arg_or_env,
    stage_name_casing,
    undefined_arg_in_from,
    undefined_var,
    workdir_relative_path,
)

__all__ = ["ALL_CHECK_NAMES", "BUILDKIT_RULES", "CHECK_NAMES", "EXPERIMENTAL_CHECKS"]

# In the order of BuildKit's rule set (frontend/dockerfile/linter/ruleset.go).
BUILDKIT_RULES: list[Rule] = [
    stage_name_casing.rule,
    from_as_casing.rule,
    no_empty_continuation.rule,
    consistent_instruction_casing.rule,
    duplicate_stage_name.rule,
    reserved_stage_name.rule,
    json_args_recommended.rule,
    maintainer_deprecated.rule,
    undefined_arg_in_from.rule,
    workdir_relative_path.rule,
    undefined_var.rule,
    multiple_instructions_disallowed.rule,
    legacy_key_value_format.rule,
    redundant_target_platform.rule,
    secrets_used_in_arg_or_env.rule,
    invalid_default_arg_in_from.rule,
    from_platform_flag_const_disallowed.rule,
    copy_ignored_file.rule,
    invalid_definition_description.rule,
    expose_proto_casing.rule,
    expose_invalid_format.rule,
]

CHECK_NAMES = frozenset(rule.code for rule in BUILDKIT_RULES)
# Off unless `# check=experimental=` names them; `skip=` does not apply to them (BuildKit v0.25).
EXPERIMENTAL_CHECKS = frozenset(
    rule.code for rule in BUILDKIT_RULES if getattr(rule, "experimental", False)
)

# Every check of BuildKit's rule set, those dockyard cannot run included.
ALL_CHECK_NAMES = CHECK_NAMES | {
    "CopyIgnoredFile",
    "InvalidBaseImagePlatform",
    "InvalidDefinitionDescription",
}
