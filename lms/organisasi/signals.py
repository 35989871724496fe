"""What the organisation tells the apps above it (kursus gives people the mandatory courses
of their units). Both are sent inside the transaction that placed the people, so that what a
receiver writes commits or rolls back with the change, and a receiver's error fails it."""

from django.dispatch import Signal

# One employee was created or saved (the admin's employee form, open sign-up), perhaps into
# another unit. Arguments: `employee` (the saved Employee, with its unit).
employee_placed = Signal()

# An import created or updated employees. Arguments: `moved_user_ids` (list of user ids whose
# employee record moved to another unit or was attached to an account that had none: their
# enrolments follow them), `unit_ids` (list of the units of every imported row) and
# `employee_ids` (list of the employees created, or whose data or login email changed).
employees_imported = Signal()
