"""The OpenAPI schema is checked into docs/openapi.yaml, so a change to the API shows in review; this
fails when the generated schema differs from it."""

from __future__ import annotations

from pathlib import Path

from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

CHECKED_IN = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
REGENERATE = "HIENMAU_DEBUG=1 .venv/bin/hienmau spectacular --file docs/openapi.yaml --validate"


def generated_schema() -> str:
    with translation.override("vi"):
        schema = SchemaGenerator().get_schema(request=None, public=True)
        return OpenApiYamlRenderer().render(schema, renderer_context={}).decode()


def test_the_checked_in_schema_is_the_generated_one():
    assert generated_schema() == CHECKED_IN.read_text(encoding="utf-8"), f"The API changed: run `{REGENERATE}`."


def test_the_schema_documents_every_route_with_its_json_errors():
    text = CHECKED_IN.read_text(encoding="utf-8")
    for path in (
        "/api/v1/units/",
        "/api/v1/donors/{id}/",
        "/api/v1/donations/push/",
        "/api/v1/plans/{id}/achievement/",
    ):
        assert f"  {path}:" in text, path
    assert "'409':" in text and "#/components/schemas/Error" in text and "bearerAuth" not in text
