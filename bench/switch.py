"""Two datasets in one process: each with its own connection and its own cache keys.

Django's `connection` and `cache` are proxies to `connections["default"]` and
`caches["default"]` of the current thread; `Dataset.activate()` swaps both, so requests
made through the test client after it read that database and its cache entries (a page
cached from one dataset must never be served for the other). Each dataset keeps its
connection open between requests: switching costs nothing, so requests to both can
alternate one by one.
"""

import copy


class Dataset:
    def __init__(self, name: str):
        from django.core.cache import caches
        from django.db import connections

        self.name = name
        settings_dict = copy.deepcopy(connections.settings["default"])
        settings_dict["NAME"] = name
        backend = type(connections["default"])
        self.connection = backend(settings_dict, "default")
        self.cache = caches.create_connection("default")
        self.cache.key_prefix = f"{self.cache.key_prefix}:{name}"

    def activate(self) -> None:
        from django.core.cache import caches
        from django.db import connections

        connections["default"] = self.connection
        caches["default"] = self.cache

    def close(self) -> None:
        self.connection.close()
