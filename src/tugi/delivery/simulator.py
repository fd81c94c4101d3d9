"""A tiny simulated service for the demo and the tests: one HTTP server on the loopback address
that answers ``/<environment>/health`` and ``/<environment>/version`` for any number of
simulated environments (stdlib ``http.server`` in a daemon thread).

    sim = Simulator.start()                         # a free port on 127.0.0.1
    sim.set("skais-uat", version="2026.11.0")       # healthy, answers that version
    sim.set("star-test", healthy=False)             # health answers 503
    env.health_url = sim.health_url("skais-uat")
    sim.stop()

``version`` answers JSON ``{"version": ...}``. An environment the simulator does not know
answers 404. ``tugi demo`` starts one on ``TUGI_SIMULATOR_PORT`` (default 8765) and points the
demo environments at it (see ``contributions.demo_environments``).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

DEFAULT_PORT = 8765


@dataclass
class SimulatedEnvironment:
    version: str = "0.0.0"
    healthy: bool = True


class _Handler(BaseHTTPRequestHandler):
    simulator: ClassVar[Simulator]

    def do_GET(self) -> None:
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        env = self.server.environments.get(parts[0]) if len(parts) == 2 else None  # type: ignore[attr-defined]
        if env is None or parts[1] not in {"health", "version"}:
            self._send(404, {"error": "unknown environment"})
        elif parts[1] == "health":
            self._send(200 if env.healthy else 503, {"status": "UP" if env.healthy else "DOWN"})
        else:
            self._send(200, {"version": env.version})

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        return


class Simulator:
    def __init__(self, server: ThreadingHTTPServer, thread: threading.Thread):
        self.server, self.thread = server, thread
        self.environments: dict[str, SimulatedEnvironment] = server.environments  # type: ignore[attr-defined]

    @classmethod
    def start(cls, port: int = 0, host: str = "127.0.0.1") -> Simulator:
        server = ThreadingHTTPServer((host, port), _Handler)
        server.daemon_threads = True
        server.environments = {}  # type: ignore[attr-defined]
        thread = threading.Thread(target=server.serve_forever, name="tugi-simulator", daemon=True)
        thread.start()
        return cls(server, thread)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def set(
        self, name: str, *, version: str | None = None, healthy: bool | None = None
    ) -> SimulatedEnvironment:
        env = self.environments.setdefault(name, SimulatedEnvironment())
        if version is not None:
            env.version = version
        if healthy is not None:
            env.healthy = healthy
        return env

    def health_url(self, name: str) -> str:
        return f"{self.base_url}/{name}/health"

    def version_url(self, name: str) -> str:
        return f"{self.base_url}/{name}/version"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
