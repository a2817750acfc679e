from django.dispatch import Signal

#: Sent (sender = the model class) after a change that public pages show but that
#: no model signal announces, such as a queryset ``update()``; ``scope`` names what
#: changed (a scope of ``core/freshness.py``; all of them when left out). The
#: platform's caches listen to it.
public_content_changed = Signal()
