from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from .selectors import (
    employee_list_visible,
    orgunit_children_with_counts,
    orgunit_get_visible,
    orgunit_scope_root,
    orgunit_subtree_filter,
)

EMPLOYEES_PER_PAGE = 50


@login_required
def scope_home(request):
    """A supervisor lands on their own unit; Admin LMS on Bawaslu RI."""
    root = orgunit_scope_root(request.user)
    if root is None:
        raise PermissionDenied
    return redirect("organisasi:unit_detail", code=root.code)


@login_required
def unit_detail(request, code: str):
    """One unit of the supervisor's subtree: its child units with their head counts and the
    employees of the whole subtree. Units outside the subtree are 404."""
    unit = orgunit_get_visible(request.user, code=code)
    root = orgunit_scope_root(request.user)
    breadcrumbs = [a for a in unit.get_ancestors() if a.path.startswith(root.path)] + [unit]
    employees = (
        employee_list_visible(request.user)
        .filter(orgunit_subtree_filter(unit), is_active=True)
        .select_related("unit")
        .order_by("full_name", "id")
    )
    page = Paginator(employees, EMPLOYEES_PER_PAGE).get_page(request.GET.get("halaman"))
    return render(
        request,
        "organisasi/unit_detail.html",
        {
            "unit": unit,
            "breadcrumbs": breadcrumbs,
            "children": orgunit_children_with_counts(unit),
            "page": page,
        },
    )
