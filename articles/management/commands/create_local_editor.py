"""Create the local demo editor account, once, with a random password printed once.

Used by ``make run``. Does nothing when any superuser already exists, so a real
newsroom's accounts are never touched and no password is ever fixed in code. A password
of one's own can come from NEWSROOM_LOCAL_EDITOR_PASSWORD; it must pass the password
rules (AUTH_PASSWORD_VALIDATORS), like every password set in admin.
"""

import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

PASSWORD_VARIABLE = "NEWSROOM_LOCAL_EDITOR_PASSWORD"


class Command(BaseCommand):
    help = "Create a local 'editor' superuser with a random password if no superuser exists."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                "An admin account already exists; no new one created. "
                "Forgot the password? Run: .venv/bin/python manage.py changepassword USERNAME"
            )
            return
        chosen = os.environ.get(PASSWORD_VARIABLE, "")
        password = chosen or secrets.token_urlsafe(16)
        try:
            validate_password(password, User(username=username))
        except ValidationError as error:
            raise CommandError(
                f"{PASSWORD_VARIABLE} is refused: " + " ".join(error.messages)
            ) from error
        User.objects.create_superuser(username=username, email="", password=password)
        if chosen:
            self.stdout.write(self.style.SUCCESS(f"Created the local admin account {username}."))
            return
        self.stdout.write(
            self.style.SUCCESS("Created the local admin account. This password is shown only once:")
        )
        self.stdout.write(f"  user:     {username}\n  password: {password}")
