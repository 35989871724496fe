"""The signal kuesioner sends, for the apps above it to react to (connected in their
AppConfig.ready())."""

from django.dispatch import Signal

# Sent when a person has answered a questionnaire for a context, once per (questionnaire,
# context, person): a repeated submission sends nothing. Sent inside the transaction that
# stored the answer, so a receiver's writes (a completion, a certificate request) commit or
# roll back with it. Arguments: user_id (int), questionnaire_id (int), context (str).
questionnaire_answered = Signal()
