"""The lint settings for one open document, found the way ``dockyard lint`` finds them.

``dockyard lint`` reads ``.hadolint.yaml`` and dockyard's TOML from the directory it runs in.
An editor has no such directory, so the server takes the nearest one, from the document's own
folder up to the workspace folder that holds it, that has a settings file of its own; with none,
the workspace folder (then the document's folder), which still brings in ``$XDG_CONFIG_HOME``,
``~/.hadolint.yaml`` and the ``HADOLINT_*`` variables exactly as the command line does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from dockyard.dockerfile import LintConfig, load_config

__all__ = ["settings_for"]


def settings_for(
    document: Path | None, *, roots: Iterable[Path], environ: Mapping[str, str]
) -> LintConfig:
    """The settings for ``document`` (``None``: an unsaved buffer); a broken settings file is a
    :class:`dockyard.errors.ConfigError`, as it is for ``dockyard lint``."""
    folders = [root.resolve() for root in roots]
    if document is None:
        return load_config(
            explicit=None, cwd=folders[0] if folders else Path.cwd(), environ=environ
        )
    here = document.resolve().parent
    root = next((f for f in folders if here == f or f in here.parents), None)
    for folder in _upwards(here, root):
        config = load_config(explicit=None, cwd=folder, environ=environ)
        if any(Path(source).parent == folder for source in config.sources):
            return config
    return load_config(explicit=None, cwd=root or here, environ=environ)


def _upwards(start: Path, stop: Path | None) -> list[Path]:
    """``start`` and its parents up to ``stop``; only ``start`` outside every workspace folder."""
    if stop is None:
        return [start]
    folders = [start]
    while folders[-1] != stop and folders[-1].parent != folders[-1]:
        folders.append(folders[-1].parent)
    return folders
