"""The HTTP transport of the registry client: TLS set up only when a registry speaks https.

httpx builds its SSL context (the CA bundle parsed) when a client is created, 20-40 ms of every
start-up, even when the only registry is a loopback one that speaks plain http. Here the plain
and the TLS transports are separate and the TLS one is made on the first https request, with
httpx's own defaults (system/certifi CAs, ``SSL_CERT_FILE``/``SSL_CERT_DIR``). Proxies come from
the environment as httpx reads them (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``,
``NO_PROXY``), since a client given its own transport no longer looks them up itself.
"""

from __future__ import annotations

import ssl
import threading
import urllib.request

import httpx

__all__ = ["SchemeTransport"]


class SchemeTransport(httpx.BaseTransport):
    """Routes ``http://`` and ``https://`` requests to transports made on first use."""

    def __init__(self) -> None:
        self._transports: dict[tuple[str, str | None], httpx.BaseTransport] = {}
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        scheme = "https" if request.url.scheme == "https" else "http"
        proxy = _environment_proxy(scheme, request.url.host)
        return self._transport(scheme, proxy).handle_request(request)

    def close(self) -> None:
        with self._lock:
            transports, self._transports = list(self._transports.values()), {}
        for transport in transports:
            transport.close()

    def _transport(self, scheme: str, proxy: str | None) -> httpx.BaseTransport:
        with self._lock:
            transport = self._transports.get((scheme, proxy))
            if transport is None:
                transport = _make(scheme, proxy)
                self._transports[(scheme, proxy)] = transport
            return transport


def _make(scheme: str, proxy: str | None) -> httpx.BaseTransport:
    if scheme == "https" or (proxy is not None and proxy.startswith("https:")):
        return httpx.HTTPTransport(proxy=proxy)
    # Plain http never negotiates TLS: a context that trusts no CA at all stands in, instead of
    # parsing the CA bundle for nothing (it would refuse any certificate if ever used).
    return httpx.HTTPTransport(verify=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT), proxy=proxy)


def _environment_proxy(scheme: str, host: str) -> str | None:
    proxies = urllib.request.getproxies()
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"
