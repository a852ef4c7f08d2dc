"""Rendered HTML of the statistics pages kept in the process (docs/adr/0010).

An indicator table read from the summary table is the same object for every request of its
stored version (`summaries._replay`); its rendered fragment (the section with the chart, the
table and the download links) is the same text too, as long as everything else it is rendered
from is the same. The caller's key must name all of it: the table's own key from
`SummaryState.keys` (the stored row, so the filter set and with it the scope of an
organisation-limited user; its computed_at and version; the language and day the table was
built in; the suppression), and what the template adds (the language, the script prefix and
the query string of the links). A table computed live has no key and is rendered each time.

A fragment is also tied to the very table object it was rendered from (`owner`): when the
process builds the table again (its copy was dropped), the fragment is rendered again, so a
fragment never outlives the table it shows even if a key were ever reused.

A least-recently-used store bounded by the characters kept; per process, like the tables.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.utils.safestring import SafeString

MAX_CHARS = 16_000_000  # about 16–64 MB of str per process: some hundreds of pages' tables


class FragmentStore:
    def __init__(self, max_chars: int = MAX_CHARS) -> None:
        self.max_chars = max_chars
        self._items: OrderedDict[Hashable, tuple[object, SafeString]] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_render(
        self, key: Hashable, owner: object, render: Callable[[], SafeString]
    ) -> SafeString:
        """The fragment kept under `key` for the same `owner` object, else `render()` kept."""
        with self._lock:
            item = self._items.get(key)
            if item is not None and item[0] is owner:
                self._items.move_to_end(key)
                self.hits += 1
                return item[1]
            self.misses += 1
        html = render()
        if len(html) > self.max_chars:
            return html
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._chars -= len(old[1])
            self._items[key] = (owner, html)
            self._chars += len(html)
            while self._chars > self.max_chars:
                _key, dropped = self._items.popitem(last=False)
                self._chars -= len(dropped[1])
        return html

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._chars = 0


TABLES = FragmentStore()
# The filter form of the statistics pages (`views._filters_html`): a few kilobytes each.
FORMS = FragmentStore(max_chars=2_000_000)
