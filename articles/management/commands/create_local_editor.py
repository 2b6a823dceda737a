"""Create the local demo editor account, once, with a random password printed once.

Used by ``make run``. Does nothing when any superuser already exists, so a real
newsroom's accounts are never touched and no password is ever fixed in code.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


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
        password = secrets.token_urlsafe(16)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS("Created the local admin account. This password is shown only once:")
        )
        self.stdout.write(f"  user:     {username}\n  password: {password}")
