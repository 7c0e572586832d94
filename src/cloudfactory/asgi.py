import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudfactory.settings")
django.setup(set_prefix=False)

from cloudfactory.web.asgi import RequestThreadHandler  # noqa: E402

application = RequestThreadHandler()
