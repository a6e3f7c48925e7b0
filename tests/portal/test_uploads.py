"""The shared upload check (portal/core/uploads.py): type from the first bytes, size first."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.core.exceptions import InvalidInput
from portal.core.uploads import JPEG, PDF, PNG, WEBP, sniff_content_type, upload_check

ALL = {PDF, JPEG, PNG, WEBP}


@pytest.mark.parametrize(
    ("head", "accept", "expected"),
    [
        (b"%PDF-1.7\n", ALL, "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", ALL, "image/png"),
        (b"\xff\xd8\xff\xe0", ALL, "image/jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", ALL, "image/webp"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", {PDF, JPEG, PNG}, None),
        (b"%PDF-1.7\n", {JPEG}, None),
        (b"GIF89a", ALL, None),
        (b"", ALL, None),
    ],
)
def test_sniff_content_type(head, accept, expected):
    assert sniff_content_type(head, accept=accept) == expected


def test_upload_check_returns_the_type_and_leaves_the_file_at_its_start():
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4 body", content_type="image/png")
    kind = upload_check(upload, max_bytes=1024, accept={PDF}, field="file", wrong_type="no")
    assert kind == "application/pdf"
    assert upload.read() == b"%PDF-1.4 body"


def test_upload_check_refuses_a_large_file_before_reading_it():
    upload = SimpleUploadedFile("a.pdf", b"%PDF-" + b"x" * (3 * 1024 * 1024))
    with pytest.raises(InvalidInput) as refused:
        upload_check(upload, max_bytes=2 * 1024 * 1024, accept={PDF}, field="file", wrong_type="")
    assert refused.value.field == "file"
    assert "2 MB" in refused.value.message
    assert upload.tell() == 0


def test_upload_check_refuses_a_type_not_accepted_with_the_callers_message():
    upload = SimpleUploadedFile("a.png", b"GIF89a....")
    with pytest.raises(InvalidInput) as refused:
        upload_check(upload, max_bytes=1024, accept={PNG}, field="evidence", wrong_type="PNG!")
    assert (refused.value.field, refused.value.message) == ("evidence", "PNG!")
