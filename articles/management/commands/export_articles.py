from django.core.management.base import BaseCommand, CommandError

from articles.importing.export import export_translations


class Command(BaseCommand):
    help = "Write every translation back as front-matter markdown: OUTDIR/<language>/<number>.md"

    def add_arguments(self, parser):
        parser.add_argument("outdir")

    def handle(self, *args, outdir, **options):
        try:
            written = export_translations(outdir)
        except OSError as error:
            raise CommandError(f"{outdir}: {error}") from None
        self.stdout.write(f"{written} file(s) written to {outdir}")
