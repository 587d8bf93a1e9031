"""One blueprint per area; helpers shared by the views live in `common`."""
