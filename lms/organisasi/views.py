"""The unit pages moved to lms.laporan.views (the supervisor's reports); these names stay
importable for anything that referred to them."""

from lms.laporan.views import scope_home
from lms.laporan.views import unit_dashboard as unit_detail

__all__ = ["scope_home", "unit_detail"]
