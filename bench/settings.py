"""The production settings, plus the benchmark's bare view (bench/urls.py).

gunicorn serves the app with DJANGO_SETTINGS_MODULE=bench.settings: the same apps,
middleware, database, cache and logging as config.settings; only the URLconf adds
/bench/bare/.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
