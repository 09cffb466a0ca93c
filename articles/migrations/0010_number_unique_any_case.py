"""Article numbers become unique whatever their case. Numbers stored before that differ from an
older one only by case (two creates racing) are renumbered ``<number>-<id>`` first, so no
article is lost: the older keeps its number; the renumbering is logged."""
import logging

from django.db import migrations, models
from django.db.models.functions import Upper

logger = logging.getLogger("articles.migrations")


def renumber_case_duplicates(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    taken = {}
    for pk, number in Article.objects.order_by("pk").values_list("pk", "number"):
        key = number.upper()
        if key not in taken:
            taken[key] = number
            continue
        new = f"{number[:90]}-{pk}"
        while new.upper() in taken:
            new = f"{new[:95]}-x"
        Article.objects.filter(pk=pk).update(number=new)
        taken[new.upper()] = new
        logger.warning("article %s differed from %s only by case: renumbered %s", number, taken[key], new)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0009_doc_tree"),
    ]

    operations = [
        migrations.RunPython(renumber_case_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.UniqueConstraint(Upper("number"), name="one_article_per_number_any_case"),
        ),
    ]
