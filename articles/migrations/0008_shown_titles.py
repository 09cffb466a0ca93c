"""Titles and descriptions as readers see them: inline syntax such as ``[!UICONTROL x]`` out of
the shown columns (revisions and front matter keep the source), and a description that is only
the word "Description" left empty."""
from django.db import migrations


def show_titles(apps, schema_editor):
    from articles.rendering.text import inline_text, shown_description

    Translation = apps.get_model("articles", "Translation")
    changed = []
    for row in Translation.objects.only("id", "title", "description").iterator(chunk_size=500):
        title, description = inline_text(row.title) or row.title, shown_description(row.description)
        if (title, description) != (row.title, row.description):
            row.title, row.description = title, description
            changed.append(row)
    Translation.objects.bulk_update(changed, ["title", "description"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_translation_doc_path")]
    operations = [migrations.RunPython(show_titles, migrations.RunPython.noop)]
