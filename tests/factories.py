import factory
from django.contrib.auth import get_user_model

from hienmau.orgs.models import Membership, Role, Unit, UnitCategory, UnitKind


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    kind = UnitKind.ORGANISATION
    category = UnitCategory.AGENCY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-123")


def member(username: str, unit: Unit, role: str = Role.OFFICER):
    user = UserFactory(username=username)
    Membership.objects.create(user=user, unit=unit, role=role)
    return user
