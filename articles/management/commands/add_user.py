import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.editing.permissions import ROLES, role_group


class Command(BaseCommand):
    help = ("Create or update a user in the editor or publisher role. The password comes from "
            "the environment variable KB_PASSWORD, else an interactive prompt.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--email", default="")

    def handle(self, *args, username, role, email, **options):
        password = os.environ.get("KB_PASSWORD") or self._prompt()
        User = get_user_model()
        user = User.objects.filter(username=username).first() or User(username=username)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("password refused: " + " ".join(error.messages)) from None
        created = user.pk is None
        user.email = email or user.email
        user.is_active = True
        user.set_password(password)
        user.save()
        user.groups.remove(*Group.objects.filter(name__in=ROLES))
        user.groups.add(role_group(role))
        self.stdout.write(f"{'created' if created else 'updated'} {username} as {role}")

    def _prompt(self):
        try:
            first = getpass.getpass("Password: ")
            second = getpass.getpass("Password (again): ")
        except (EOFError, KeyboardInterrupt):
            raise CommandError("no password: set KB_PASSWORD or run in a terminal") from None
        if first != second:
            raise CommandError("the two passwords differ")
        if not first:
            raise CommandError("empty password")
        return first
