"""The full official unit tree (about 14,700 units and 13,600 successor links): `python -m bench reference`.

Loads the reference lists into a throwaway test database, then measures the unit search, a province
officer's scope (which follows the successor links) and the place resolver. Figures only, never pass/fail.
"""

import time

from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment

from bench.timing import timed


def main():
    from hienmau.orgs.models import Membership, Role, SuccessorLink, Unit
    from hienmau.orgs.place_resolver import resolve_place
    from hienmau.orgs.reference import import_reference
    from hienmau.orgs.scoping import build_scope, scoped_units
    from tests.factories import UserFactory

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        start = time.perf_counter()
        report = import_reference()
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        import_reference()
        again = time.perf_counter() - start
        print(
            f"database: {connection.vendor}; units: {Unit.objects.count():,}; links: {SuccessorLink.objects.count():,}"
            f"; import {loaded:.1f} s, again (nothing to change) {again:.1f} s; linked {report.resolved_share:.1%}"
        )
        for query in ("van du", "chau thanh", "phuong 1", "tan loi xa"):
            p50, p95 = timed(lambda q=query: list(Unit.objects.search(q)[:50]), 20)
            print(f"unit search {query!r:24} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms")
        user = UserFactory(username="bench")
        for code in ("33", "91", "79"):
            province = Unit.objects.get(code=code, kind="province", valid_until__isnull=True)
            membership = Membership.objects.create(user=user, unit=province, role=Role.OFFICER)
            p50, p95 = timed(lambda m=membership: build_scope(m), 5)
            scope = build_scope(membership)
            count = scoped_units(scope).count()
            c50, c95 = timed(lambda s=scope: scoped_units(s).count(), 10)
            print(
                f"scope of {province.name:<14} build p50 {p50:8.1f} ms p95 {p95:8.1f} ms; "
                f"count p50 {c50:6.1f} ms ({count:,} units, {len(scope.root_paths)} roots)"
            )
        for text in ("xã Vân Du, huyện Ân Thi, tỉnh Hưng Yên", "H. An Minh, Kiên Giang", "Tân Lợi"):
            p50, p95 = timed(lambda t=text: resolve_place(t), 10)
            print(f"resolve {text!r:44} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
