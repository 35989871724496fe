from django import forms
from django.utils.translation import gettext_lazy as _

from .filters import PlainSelect
from .models import ReportSubscription


class SubscriptionForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Kirim ringkasan unit ini ke email saya"),
        choices=[("", _("Tidak berlangganan")), *ReportSubscription.Frequency.choices],
        required=False,
        widget=PlainSelect,
    )
