"""Every page the demo accounts can reach shows words, never developer text, and never a button behind
which the same user gets a 403 (issue 12, "Words a person understands")."""

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import django
import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import translation

from hienmau.core.labels import FINDING_LABELS, VERDICT_LABELS, bucket_label
from hienmau.orgs.demo import DEMO_USERS

ACCOUNTS = [demo.username for demo in DEMO_USERS]
SKIP = ("/logout", "/accounts/logout", "/static/", "/media/", "/i18n/", "/admin/")
PER_PATTERN = 2  # pages per URL shape (digits folded), so that a list of 500 donors is two visits
CODES = sorted((set(FINDING_LABELS) | set(VERDICT_LABELS)) - {"ok", "file", "header", "missing", "reference"})
DEVELOPER_TEXT = [
    (re.compile(r"\b(month|round):\d+\b"), "raw bucket key"),
    (re.compile(r"\b(" + "|".join(CODES) + r")\b"), "finding code"),
    (re.compile(r"\bNone\b"), "None"),
    (re.compile(r"\b(This field is required|Select a valid choice|Enter a valid|Null characters)\b"), "English"),
]


class _Page(HTMLParser):
    """The text a person reads (no script or style), and the links and GET forms they can follow."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "option" or tag == "input" and attributes.get("type") in ("submit", "button"):
            self.text.append(attributes.get("value") or "" if tag == "input" else "")
        for name in ("title", "placeholder", "aria-label"):
            if attributes.get(name):
                self.text.append(attributes[name])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _no_arg_urls() -> list[str]:
    """Every named URL without arguments: pages that no link leads to are still pages."""
    urls = []
    for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items():
        for name in resolver.reverse_dict:
            if isinstance(name, str):
                try:
                    urls.append(reverse(f"{namespace}:{name}"))
                except Exception:
                    continue
    return urls


def crawl(client: Client) -> tuple[list[str], dict[str, list[str]]]:
    """Visit what the user can reach; return the pages seen and the problems per page."""
    queue = deque(["/", *_no_arg_urls()])
    seen: set[str] = set()
    shapes: dict[str, int] = {}
    problems: dict[str, list[str]] = {}
    linked_from: dict[str, str] = {}
    while queue:
        url = urldefrag(queue.popleft())[0]
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not url.startswith("/") or url.startswith(SKIP) or url in seen:
            continue
        shape = _shape(parts.path)
        if shapes.get(shape, 0) >= PER_PATTERN:
            continue
        seen.add(url)
        shapes[shape] = shapes.get(shape, 0) + 1
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if response.status_code == 403 and url in linked_from:
            problems.setdefault(url, []).append(f"403 behind a link on {linked_from[url]}")
            continue
        if response.status_code >= 500 or (response.status_code == 404 and url in linked_from):
            problems.setdefault(url, []).append(f"status {response.status_code} (linked from {linked_from.get(url)})")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        text = " ".join(" ".join(page.text).split())
        for pattern, kind in DEVELOPER_TEXT:
            for match in pattern.finditer(text):
                around = text[max(0, match.start() - 60) : match.end() + 60]
                problems.setdefault(url, []).append(f"{kind}: …{around}…")
        for link in page.links:
            absolute = link if link.startswith("/") else (parts.path.rsplit("/", 1)[0] + "/" + link)
            linked_from.setdefault(urldefrag(absolute)[0], url)
            queue.append(absolute)
    return sorted(seen), problems


@pytest.fixture
def demo(db):
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.parametrize("username", ACCOUNTS)
def test_no_developer_text_and_no_dead_button_for_any_demo_account(demo, username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    with translation.override("vi"):
        pages, problems = crawl(client)
    assert len(pages) > 10, pages  # the crawl reached the app, not only the login page
    report = [f"{url}: {problem}" for url, found in sorted(problems.items()) for problem in found[:3]]
    assert report == [], "\n".join(report)


def test_bucket_keys_read_as_month_and_round():
    assert bucket_label("month:5") == "Tháng 5"
    assert bucket_label("round:2") == "Đợt II"


def _django_form_messages():
    """Django's own messages a form, a formset or a paginator can show, read from its English catalog."""
    catalog = Path(django.__file__).parent / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po"
    shown = re.compile(r"forms/(fields|models|formsets|utils|forms)\.py|core/validators\.py|core/paginator\.py")
    for block in catalog.read_text(encoding="utf-8").split("\n\n"):
        refs = " ".join(line for line in block.splitlines() if line.startswith("#:"))
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not shown.search(refs) or not msgid:
            continue
        text = "".join(re.findall(r'"(.*)"', msgid.group(1))).replace('\\"', '"')
        plural = re.search(r'^msgid_plural "(.*)"', block, re.M)
        if text and text not in (":", "…", "IPv4", "IPv6"):
            yield text, plural.group(1) if plural else None


def test_every_django_form_message_has_vietnamese():
    messages = list(_django_form_messages())
    assert len(messages) > 50  # the catalog was read
    with translation.override("vi"):
        english = [
            text
            for text, plural in messages
            if (translation.ngettext(text, plural, 2) if plural else translation.gettext(text)) == text
        ]
    assert english == []


def test_a_null_character_and_a_wrong_choice_are_refused_in_vietnamese():
    with translation.override("vi"):
        for field, value in ((forms.CharField(), "a\x00b"), (forms.ChoiceField(choices=[("a", "A")]), "b")):
            with pytest.raises(ValidationError) as refused:
                field.clean(value)
            assert not re.search(r"\b(Null|Select|choice)\b", " ".join(refused.value.messages))
        assert translation.gettext("Enter a whole number.") == "Nhập một số nguyên."


def test_the_english_catalog_has_every_string_translated():
    catalog = Path(__file__).resolve().parents[2] / "src" / "hienmau" / "locale" / "en" / "LC_MESSAGES" / "django.po"
    blocks = catalog.read_text(encoding="utf-8").split("\n\n")[1:]
    fuzzy = [block for block in blocks if "#, fuzzy" in block]
    empty = [block for block in blocks if re.search(r'^msgstr(\[0\])? ""$', block, re.M) and '\n"' not in block]
    assert fuzzy == [] and empty == []
    with translation.override("en"):
        assert bucket_label("month:5") == "Month 5" and bucket_label("round:2") == "Round II"
        assert str(FINDING_LABELS["unknown_unit"]) == "Unit not recognised (not saved)"
