"""Flask extensions, created unbound and attached in `create_app`."""

from flask_compress import Compress
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

compress = Compress()
csrf = CSRFProtect()
htmx = HTMX()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Log in to continue."
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"
