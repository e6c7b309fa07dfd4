"""The WSGI application that ``gongzhi serve`` (granian or gunicorn) runs in each process.

After the application is loaded, the objects it made (modules, URL patterns, templates,
translations: several hundred thousand) are moved out of the cyclic garbage collector's
sight (``gc.freeze``), and a young generation is collected after 10,000 allocations
instead of 700. Under load the collector otherwise took about a tenth of the web
processes' CPU, walking objects that live as long as the process
(``perf`` of the vote benchmark, docs/decisions.md). ``GONGZHI_GC_FREEZE=0`` keeps
Python's defaults.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
application = get_wsgi_application()

if os.environ.get("GONGZHI_GC_FREEZE", "1") != "0":
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(10_000, middle, old)
