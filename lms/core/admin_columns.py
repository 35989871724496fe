"""Columns for the admin's listings, in words a trainer reads."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column


class YesNoColumn(Column):
    """A yes/no field as a word ("Ya"/"Tidak"), not Wagtail's "True"/"False" icon titles."""

    def get_value(self, instance):
        return _("Ya") if super().get_value(instance) else _("Tidak")
