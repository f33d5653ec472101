"""Model and field names of plans and reports are Vietnamese wherever a person reads them (the admin, form
labels, error messages), never Django's default made from the class or field name (issue 12)."""

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils.text import camel_case_to_spaces

from tests.plans.conftest import make_plan

APPS = ("plans", "reports")


def _models():
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if not model.__name__.startswith("Historical"):
                yield model


def test_every_model_and_field_has_a_vietnamese_name():
    defaults = []
    for model in _models():
        english = camel_case_to_spaces(model.__name__)
        singular, plural = str(model._meta.verbose_name), str(model._meta.verbose_name_plural)
        if singular == english or plural in (f"{english}s", f"{singular}s"):
            defaults.append(f"{model.__name__}: {singular} / {plural}")
        for field in model._meta.get_fields():
            named = getattr(field, "concrete", False) and not field.auto_created
            if named and str(field.verbose_name) == field.name.replace("_", " "):
                defaults.append(f"{model.__name__}.{field.name}")
    assert defaults == []


@pytest.mark.django_db
def test_the_admin_lists_plans_in_vietnamese(admin_client, tree):
    make_plan(tree.an_thi, "14", [(tree.van_du, 54, [25, 29])])
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "Kế hoạch" in index and "Plans" not in index
    listing = admin_client.get(reverse("admin:plans_plan_changelist")).content.decode()
    assert "Số, ký hiệu" in listing and "14/KH-UBND" in listing and "Reference" not in listing
