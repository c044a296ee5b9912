"""The OpenAPI request body of a file upload, as `file_upload_body` declares it."""

from api.core.openapi import file_upload_body


def test_an_upload_body_offers_the_raw_media_types_then_a_form_requiring_every_file_field():
    body = file_upload_body(
        "Two files.", fields=("indicators", "areas"), raw={"text/csv": "string"}
    )["requestBody"]
    assert body["required"] is True and body["description"] == "Two files."
    assert list(body["content"]) == ["text/csv", "multipart/form-data"]
    assert body["content"]["text/csv"] == {"schema": {"type": "string"}}
    form = body["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["indicators", "areas"]
    assert form["properties"] == {
        "indicators": {"type": "string", "format": "binary"},
        "areas": {"type": "string", "format": "binary"},
    }


def test_an_upload_body_takes_one_form_field_called_file_unless_told_otherwise():
    content = file_upload_body("A file.")["requestBody"]["content"]
    assert list(content) == ["multipart/form-data"]
    assert content["multipart/form-data"]["schema"]["required"] == ["file"]
