"""The programme page as a learner sees it, and the programmes' section of the catalogue."""

from django.template.response import TemplateResponse

from kursus.catalogue import CatalogueSection
from lms.core.cache import stamped_get
from lms.core.page_cache import CACHE_SECONDS, TREE_TOKEN_KEY

from ..models import ProgrammePage
from ..selectors.cohorts import cohorts_open_for
from ..selectors.curriculum import programme_list_for_catalogue, programme_page_data


def programme_serve(request, *, programme: ProgrammePage) -> TemplateResponse:
    request.is_preview = False
    context = programme.get_context(request)
    context.update(programme_page_data(user=request.user, programme=programme))
    context["cohorts_open"] = cohorts_open_for(programme, request.user)
    return TemplateResponse(request, programme.get_template(request), context)


def catalogue_programmes(request, *, index_page, filters: dict) -> CatalogueSection | None:
    """The catalogue's "Program" section: live programmes, searched by the catalogue's
    words; hidden while the course-only filters (category, JP, mandatory) are on."""
    if filters.get("kategori") or filters.get("jp") or filters.get("wajib"):
        return None
    query = filters.get("q") or ""

    def load():
        return list(programme_list_for_catalogue(query=query).child_of(index_page))

    # Unsearched, the list changes only when a page does (a programme's curriculum rows are
    # written when it is saved or published): cached under the page tree's token.
    programmes = (
        load()
        if query
        else stamped_get(
            [TREE_TOKEN_KEY], f"lms:catalogue-programmes:{index_page.pk}", load, CACHE_SECONDS
        )
    )
    if not programmes:
        return None
    return CatalogueSection(
        template="program/includes/catalogue_programmes.html",
        context={"programmes": programmes},
    )
