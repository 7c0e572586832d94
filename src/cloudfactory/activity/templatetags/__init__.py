"""Template filters of the activity log."""
