"""The editor and publisher groups, and revision 1 of every translation stored before editing
existed (its imported, published content)."""
from django.db import migrations
from django.utils import timezone

ROLES = {"editor": ["edit_articles"], "publisher": ["edit_articles", "publish_articles"]}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))


def first_revisions(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Translation = apps.get_model("articles", "Translation")
    Revision = apps.get_model("articles", "Revision")
    links = Translation.products.through.objects
    products = {}
    for translation_id, name in links.values_list("translation_id", "product__name"):
        products.setdefault(translation_id, []).append(name)
    now = timezone.now()
    batch = []
    for row in Translation.objects.filter(latest_revision=0).values(
            "id", "title", "description", "keywords", "body", "source_path", "imported_at").iterator(chunk_size=1000):
        batch.append(Revision(translation_id=row["id"], number=1, created_at=row["imported_at"] or now,
                              import_path=row["source_path"] or "(imported)", title=row["title"],
                              description=row["description"], keywords=row["keywords"],
                              products=products.get(row["id"], []), body=row["body"]))
        if len(batch) >= 1000:
            Revision.objects.bulk_create(batch)
            batch = []
    Revision.objects.bulk_create(batch)
    Translation.objects.filter(latest_revision=0).update(latest_revision=1, published_revision=1, shown_revision=1)
    languages = {}
    for article_id, language in Translation.objects.values_list("article_id", "language"):
        languages.setdefault(article_id, []).append(language)
    for article in Article.objects.filter(source_language=""):
        found = languages.get(article.id, [])
        if found:
            article.source_language = "en" if "en" in found else sorted(found)[0]
            article.save(update_fields=["source_language"])
            # Imported together: every translation was made from the source as it is now.
            Translation.objects.filter(article=article).exclude(language=article.source_language).update(
                source_revision=1)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_editing"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(first_revisions, migrations.RunPython.noop),
    ]
