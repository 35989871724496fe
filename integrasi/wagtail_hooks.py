"""The integration's screens in the Wagtail admin, registered concern by concern, in the
"Integrasi" menu group."""

from .admin.clients import register_clients
from .admin.menu import register_integrasi_menu
from .admin.siasn import register_siasn
from .admin.webhooks import register_webhooks

register_integrasi_menu()
register_clients()
register_webhooks()
register_siasn()
