from django.dispatch import Signal

#: Sent (sender = the model class) after a change that public pages show but that
#: no model signal announces, such as a queryset ``update()``. The platform's page
#: cache listens to it.
public_content_changed = Signal()
