"""The locust users of `python -m bench load` (bench/load.py prepares the data and runs this headless).

The plan (drives, accounts, the public drive's token) comes from the JSON file named by HIENMAU_LOAD_PLAN,
read when the run starts, so this module imports without it. Every request goes through
`Client.url(key)`, a key of bench.load.ENDPOINTS that the user class lists in `endpoints`.

Importing locust patches the standard library for gevent: never import this module into the test run
(tests/test_bench_load.py imports it in a child process).
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import re
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, constant, events, task

from bench.load import BURST_AT, BURST_SECONDS, BURST_VISITORS, CHECKIN_CLIENTS, DASHBOARD_READERS, ENDPOINTS, PLAN_ENV
from hienmau.reports.lib import synthetic

POLL_SECONDS = 5  # the check-in page's counter: hx-trigger="every 5s"
PERSON_SECONDS = 10  # a registrant per desk every 10 s (a real desk: one every 30–60 s)
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SLOT_OPTION = re.compile(r'<option value="(\d+)"')

_plan: dict = {}
_rng = random.Random()
_desks = itertools.count()
_readers = itertools.count()
_started = time.monotonic()
counters = {"not_eligible": 0, "limited": 0, "accepted_one_address": 0}


def plan() -> dict:
    if not _plan:
        _plan.update(json.loads(Path(os.environ[PLAN_ENV]).read_text(encoding="utf-8")))
    return _plan


@events.test_start.add_listener
def _start(environment, **kwargs):
    global _started
    _started = time.monotonic()


@events.quitting.add_listener
def _write_counters(environment, **kwargs):
    if os.environ.get(PLAN_ENV):
        Path(os.environ[PLAN_ENV]).with_name("counters.json").write_text(json.dumps(counters), encoding="utf-8")


def _elapsed() -> float:
    return time.monotonic() - _started


class Client(HttpUser):
    abstract = True
    endpoints: tuple[str, ...] = ()

    def url(self, key: str, **fields) -> str:
        if key not in self.endpoints:
            raise KeyError(f"{type(self).__name__} does not list the endpoint {key!r}")
        return ENDPOINTS[key][1].format(**fields)

    def get(self, key: str, params: dict | None = None, headers: dict | None = None, **fields):
        """A signed-in page: anything but a 200 (a redirect to the login or its code step) is an error."""
        with self.client.get(
            self.url(key, **fields),
            params=params,
            headers=headers,
            name=key,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
            return response

    def signed_in(self, cookies: dict) -> None:
        """The session bench/load.py opened through the login page before the run (sign_in)."""
        host = urlsplit(self.host).hostname
        for name, value in cookies.items():  # as the server set them, so that its answers replace them
            self.client.cookies.set(name, value, domain=host, path="/")
        self.csrf = cookies["csrftoken"]


class CheckInClient(Client):
    """A desk at one of today's drives, paced as its page runs (drives/static/drives/checkin.js): the
    counter polled every 5 s; a registrant every PERSON_SECONDS (a search as typed, the outbox's outcome,
    the counter refreshed at once and the snapshot on the next poll). Each desk takes its own share of
    the drive's registrants, so two desks never record the same person."""

    fixed_count = CHECKIN_CLIENTS
    wait_time = constant(POLL_SECONDS)
    endpoints = (
        "checkin page",
        "checkin search",
        "checkin snapshot",
        "checkin counter",
        "checkin outcome",
    )

    def on_start(self):
        number = next(_desks)
        desks = plan()["checkin"]
        self.drive = desks[number]["drive"]
        self.htmx = {"HX-Request": "true"}
        self.cycle = random.randrange(PERSON_SECONDS // POLL_SECONDS)
        self.snapshot_due = False
        self.signed_in(plan()["sessions"]["checkin"][number])
        self.get("checkin page", pk=self.drive)
        snapshot = self.get("checkin snapshot", pk=self.drive).json()
        drives = len(plan()["drives"])  # desk n works at drive n mod drives (bench/load.py)
        per_drive = -(-CHECKIN_CLIENTS // drives)
        position = number // drives
        self.queue = [
            r
            for n, r in enumerate(snapshot["registrations"])
            if n % per_drive == position and r["status"] == "registered"
        ]

    @task
    def poll(self):
        self.cycle += 1
        if self.snapshot_due:
            self.snapshot_due = False
            self.get("checkin snapshot", pk=self.drive)
        if self.queue and self.cycle % (PERSON_SECONDS // POLL_SECONDS) == 0:
            self.next_person()
        self.counter()

    def next_person(self):
        registration = self.queue.pop(0)
        query = registration["folded"].split()[-1][:4]  # the given name as typed, without diacritics
        self.get("checkin search", params={"q": query}, headers=self.htmx, pk=self.drive)
        roll = random.random()
        if roll < 0.85:
            outcome = {"outcome": "donated", "volume_ml": 350, "component": "whole_blood"}
        elif roll < 0.95:
            outcome = {"outcome": "deferred", "deferral_reason": "Huyết sắc tố thấp"}
        else:
            outcome = {"outcome": "no_show"}
        answer = self._send({"registration": registration["id"], **outcome})
        if answer == 422:  # the rules refuse a donation: the desk records the deferral the page suggests
            counters["not_eligible"] += 1
            self._send(
                {"registration": registration["id"], "outcome": "deferred", "deferral_reason": "Chưa đủ điều kiện"}
            )
        self.snapshot_due = True

    def _send(self, data: dict) -> int:
        headers = {"X-CSRFToken": self.csrf}
        body = {"client_event_id": uuid.uuid4().hex, **data}
        with self.client.post(
            self.url("checkin outcome", pk=self.drive),
            json=body,
            headers=headers,
            name="checkin outcome",
            catch_response=True,
        ) as response:
            # 422 with `override`: the rules refuse the donation, the page offers a physician's permission.
            expected = 422 if response.status_code == 422 and response.json().get("override") else 200
            if response.status_code == expected and (expected == 422 or response.json().get("ok")):
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")
            return response.status_code

    def counter(self):
        self.get("checkin counter", headers=self.htmx, pk=self.drive)


class DashboardReader(Client):
    """The province's officer or leader watching the day: the home page and the reports."""

    fixed_count = DASHBOARD_READERS
    wait_time = between(5, 15)
    endpoints = ("home (dashboard)", "reports overview", "unit achievement", "drive list")

    def on_start(self):
        self.signed_in(plan()["sessions"]["dashboard"][next(_readers)])

    @task(3)
    def home(self):
        self.get("home (dashboard)")

    @task(2)
    def overview(self):
        self.get("reports overview")

    @task(1)
    def province(self):
        self.get("unit achievement", pk=plan()["province"])

    @task(1)
    def drives(self):
        self.get("drive list")


def _person() -> dict:
    """A new person as `hienmau bench seed` makes them (reports/lib/synthetic.py), typed into the form."""
    sex = random.choice(("M", "F"))
    born = datetime.date.today() - datetime.timedelta(days=random.randint(19 * 366, 55 * 365))
    return {
        "full_name": synthetic.person_name(_rng, sex),
        "date_of_birth": f"{born:%d/%m/%Y}",
        "sex": sex,
        "phone": synthetic.mobile_phone(_rng),
        "address": "",
        "kind": "direct",
        "last_donation": "",
        "consent": "on",
    }


class SignUpVisitor(Client):
    """Someone who followed the drive's link from a post: opens the page and signs up once. Each visit is a
    new phone (new cookies, a new address in X-Forwarded-For). Active during the burst only."""

    fixed_count = BURST_VISITORS
    wait_time = between(3, 8)  # reading the page and filling the form
    endpoints = ("sign-up page", "sign-up")
    post_name = "sign-up"

    def wait_for_burst(self) -> bool:
        if _elapsed() < BURST_AT:
            time.sleep(BURST_AT - _elapsed())
        return _elapsed() < BURST_AT + BURST_SECONDS

    def form(self, headers: dict) -> dict | None:
        """The page's form filled in by a new person, or None when the page did not offer it."""
        url = self.url("sign-up page", token=plan()["token"])
        with self.client.get(url, headers=headers, name="sign-up page", catch_response=True) as page:
            slot, token = SLOT_OPTION.search(page.text), CSRF_INPUT.search(page.text)
            if not slot or not token:
                page.failure(f"{page.status_code}: no form on the sign-up page")
                return None
        return {"slot": slot.group(1), "csrfmiddlewaretoken": token.group(1)}

    def sign_up(self, headers: dict, fields: dict) -> None:
        url = self.url(self.post_name, token=plan()["token"])
        data = {**_person(), **fields}
        with self.client.post(url, data=data, headers=headers, name=self.post_name, catch_response=True) as response:
            self.answered(response)

    def answered(self, response) -> None:
        if response.status_code == 200 and "<svg" in response.text:  # the registration's QR code
            response.success()
        else:
            response.failure(f"{response.status_code}: no registration in the answer")

    @task
    def visit(self):
        if not self.wait_for_burst():
            time.sleep(1)
            return
        headers, fields = self.prepare()
        if fields is not None:
            self.sign_up(headers, fields)

    def prepare(self) -> tuple[dict, dict | None]:
        """A new phone: no cookies yet, its own address."""
        self.client.cookies.clear()
        headers = {"X-Forwarded-For": f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"}
        return headers, self.form(headers)


class OneAddress(SignUpVisitor):
    """One address posting the form again and again for the whole run (a script, or a prank): it meets the
    per-address limit; the 429 in Vietnamese is the designed answer (counted apart), anything else an error."""

    fixed_count = 1
    wait_time = between(0.2, 0.5)
    endpoints = ("sign-up page", "sign-up, one address")
    post_name = "sign-up, one address"
    headers = {"X-Forwarded-For": "203.0.113.7"}
    fields: dict | None = None

    def wait_for_burst(self) -> bool:
        return True

    def prepare(self) -> tuple[dict, dict | None]:
        """The same cookies, address and form each time (the page is read once)."""
        if self.fields is None:
            self.fields = self.form(self.headers)
        return self.headers, self.fields

    def answered(self, response) -> None:
        if response.status_code == 429 and "Retry-After" in response.headers:
            counters["limited"] += 1
            response.success()
        else:
            counters["accepted_one_address"] += 1
            super().answered(response)
