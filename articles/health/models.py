"""What keeps an article trustworthy, beside its content: data only.

``ArticleHealth`` is one row per article (made with the article by the editing service; a
daily run adds any missing one): its owner, a user or a group of editors, never both.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q


class ArticleHealth(models.Model):
    article = models.OneToOneField("articles.Article", primary_key=True, related_name="health",
                                   on_delete=models.CASCADE)
    owner_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="owned_articles")
    owner_group = models.ForeignKey("auth.Group", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="owned_articles")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(owner_user__isnull=True) | Q(owner_group__isnull=True),
                                              name="health_one_owner")]

    def __str__(self):
        return f"{self.article_id}: {self.owner_name or '-'}"

    @property
    def owner_name(self):
        """The owner's user or group name; "" when nobody owns the article."""
        if self.owner_user_id:
            return self.owner_user.get_username()
        return self.owner_group.name if self.owner_group_id else ""
