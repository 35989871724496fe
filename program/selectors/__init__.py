"""Reads of the programme app, by concern; every selector is importable from here."""

from .curriculum import (
    ClusterProgress,
    CurriculumCluster,
    CurriculumItem,
    ItemProgress,
    ProgrammeProgress,
    curriculum_progress,
    ordered_programmes_binding,
    programme_curriculum,
    programme_curriculum_draft,
    programme_enrollment_blockers,
    programme_list_for_catalogue,
    programme_order_applies,
    programme_page_data,
    programme_progress,
    programmes_containing,
)

__all__ = [
    "ClusterProgress",
    "CurriculumCluster",
    "CurriculumItem",
    "ItemProgress",
    "ProgrammeProgress",
    "curriculum_progress",
    "ordered_programmes_binding",
    "programme_curriculum",
    "programme_curriculum_draft",
    "programme_enrollment_blockers",
    "programme_list_for_catalogue",
    "programme_order_applies",
    "programme_page_data",
    "programme_progress",
    "programmes_containing",
]
