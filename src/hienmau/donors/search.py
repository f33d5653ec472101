"""Pages of a donor list in Vietnamese order (given name first) that stay fast with a million donors.

Sorting every match is what costs: "nguyen" matches one donor in fifteen, and PostgreSQL read and sorted
66.000 rows for a page of 50 (about 150 ms; bench/donors.py). Walking the (given name, name, id) index
in order instead finds a page at once when matches are common, but hunts through the whole index when
they cluster late (the given name "Yến": 5 s). So a page is found in three ways:

1. A list without a query, or a one-word query, first walks the first WALK_ROWS entries of the
   covering index of active donors in order (no table reads on PostgreSQL) and keeps those whose name
   has the word. If the list's other filters leave a whole page among them, that is the page: any
   other match sorts after them.
2. Otherwise, and for queries of several words, the matches are split by where the words are: for
   each word, donors whose given name starts with it (a range of the same index, read in order and
   filtered by the other words), and donors with every word among their other names (a trigram lookup
   on other_names_search, which holds no given names). Each part is small or ordered; a page is the
   start of their merge. For several words the first 1.001 are found once, for the count and pages.
3. A phone number or CCCD finds a handful of donors, sorted once.

Counts stop at COUNT_LIMIT: "more than 1.000" is all a list page needs to say, and counting 66.000
matches costs as much as sorting them.
"""

from __future__ import annotations

import functools
import heapq
from collections.abc import Callable

from django.db import connection

from hienmau.core.lib.text import fold
from hienmau.donors.models import VIETNAMESE_ORDER, Donor, DonorQuerySet, is_number_query, name_word_condition

WALK_ROWS = 30_000
MAX_CANDIDATES = 1000
COUNT_LIMIT = 1000


class DonorListResults:
    """What Paginator needs (count() and slices) for a list of active donors, optionally searched.

    `donors` holds the list's other filters (scope, blood group); `decorate` adds what the page shows
    (select_related, annotations) to the page's rows only.
    """

    def __init__(
        self,
        donors: DonorQuerySet,
        query: str = "",
        decorate: Callable[[DonorQuerySet], DonorQuerySet] = lambda donors: donors,
    ):
        self.donors = donors.active()  # merged and erased records are never listed (the walk's index holds neither)
        self.query = (query or "").strip()
        self.words = [] if is_number_query(self.query) else fold(self.query).split()
        self.matches = self.donors.search(self.query) if self.query else self.donors
        self.decorate = decorate

    @functools.cached_property
    def _first_matches(self) -> list[int] | None:
        """For a phone number, a CCCD or several words: the first COUNT_LIMIT + 1 matches, found once
        for the count and every page (see the module's notes). None for lists walked page by page."""
        if self.query and not self.words:
            return self._sorted(self.matches, 0, COUNT_LIMIT + 1)
        if len(self.words) > 1:
            return self._merged_by_given_name(0, COUNT_LIMIT + 1)
        return None

    def count(self) -> int:
        """The number of matches, up to COUNT_LIMIT + 1 ("more than COUNT_LIMIT")."""
        if self._first_matches is not None:
            return len(self._first_matches)
        return self.matches.order_by()[: COUNT_LIMIT + 1].count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Donor]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("donor lists are read by page (a slice)")
        start, stop = index.start or 0, index.stop
        keys = self.page_keys(start, stop - start)
        found = {donor.pk: donor for donor in self.decorate(Donor.objects.filter(pk__in=keys))}
        return [found[key] for key in keys if key in found]

    def page_keys(self, offset: int, limit: int) -> list[int]:
        """Primary keys of the matches offset … offset + limit, in Vietnamese order."""
        if self._first_matches is not None and (
            offset + limit <= len(self._first_matches) or len(self._first_matches) <= COUNT_LIMIT
        ):
            return self._first_matches[offset : offset + limit]
        if self.query and not self.words:
            return self._sorted(self.matches, offset, limit)
        if len(self.words) > 1:
            return self._merged_by_given_name(offset, limit)
        walked = self._walk(offset + limit)
        if walked is not None:
            return walked[offset : offset + limit]
        if not self.words:
            return self._sorted(self.donors, offset, limit)
        return self._merged_by_given_name(offset, limit)

    @staticmethod
    def _sorted(donors: DonorQuerySet, offset: int, limit: int) -> list[int]:
        return list(donors.vietnamese_order().values_list("pk", flat=True)[offset : offset + limit])

    def _walk(self, wanted: int) -> list[int] | None:
        """The first `wanted` matches if they lie among the first WALK_ROWS donors in order, else None.

        The walk reads the covering (given name, name, id; other names) index only: 30.000 entries take a
        few milliseconds, and the list's own filters (scope, active, blood group) then run on the few
        matching keys.
        """
        if wanted > MAX_CANDIDATES // 2:
            return None
        table = connection.ops.quote_name(Donor._meta.db_table)
        like = "LIKE %s ESCAPE '\\'"
        conditions = (
            " AND ".join(f"(given_name_folded {like} OR other_names_search {like})" for _ in self.words) or "1 = 1"
        )
        params: list = [WALK_ROWS]
        for word in self.words:
            escaped = connection.ops.prep_for_like_query(word)
            params += [f"{escaped}%", f"% {escaped}%"]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM (SELECT id, given_name_folded, name_folded, other_names_search FROM "
                f"{table} WHERE merged_into_id IS NULL AND erased_at IS NULL "
                "ORDER BY given_name_folded, name_folded, id LIMIT %s) AS walk "
                f"WHERE {conditions} ORDER BY given_name_folded, name_folded, id LIMIT %s",
                params + [MAX_CANDIDATES],
            )
            candidates = [key for (key,) in cursor.fetchall()]
        if not candidates:
            return None
        matches = self._sorted(self.donors.filter(pk__in=candidates), 0, wanted)
        return matches if len(matches) == wanted else None

    def _merged_by_given_name(self, offset: int, limit: int) -> list[int]:
        """A donor's given name starts with one of the words, or their other names hold them all.

        For each word, the donors whose given name starts with it (and whose name has the other words)
        are a range of the order index, read in order; the donors with every word among their family
        and middle names come from the trigram index. Each part gives its first offset + limit rows,
        and the page is the start of their merge.
        """
        wanted = offset + limit
        columns = ("given_name_folded", "name_folded", "pk")
        words = list(dict.fromkeys(self.words))
        parts = []
        for word in words:
            part = self.donors.filter(given_name_folded__startswith=word)
            for other in words:
                if other != word:
                    part = part.filter(name_word_condition(other))
            parts.append(part.order_by(*VIETNAMESE_ORDER).values_list(*columns)[:wanted])
        other_names = self.donors
        for word in words:
            other_names = other_names.filter(other_names_search__contains=" " + word)
        parts.append(other_names.vietnamese_order().values_list(*columns)[:wanted])
        keys: list[int] = []
        for *_, pk in heapq.merge(*(list(part) for part in parts)):
            if not keys or keys[-1] != pk:
                keys.append(pk)
        return keys[offset : offset + limit]
