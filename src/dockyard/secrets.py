"""Keep credentials out of everything a user or a log can see.

Two mechanisms: :class:`Secret` wraps a value so that ``str``/``repr``/f-strings never show it, and
:func:`redact` scrubs credentials from text that came from outside (URLs with ``user:pass@``,
``Authorization`` headers, values registered with :func:`register`).
"""

from __future__ import annotations

import re
import threading

__all__ = ["Secret", "redact", "register"]

_MASK = "***"
_URL_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<userinfo>[^/@\s]+)@")
_AUTH_HEADER = re.compile(r"(?i)(authorization:\s*)(basic|bearer)\s+\S+")
_known: set[str] = set()
_lock = threading.Lock()


class Secret:
    """A credential that never prints itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        register(value)

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def register(value: str) -> None:
    """Remember ``value`` so :func:`redact` masks it wherever it shows up later."""
    if len(value) >= 4:
        with _lock:
            _known.add(value)


def redact(text: str) -> str:
    """Mask URL userinfo, Authorization headers and every registered secret in ``text``."""
    text = _URL_USERINFO.sub(lambda m: m.group("scheme") + _MASK + "@", text)
    text = _AUTH_HEADER.sub(lambda m: m.group(1) + m.group(2) + " " + _MASK, text)
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for value in known:
        text = text.replace(value, _MASK)
    return text
