"""The programme's reads, by area; every selector is importable from here."""

from .cohorts import (
    LearnerState,
    cohort_learner_state,
    cohort_list_annotated,
    cohort_participant_list,
    cohort_sessions,
    cohorts_open_for,
    dashboard_cohorts,
    participants_pending_for_supervisor,
)

__all__ = [
    "LearnerState",
    "cohort_learner_state",
    "cohort_list_annotated",
    "cohort_participant_list",
    "cohort_sessions",
    "cohorts_open_for",
    "dashboard_cohorts",
    "participants_pending_for_supervisor",
]
