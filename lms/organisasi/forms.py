from django import forms
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from lms.akun.models import User
from lms.akun.roles import PESERTA
from lms.akun.tasks import account_invite_task
from lms.core.outbox import send_after_commit

from .models import Employee, OrgUnit
from .signals import employee_placed
from .validators import text_errors


class EmployeeImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas CSV atau XLSX"),
        help_text=_("Kolom: NIP, nama, email, kode unit, jabatan, jenis pegawai."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Kolom: NIP, nama, email, kode unit, jabatan, jenis pegawai. Paling besar %(max)s MB "
            "dan %(rows)s baris."
        ) % {
            "max": settings.LMS_IMPORT_MAX_FILE_BYTES // 1024 // 1024,
            "rows": settings.LMS_IMPORT_MAX_ROWS,
        }

    def clean_file(self):
        from django.conf import settings

        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Format berkas harus CSV atau XLSX."))
        limit = settings.LMS_IMPORT_MAX_FILE_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Berkas lebih besar dari batas %(max)s MB.") % {"max": limit // 1024 // 1024}
            )
        return upload


class EmployeeAdminForm(WagtailAdminModelForm):
    """Adding an employee by hand creates their account and mails them a set-password link."""

    email = forms.EmailField(label=_("Email"))

    class Meta:
        model = Employee
        fields = ["full_name", "email", "nip", "employment_type", "position", "unit", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.order_by("path")
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email

    def _one_line_text(self, name: str) -> str:
        """The field's value, refused (never changed) when it holds a control character (a
        tab or a line break included) or an invisible or direction-changing one."""
        value = self.cleaned_data[name]
        errors = text_errors(
            value or "", label=self.fields[name].label, max_length=len(value or "")
        )
        if errors:
            raise forms.ValidationError(errors)
        return value

    def clean_full_name(self):
        return self._one_line_text("full_name")

    def clean_position(self):
        return self._one_line_text("position")

    def clean_email(self):
        email = self._one_line_text("email").lower()
        others = User.objects.filter(email=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.user_id)
        if others.exists():
            raise forms.ValidationError(_("Email ini sudah dipakai akun lain."))
        return email

    def clean_nip(self):
        return self.cleaned_data.get("nip") or None

    @transaction.atomic
    def save(self, commit=True):
        from allauth.account.models import EmailAddress

        employee = super().save(commit=False)
        email = self.cleaned_data["email"]
        if employee.pk:
            user = employee.user
            if user.email != email:
                user.email = email
                user.save(update_fields=["email"])
                EmailAddress.objects.filter(user=user).delete()
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        else:
            user = User.objects.create_user(email=email, first_name=employee.full_name[:150])
            user.groups.add(Group.objects.get(name=PESERTA))
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            employee.user = user
            send_after_commit(account_invite_task, [user.pk])
        if user.is_active != employee.is_active:
            user.is_active = employee.is_active
            user.save(update_fields=["is_active"])
        employee.save()
        employee_placed.send(sender=Employee, employee=employee)
        return employee
