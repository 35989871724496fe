"""The programme's learner and supervisor pages, by area."""
