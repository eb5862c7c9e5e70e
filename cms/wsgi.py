import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

application = get_wsgi_application()

# Held while this process lives: `manage.py restore` refuses to run under a serving site.
from cms.backups.serving import hold_serving_lock  # noqa: E402

hold_serving_lock()
