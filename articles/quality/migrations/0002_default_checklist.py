"""The checklist kb ships (``quality.defaults``), and the coaches' group: it may edit articles
and score them."""
from django.db import migrations


def install(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from articles.quality.defaults import QUESTIONS

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Question = apps.get_model("quality", "Question")
    for position, (key, msgid, weight, check) in enumerate(QUESTIONS, start=1):
        Question.objects.get_or_create(key=key, defaults={"msgid": msgid, "weight": weight, "position": position * 10,
                                                          "automatic_check": check})
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    coach, _ = Group.objects.get_or_create(name="coach")
    coach.permissions.add(*Permission.objects.filter(content_type__app_label="articles", codename="edit_articles"),
                          *Permission.objects.filter(content_type__app_label="quality", codename="score_articles"))


class Migration(migrations.Migration):
    dependencies = [
        ("quality", "0001_initial"),
        ("articles", "0004_roles_and_first_revisions"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
