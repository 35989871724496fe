"""The catalogue page, course categories, what trainers and Admin LMS may do with courses,
and the moderation workflow: trainers submit, Admin LMS approves and publishes."""

from django.db import migrations

from lms.migration_support import ensure_permissions

CATEGORIES = [
    ("IKP", "ikp", "Indeks Kerawanan Pemilu: metodologi dan pemanfaatan"),
    ("Bimtek", "bimtek", "Bimbingan teknis tahapan dan pengawasan"),
    ("Data dan Informasi", "data-dan-informasi", "Kualitas data, Satu Data, operator data"),
    ("Orientasi", "orientasi", "Orientasi kelembagaan bagi pegawai dan anggota baru"),
]
PAGE_PERMS = {
    "Pengajar": ["add_page", "change_page"],
    "Admin LMS": [
        "add_page",
        "change_page",
        "publish_page",
        "lock_page",
        "unlock_page",
        "delete_page",
    ],
}
MEDIA_PERMS = {
    "Pengajar": [
        ("wagtailimages", "add_image"), ("wagtailimages", "change_image"),
        ("wagtailimages", "choose_image"), ("wagtaildocs", "add_document"),
        ("wagtaildocs", "change_document"), ("wagtaildocs", "choose_document"),
    ],
}  # fmt: skip
MEDIA_PERMS["Admin LMS"] = MEDIA_PERMS["Pengajar"] + [
    ("wagtailimages", "delete_image"),
    ("wagtaildocs", "delete_document"),
]
SNIPPET_PERMS = {
    "Admin LMS": ["add_coursecategory", "change_coursecategory", "view_coursecategory",
                  "add_mandatoryassignment", "change_mandatoryassignment",
                  "view_mandatoryassignment", "view_enrollment"],
    "Supervisor": ["add_mandatoryassignment", "view_mandatoryassignment"],
}  # fmt: skip


def forwards(apps, schema_editor):
    ensure_permissions(apps)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Locale = apps.get_model("wagtailcore", "Locale")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    CourseCategory = apps.get_model("kursus", "CourseCategory")
    CourseIndexPage = apps.get_model("kursus", "CourseIndexPage")

    for name, slug, description in CATEGORIES:
        CourseCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )

    home = Page.objects.get(depth=2, slug="beranda")
    index_type, _ = ContentType.objects.get_or_create(app_label="kursus", model="courseindexpage")
    last_child = Page.objects.filter(path__startswith=home.path, depth=3).order_by("-path").first()
    step = int(last_child.path[-4:], 36) + 1 if last_child else 1
    path = home.path + f"{step:04d}"
    index = CourseIndexPage.objects.create(
        title="Katalog Kursus",
        draft_title="Katalog Kursus",
        slug="kursus",
        content_type=index_type,
        path=path,
        depth=3,
        numchild=0,
        url_path=home.url_path + "kursus/",
        locale=Locale.objects.order_by("pk").first(),
        live=True,
        intro=(
            "Kursus mandiri untuk jajaran pengawas pemilu. Setiap kursus yang selesai "
            "menambah jam pelajaran (JP) Anda tahun ini."
        ),
    )
    home.numchild = Page.objects.filter(path__startswith=home.path, depth=3).count()
    home.save(update_fields=["numchild"])

    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    root_collection = Collection.objects.get(depth=1)
    for group_name, codenames in PAGE_PERMS.items():
        group = Group.objects.get(name=group_name)
        for codename in codenames:
            permission = Permission.objects.get(content_type=page_type, codename=codename)
            GroupPagePermission.objects.get_or_create(
                group=group, page=index, permission=permission
            )
    for group_name, perms in MEDIA_PERMS.items():
        group = Group.objects.get(name=group_name)
        for app_label, codename in perms:
            permission = Permission.objects.get(
                content_type__app_label=app_label, codename=codename
            )
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )
    for group_name, codenames in SNIPPET_PERMS.items():
        group = Group.objects.get(name=group_name)
        for codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label="kursus", codename=codename)
            )

    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.create(
        name="Persetujuan Admin LMS", content_type=task_type, active=True
    )
    task.groups.set([Group.objects.get(name="Admin LMS")])
    workflow = Workflow.objects.create(name="Moderasi kursus", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=index)


def backwards(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name="Moderasi kursus").delete()
    apps.get_model("wagtailcore", "Task").objects.filter(name="Persetujuan Admin LMS").delete()
    apps.get_model("kursus", "CourseIndexPage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("kursus", "0001_initial"),
        ("beranda", "0002_homepage"),
        ("organisasi", "0002_roles"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
