"""Whether a participant has answered the questionnaires their cohort requires.

Replaced at merge by the questionnaire helper's version (the `kuesioner` app); until then
every participant counts as done."""


def participant_questionnaire_done(participant) -> bool:
    """True when `participant` answered every questionnaire required of them. Replaced at
    merge by the questionnaire helper's version."""
    return True
