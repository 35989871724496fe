from django import forms
from django.utils.translation import gettext_lazy as _

from lms.organisasi.models import OrgUnit

from .models import CertificateTemplate
from .selectors import certificate_subject_list
from .services import REISSUE_FIELDS


class VerificationForm(forms.Form):
    q = forms.CharField(
        label=_("Kode verifikasi"),
        max_length=120,
        widget=forms.TextInput(
            attrs={
                "placeholder": "XXXX-XXXX-XXXX-XXXX",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pencabutan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Ditampilkan kepada siapa pun yang memverifikasi sertifikat ini."),
    )


class ReissueForm(forms.Form):
    full_name = forms.CharField(label=_("Nama"), max_length=200)
    nip = forms.CharField(label=_("NIP"), max_length=18, required=False)
    position = forms.CharField(label=_("Jabatan"), max_length=200, required=False)
    unit_name = forms.CharField(label=_("Unit kerja"), max_length=200, required=False)
    reason = forms.CharField(
        label=_("Alasan penerbitan ulang"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Misalnya: perbaikan ejaan nama."),
    )

    def corrections(self) -> dict:
        return {field: self.cleaned_data[field] for field in REISSUE_FIELDS}


class RegenerateForm(forms.Form):
    subject = forms.ModelChoiceField(
        label=_("Kursus"), queryset=None, required=False, empty_label=_("Semua kursus")
    )
    template = forms.ModelChoiceField(
        label=_("Templat"),
        queryset=CertificateTemplate.objects.all(),
        required=False,
        empty_label=_("Semua templat"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            ("", _("Terbit dan gagal")),
            ("issued", _("Terbit")),
            ("failed", _("Gagal dibuat")),
        ],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = certificate_subject_list()

    def clean(self):
        data = super().clean()
        if not (data.get("subject") or data.get("template") or data.get("status")):
            raise forms.ValidationError(
                _("Pilih paling sedikit satu: kursus, templat atau status.")
            )
        return data


class ArchiveForm(forms.Form):
    subject = forms.ModelChoiceField(
        label=_("Kursus"), queryset=None, required=False, empty_label=_("Semua kursus")
    )
    unit = forms.CharField(
        label=_("Kode unit"),
        required=False,
        max_length=32,
        help_text=_("Misalnya 32 atau 32.04; sertifikat unit itu dan seluruh jajaran di bawahnya."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = certificate_subject_list()

    def clean_unit(self):
        code = self.cleaned_data["unit"].strip()
        if not code:
            return None
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("Unit dengan kode itu tidak ada."))
        return unit

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("subject") or data.get("unit")):
            raise forms.ValidationError(_("Pilih kursus, unit, atau keduanya."))
        return data
