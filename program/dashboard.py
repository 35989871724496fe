"""The learner dashboard's "Angkatan saya" (registered with kursus in ProgramConfig.ready)."""

from kursus.dashboard import register_dashboard_section

from .selectors import dashboard_cohorts


def cohorts_dashboard_section(request, user):
    """The learner's running cohorts with what is due next, or nothing. One query."""
    from wagtail.models import Site

    site = Site.find_for_request(request)
    root_url_path = site.root_page.url_path if site else "/"
    cohorts = dashboard_cohorts(user=user, root_url_path=root_url_path)
    if not cohorts:
        return None
    return "program/includes/dashboard_cohorts.html", {"cohorts": cohorts}


def register_cohort_dashboard() -> None:
    register_dashboard_section(cohorts_dashboard_section)
