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
    for english in ("Skip to main content", "Model name", "Toggle theme", "Django", "TOTP", "Axes", "Task Results"):
        assert english not in index, english
    listing = admin_client.get(reverse("admin:plans_plan_changelist")).content.decode()
    assert "Số, ký hiệu" in listing and "14/KH-UBND" in listing and "Reference" not in listing


def test_every_model_in_the_admin_and_its_app_have_vietnamese_names():
    """Third-party apps included (django-axes, django-otp, django-tasks-db): their English names are
    translated in locale/vi or their app configs are the project's (hienmau.core.apps). A Vietnamese name
    has diacritics; a plural Django made by adding "s" is a default."""
    from django.contrib import admin
    from django.utils import translation

    with translation.override("vi"):
        english = []
        for model in admin.site._registry:
            singular, plural = str(model._meta.verbose_name), str(model._meta.verbose_name_plural)
            app_name = str(model._meta.app_config.verbose_name)
            for name in (plural, app_name):
                if name.isascii():
                    english.append(f"{model._meta.label}: {name}")
            if plural == f"{singular}s":
                english.append(f"{model._meta.label}: {plural}")
    assert english == [], english
