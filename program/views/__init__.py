"""The programme's front-end pages, one module per area."""
