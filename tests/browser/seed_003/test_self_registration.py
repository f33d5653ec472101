"""A donor signs up on the public page, not logged in, and gets a QR code."""

import pytest

from hienmau.core.clock import frozen
from hienmau.drives.models import (
    Registration,
    RegistrationSource,
)
from tests.browser.seed_003.conftest import LISTS_DAY, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_self_registration_on_the_public_page(live_server, seed, drive, browser, page, shot, console_errors):
    public_url = f"{live_server.url}/r/{drive.public_token}/"
    with frozen(at(LISTS_DAY, 8)):
        context = browser.new_context(viewport={"width": 420, "height": 900}, locale="vi-VN")
        try:
            public = context.new_page()
            public.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
            public.on("pageerror", lambda e: console_errors.append(str(e)))
            public.set_default_timeout(15_000)
            public.goto(public_url)
            assert public.locator("#id_slot option").count() == 1
            assert "07:00–10:00 (còn 20 chỗ)" in public.inner_text("#id_slot")
            public.fill("#id_full_name", "  Bế   Thị Thu Hà ")
            public.fill("#id_date_of_birth", "20/11/1999")
            public.select_option("#id_sex", "F")
            public.fill("#id_phone", "0912 468 357")
            public.select_option("#id_kind", "direct")
            public.check("#id_consent")
            shot("seed-003-4a-self-registration-form", public)
            public.click("button:has-text('Đăng ký')")
            public.wait_for_selector(".success-box")
            assert public.locator(".success-box .qr svg").count() == 1
            self_token = public.inner_text(".success-box code").strip()
            shot("seed-003-4b-self-registration-qr", public)
        finally:
            context.close()
        self_reg = Registration.objects.get(qr_token=self_token)
        assert (self_reg.full_name, self_reg.source, self_reg.slot.unit_id, self_reg.late) == (
            "Bế Thị Thu Hà",
            RegistrationSource.SELF,
            None,
            False,
        )
        assert self_reg.donor.phone == "+84912468357"
    assert console_errors == []
