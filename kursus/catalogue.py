"""Sections a higher app adds to the catalogue page (the programmes of `program`), through a
small registry: kursus renders them without knowing what they list."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CatalogueSection:
    """A block of the catalogue: the template that renders it and that template's context."""

    template: str
    context: dict = field(default_factory=dict)


CatalogueSectionProvider = Callable[..., CatalogueSection | None]
_providers: list[CatalogueSectionProvider] = []


def register_catalogue_section(provider: CatalogueSectionProvider) -> CatalogueSectionProvider:
    """Add `provider(request, *, index_page, filters) -> CatalogueSection | None`; a higher app
    calls this in its AppConfig.ready(). Registering the same function twice adds it once."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def catalogue_sections(request, *, index_page, filters: dict) -> list[CatalogueSection]:
    """The sections to show above the course cards, in registration order."""
    sections = []
    for provider in _providers:
        section = provider(request, index_page=index_page, filters=filters)
        if section is not None:
            sections.append(section)
    return sections
