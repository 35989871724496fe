"""What kursus tells the apps above it (integrasi's webhooks). Sent inside the transaction
that completed the course, so that what a receiver writes commits or rolls back with it.
(kursus's own reactions to Wagtail's page lifecycle are in page_receivers.py.)"""

from django.dispatch import Signal

# A learner completed a course: the enrolment is marked completed, the JP credited and the
# certificate asked for. Arguments: `enrollment_id`, `user_id`, `course_id`, `completed_at`.
course_completed = Signal()
