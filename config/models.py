"""The platform has no models of its own.

This module exists because Django sends ``post_migrate`` only to apps with a models
module, and the platform syncs its django-q2 schedules on that signal.
"""
