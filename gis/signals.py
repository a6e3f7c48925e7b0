"""A change to what the public map shows starts a new map-cache generation (gis/mapcache.py).
Bulk loads that bypass signals (QuerySet.update, bulk_create) are covered by their DatasetLoad
record, saved at the end of every load."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .mapcache import map_cache_invalidate
from .models import AdminUnit, AdminVintage, Catchment, DatasetLoad, School, SchoolPosition

MAP_MODELS = (School, SchoolPosition, AdminUnit, AdminVintage, Catchment, DatasetLoad)


def map_changed(sender, **kwargs):
    connection = transaction.get_connection(kwargs.get("using"))
    if any(entry[1] is map_cache_invalidate for entry in connection.run_on_commit):
        return  # one new generation per transaction is enough
    # After commit: a reader must not cache the old rows under the new generation.
    transaction.on_commit(map_cache_invalidate, using=kwargs.get("using"), robust=True)


for _model in MAP_MODELS:
    post_save.connect(map_changed, sender=_model, dispatch_uid=f"mapcache-save-{_model.__name__}")
    post_delete.connect(
        map_changed, sender=_model, dispatch_uid=f"mapcache-delete-{_model.__name__}"
    )
