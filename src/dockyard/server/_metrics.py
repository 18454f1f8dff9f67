"""Prometheus metrics of the watch daemon, under watchtower's names so dashboards keep working."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest

from dockyard.update import CycleReport, Status

__all__ = ["WatchMetrics"]


class WatchMetrics:
    """Gauges of the last cycle and counters of all cycles, in a registry of their own."""

    content_type = "text/plain; version=0.0.4; charset=utf-8"

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.scanned = Gauge(
            "watchtower_containers_scanned", "Containers checked in the last scan", registry=r
        )
        self.updated = Gauge(
            "watchtower_containers_updated", "Containers updated in the last scan", registry=r
        )
        self.failed = Gauge(
            "watchtower_containers_failed", "Containers failed in the last scan", registry=r
        )
        self.rolled_back = Gauge(
            "dockyard_containers_rolled_back", "Containers rolled back in the last scan", registry=r
        )
        self.scans = Counter("watchtower_scans", "Scans since start", registry=r)
        self.skipped = Counter(
            "watchtower_scans_skipped", "Scans skipped: another was running", registry=r
        )
        self.duration = Gauge(
            "dockyard_scan_duration_seconds", "Wall time of the last scan", registry=r
        )

    def record(self, report: CycleReport) -> None:
        self.scans.inc()
        self.scanned.set(len(report.results))
        self.updated.set(report.count(Status.UPDATED))
        self.failed.set(report.count(Status.FAILED))
        self.rolled_back.set(report.count(Status.ROLLED_BACK))
        self.duration.set(report.duration)

    def render(self) -> bytes:
        return bytes(generate_latest(self.registry))
