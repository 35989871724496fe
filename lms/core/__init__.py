"""Infrastructure every app may use: it imports no app of ours."""
