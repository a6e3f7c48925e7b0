"""Private file storage: uploads and signed files live outside MEDIA_ROOT and have no public
URL; they are served only by views that check who asks."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    """Callable storage for `FileField(storage=private_storage)`: read at use, so a test's
    PRIVATE_MEDIA_ROOT applies (migrations keep the apps' module-level names for it)."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)
