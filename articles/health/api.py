"""The JSON API of ``articles.health``: thin views over the editing service
(``editing.health``), with the API's one error shape (``api.errors``) and typed schemas.

    GET|PUT /api/articles/<number>/owner/     {"user"?: name|null, "group"?: name|null} (PUT: publishers)
"""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ..api.articles import _valid
from ..api.schema import EDITOR, FIELDS, JSON_BODY, RequestBody, error_responses, number_parameter
from ..editing import health as care
from ..editing.permissions import require_edit
from ..editing.queries import get_article

NOT_FOUND = {404: ["not_found"]}
OWNER_ERRORS = {400: ["unknown_user", "not_an_editor", "unknown_group", "one_owner"]}


class OwnerOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["user", "group"])
    name = serializers.CharField()


class ArticleOwner(serializers.Serializer):
    number = serializers.CharField()
    owner = OwnerOut(allow_null=True, help_text="null: nobody owns the article.")


class OwnerIn(RequestBody):
    user = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=150,
                                 help_text="A user who may edit articles.")
    group = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=150,
                                  help_text="A group of editors. Give a user or a group; neither: no owner.")


@extend_schema(methods=["GET"], parameters=[number_parameter()],
               responses={200: ArticleOwner, **error_responses(EDITOR, NOT_FOUND)},
               description="Who owns the article (editors and publishers).")
@extend_schema(methods=["PUT"], parameters=[number_parameter()], request=OwnerIn,
               responses={200: ArticleOwner, **error_responses(EDITOR, JSON_BODY, FIELDS, OWNER_ERRORS, NOT_FOUND)},
               description="Give the article an owner, a user or a group, or none (publishers).")
@api_view(["GET", "PUT"])
@permission_classes([IsAuthenticated])
def owner(request, number):
    if request.method == "GET":
        require_edit(request.user)
        health = care.health_of(get_article(number, request.user))
    else:
        data = _valid(OwnerIn, request)
        health = care.set_owner(request.user, number, owner_user=data.get("user"), owner_group=data.get("group"))
    return Response({"number": health.article.number, "owner": owner_body(health)})


def owner_body(health):
    if health.owner_user_id:
        return {"kind": "user", "name": health.owner_user.get_username()}
    if health.owner_group_id:
        return {"kind": "group", "name": health.owner_group.name}
    return None
