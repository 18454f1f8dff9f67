"""EXPOSE's ports as BuildKit splits them: ``[ip:][host-port:]container-port[/proto]``."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile, Instruction
from dockyard.dockerfile.rules.buildkit._base import StageState, expand_or_none, walk_stages
from dockyard.dockerfile.rules.buildkit._lex import raw_words

__all__ = ["Port", "exposed_ports"]


class Port:
    def __init__(self, raw: str) -> None:
        self.raw = raw
        parts = raw.split(":")
        self.ip = ":".join(parts[:-2])
        self.host_port = parts[-2] if len(parts) >= 2 else ""
        self.container, _, self.proto = parts[-1].partition("/")


def _ports(instruction: Instruction, state: StageState) -> list[Port]:
    ports = []
    for word in raw_words(instruction.arguments, escape=instruction.escape):
        expanded = expand_or_none(word, state.env, escape=instruction.escape)
        text = expanded.text if expanded is not None else word
        ports += [Port(part) for part in text.split()]
    return ports


def exposed_ports(df: Dockerfile) -> Iterator[tuple[Instruction, list[Port]]]:
    for instruction, state in walk_stages(df):
        if instruction.keyword == "EXPOSE":
            yield instruction, _ports(instruction, state)
