"""The open sign-up form (off by default), which allauth loads through
ACCOUNT_SIGNUP_FORM_CLASS while it imports its own forms: this module imports nothing that
imports allauth's forms back (lms.organisasi.forms does, through the invitation task)."""

from django import forms
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lms.akun.roles import PESERTA

from .models import Employee, OrgUnit
from .signals import employee_placed
from .validators import nip_errors


class SignupForm(forms.Form):
    """Extra fields of open sign-up: the employee profile."""

    full_name = forms.CharField(label=_("Nama lengkap"), max_length=200)
    employment_type = forms.ChoiceField(
        label=_("Jenis pegawai"), choices=Employee.EmploymentType.choices
    )
    nip = forms.CharField(label=_("NIP"), max_length=18, required=False)
    position = forms.CharField(label=_("Jabatan"), max_length=200, required=False)
    unit = forms.ModelChoiceField(
        label=_("Unit kerja"),
        queryset=OrgUnit.objects.filter(
            level__in=[OrgUnit.Level.PUSAT, OrgUnit.Level.PROVINSI, OrgUnit.Level.KABKOTA]
        ).order_by("path"),
    )

    def clean_nip(self):
        nip = self.cleaned_data["nip"].strip()
        if nip:
            errors = nip_errors(nip)
            if errors:
                raise forms.ValidationError(errors)
            if Employee.objects.filter(nip=nip).exists():
                raise forms.ValidationError(_("NIP ini sudah terdaftar."))
        return nip or None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("employment_type") in Employee.NIP_REQUIRED and not cleaned.get("nip"):
            self.add_error("nip", _("NIP wajib diisi untuk PNS dan PPPK."))
        return cleaned

    @transaction.atomic
    def signup(self, request, user):
        user.first_name = self.cleaned_data["full_name"][:150]
        user.save(update_fields=["first_name"])
        user.groups.add(Group.objects.get(name=PESERTA))
        employee = Employee.objects.create(
            user=user,
            full_name=self.cleaned_data["full_name"],
            employment_type=self.cleaned_data["employment_type"],
            nip=self.cleaned_data["nip"],
            position=self.cleaned_data["position"],
            unit=self.cleaned_data["unit"],
        )
        employee_placed.send(sender=Employee, employee=employee)
