"""The programme's learner-facing HTTP, by concern."""
