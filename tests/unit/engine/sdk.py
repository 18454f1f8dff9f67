"""An Engine whose docker SDK client answers through a requests transport of the test's own."""

from __future__ import annotations

import docker
import requests.adapters

from dockyard.engine import Engine


def engine_over(api: requests.adapters.BaseAdapter) -> Engine:
    """The real SDK client (API 1.41), connected through ``api`` instead of a socket."""
    engine = Engine()
    client = docker.DockerClient(base_url="tcp://engine.invalid:2375", version="1.41")
    client.api.mount("http://", api)
    engine.__dict__["sdk"] = client  # the connected SDK client, without a real socket
    return engine
