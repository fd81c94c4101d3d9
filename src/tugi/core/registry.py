"""What each area contributes to the shell: desk widgets, search results, person sections,
demo data, notification recipients, job handlers, periodic jobs and pending-item sources (what
waits for a user, for the weekly summary).

Areas register in their ``AppConfig.ready``; the kernel only iterates. Nothing here imports an area.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DeskWidget:
    """A card on My desk. ``render(request)`` returns a context dict, or None to hide the card."""

    key: str
    title: Any
    template: str
    render: Callable[[Any], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    kind: Any
    detail: str = ""


@dataclass(frozen=True)
class SearchProvider:
    """``search(user, query)`` returns hits the user may see; lower order answers first."""

    key: str
    search: Callable[[Any, str], Iterable[SearchHit]]
    order: int = 100


@dataclass(frozen=True)
class PersonSection:
    """A section of a person's page: ``render(request, person)`` -> context dict or None."""

    key: str
    title: Any
    template: str
    render: Callable[[Any, Any], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class DemoLoader:
    """Loads an area's demo data: ``load(actor, stdout)``; must be safe to run twice."""

    key: str
    load: Callable[[Any, Any], None]
    order: int = 100


@dataclass(frozen=True)
class DemoService:
    """A helper process the demo runs while it serves (e.g. a simulated external system):
    ``start(stdout)`` starts it and returns a function that stops it. ``tugi demo`` calls it only
    when it serves (not with ``--no-serve``), so loaders and tests never start it."""

    key: str
    start: Callable[[Any], Callable[[], None]]
    order: int = 100


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str = ""
    user_id: int | None = None


@dataclass(frozen=True)
class JobHandler:
    """A kind of background job: ``run(job, progress)`` returns a JSON-able result."""

    kind: str
    title: Any
    run: Callable[[Any, Any], dict[str, Any]]


@dataclass(frozen=True)
class Periodic:
    """A job the worker starts every ``every``; the job key is the period, so it runs once."""

    name: str
    every: dt.timedelta
    start: Callable[[Any, str], Any]


@dataclass(frozen=True)
class PendingItem:
    """Something that waits for a user (an approval, a review, an overdue task): for the weekly
    summary and the "My week" page. ``due`` is when it falls due (None: no date)."""

    title: str
    url: str
    due: dt.date | None = None
    kind: Any = ""


@dataclass(frozen=True)
class PendingSource:
    """``collect(user, today)`` returns the items waiting for ``user``; lower order is listed first."""

    key: str
    title: Any
    collect: Callable[[Any, dt.date], list[PendingItem]]
    order: int = 100


@dataclass
class Registry:
    desk_widgets: list[DeskWidget] = field(default_factory=list)
    search_providers: list[SearchProvider] = field(default_factory=list)
    person_sections: list[PersonSection] = field(default_factory=list)
    demo_loaders: list[DemoLoader] = field(default_factory=list)
    demo_services: list[DemoService] = field(default_factory=list)
    recipient_providers: list[Callable[[str], Iterable[Recipient]]] = field(default_factory=list)
    job_handlers: dict[str, JobHandler] = field(default_factory=dict)
    periodic: dict[str, Periodic] = field(default_factory=dict)
    pending_sources: list[PendingSource] = field(default_factory=list)

    def add(self, item: Any) -> None:
        """Register one contribution (idempotent by key)."""
        if isinstance(item, JobHandler):
            self.job_handlers[item.kind] = item
            return
        if isinstance(item, Periodic):
            self.periodic[item.name] = item
            return
        targets: dict[type, list[Any]] = {
            DeskWidget: self.desk_widgets,
            SearchProvider: self.search_providers,
            PersonSection: self.person_sections,
            DemoLoader: self.demo_loaders,
            DemoService: self.demo_services,
            PendingSource: self.pending_sources,
        }
        target = targets[type(item)]
        target[:] = [x for x in target if x.key != item.key]
        target.append(item)
        target.sort(key=lambda x: (x.order, x.key))


registry = Registry()
