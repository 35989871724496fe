"""Create the four roles with their permissions."""

from django.db import migrations

from lms.migration_support import ensure_permissions

ROLE_PERMISSIONS = {
    "Peserta": [],
    "Pengajar": [
        ("wagtailadmin", "access_admin"),
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "change_document"),
        ("wagtaildocs", "choose_document"),
        ("wagtailimages", "add_image"),
        ("wagtailimages", "change_image"),
        ("wagtailimages", "choose_image"),
    ],
    "Supervisor": [
        ("organisasi", "view_unit_reports"),
    ],
    "Admin LMS": [
        ("wagtailadmin", "access_admin"),
        ("organisasi", "view_unit_reports"),
        ("organisasi", "view_orgunit"),
        ("organisasi", "change_orgunit"),
        ("organisasi", "view_employee"),
        ("organisasi", "add_employee"),
        ("organisasi", "change_employee"),
        ("organisasi", "view_employeeimport"),
        ("organisasi", "add_employeeimport"),
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "change_document"),
        ("wagtaildocs", "choose_document"),
        ("wagtailimages", "add_image"),
        ("wagtailimages", "change_image"),
        ("wagtailimages", "choose_image"),
    ],
}


def create_roles(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("organisasi", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
