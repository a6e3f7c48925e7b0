"""A task that proves the path to the workers: which process ran it, on which database."""

import os
import socket

from celery import shared_task
from django.db import connection


@shared_task(name="portal.ping")
def ping() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        (database,) = cursor.fetchone()
    return {"pid": os.getpid(), "host": socket.gethostname(), "database": database}
