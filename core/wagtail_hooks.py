from wagtail import hooks

from .admin_delete import refuse_held_snippets

hooks.register("before_delete_snippet", refuse_held_snippets)
