import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('articles', '0011_real_error_codes'),
        ('health', '0004_daily_runs'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Digest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('made_at', models.DateTimeField()),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('count', models.PositiveIntegerField(default=0)),
                ('language', models.CharField(max_length=20)),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notification_digests', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-day', 'recipient'],
                'constraints': [models.UniqueConstraint(fields=('recipient', 'day'), name='notify_one_digest_per_day')],
            },
        ),
        migrations.CreateModel(
            name='Preferences',
            fields=[
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='notification_preferences', serialize=False, to=settings.AUTH_USER_MODEL)),
                ('modes', models.JSONField(blank=True, default=dict)),
                ('language', models.CharField(blank=True, max_length=20)),
                ('editor_language', models.CharField(blank=True, max_length=20)),
            ],
        ),
        migrations.CreateModel(
            name='Notification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('waiting_for_review', 'An article is waiting for review'), ('sent_back', 'Your article was sent back'), ('published', 'Your article was published'), ('flagged', 'An article you own was reported'), ('task_assigned', 'A task was given to you'), ('review_due', 'An article you own is due for review')], max_length=30)),
                ('delivery', models.CharField(choices=[('in_app', 'In the inbox only'), ('immediate', 'Inbox and an e-mail at once'), ('digest', 'Inbox and the daily digest e-mail')], max_length=20)),
                ('detail', models.CharField(blank=True, max_length=40)),
                ('comment', models.TextField(blank=True)),
                ('created_at', models.DateTimeField()),
                ('read_at', models.DateTimeField(blank=True, null=True)),
                ('emailed_at', models.DateTimeField(blank=True, null=True)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('article', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='articles.article')),
                ('digest', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='notifications', to='notifications.digest')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
                ('task', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='health.task')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['recipient', '-created_at', '-id'], name='notify_inbox'), models.Index(condition=models.Q(('read_at__isnull', True)), fields=['recipient'], name='notify_unread'), models.Index(condition=models.Q(('emailed_at__isnull', True), models.Q(('delivery', 'in_app'), _negated=True)), fields=['recipient'], name='notify_owed')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('kind', 'review_due')), fields=('recipient', 'task'), name='notify_one_reminder_per_task')],
            },
        ),
    ]
