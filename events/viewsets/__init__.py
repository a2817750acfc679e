"""The booking staff's Wagtail viewsets, by what they list; grouped and registered
in events/wagtail_hooks.py."""
