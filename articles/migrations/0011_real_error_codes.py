"""Every translation's error codes read again by ``search.codes`` as it reads them now (only
real codes: no piece of an id, cipher name, ticket number in prose or prefix of a code), as a
save derives them from the title, description, keywords and body; each changed translation is
journalled, so every server's index follows."""
from django.db import migrations
from django.utils import timezone


def read_codes_again(apps, schema_editor):
    from articles.search.codes import extract_error_codes

    Translation = apps.get_model("articles", "Translation")
    changed = []
    rows = Translation.objects.only("id", "title", "description", "keywords", "body", "error_codes")
    for row in rows.iterator(chunk_size=500):
        text = "\n".join([row.title, row.description, " ".join(row.keywords or []), row.body])
        codes = [list(pair) for pair in extract_error_codes(text)]
        if codes != row.error_codes:
            row.error_codes = codes
            changed.append(row)
    Translation.objects.bulk_update(changed, ["error_codes"], batch_size=500)
    journal(apps, [row.pk for row in changed])


def journal(apps, translation_ids):
    """``search.sync.record_change(ids, SAVE)`` with this migration's models (a migration cannot call
    it: the models it would use are the current ones)."""
    if not translation_ids:
        return
    JournalHead = apps.get_model("search", "JournalHead")
    JournalEntry = apps.get_model("search", "JournalEntry")
    head, _ = JournalHead.objects.select_for_update().get_or_create(pk=1)
    first, now = head.last_id + 1, timezone.now()
    JournalEntry.objects.bulk_create([
        JournalEntry(id=first + offset, created_at=now, translation_id=pk, reason="save")
        for offset, pk in enumerate(translation_ids)], batch_size=500)
    head.last_id = first + len(translation_ids) - 1
    head.save(update_fields=["last_id"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_number_unique_any_case"), ("search", "0002_related_articles")]
    operations = [migrations.RunPython(read_codes_again, migrations.RunPython.noop)]
