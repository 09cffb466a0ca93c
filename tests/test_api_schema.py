"""The OpenAPI schema at /api/schema/: every operation's request body, parameters, typed
responses and error statuses, with the error shape; the languages and transitions as enums.
(tests/scripts/schemathesis_run.sh checks a running server against it.)"""
import re

from django.conf import settings
from django.core.management import call_command
import jsonschema
import pytest
from rest_framework.test import APIClient

from articles import textgate

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _ in settings.LANGUAGES]
STATUSES = ["wip", "not_validated", "validated", "archived"]
READ = {"200", "400", "401", "503"}  # anyone: bad parameter characters, a wrong token, no database
WRITE = {"400", "401", "403", "413", "415", "503"}  # a JSON body, signed in
# Every operation under /api/ and the statuses it documents.
OPERATIONS = {
    ("get", "/api/stats"): READ,
    ("get", "/api/search"): READ,
    ("get", "/api/suggest"): READ,
    ("post", "/api/triage"): READ | WRITE | {"429"},  # anonymous pastes past the limit
    ("get", "/api/analytics/searches/"): READ | {"403"},
    ("post", "/api/preview/"): WRITE | {"200"},
    ("post", "/api/articles/"): WRITE | {"201"},
    ("get", "/api/articles/{number}/"): READ | {"404"},
    ("post", "/api/articles/{number}/transitions/"): WRITE | {"200", "404", "409"},
    ("get", "/api/articles/{number}/translations/{lang}/"): READ | {"404"},
    ("put", "/api/articles/{number}/translations/{lang}/"): WRITE | {"200", "404", "409"},
    ("get", "/api/articles/{number}/translations/{lang}/revisions/"): READ | {"403", "404"},
    ("get", "/api/articles/{number}/translations/{lang}/revisions/{revision}/"): READ | {"403", "404"},
    ("post", "/api/articles/{number}/translations/{lang}/revisions/{revision}/restore/"):
        WRITE | {"200", "404", "409"},
    ("get", "/api/articles/{number}/translations/{lang}/diff/"): READ | {"403", "404"},
}
# Owners, reviews, flags and tasks (articles/health): no language parameter.
HEALTH = {
    ("get", "/api/articles/{number}/owner/"): READ | {"403", "404"},
    ("put", "/api/articles/{number}/owner/"): WRITE | {"200", "404"},
    ("get", "/api/articles/{number}/review/"): READ | {"403", "404"},
    ("put", "/api/articles/{number}/review/"): WRITE | {"200", "404"},
    ("get", "/api/articles/{number}/verifications/"): READ | {"403", "404"},
    ("post", "/api/articles/{number}/verifications/"): WRITE | {"201", "404", "409"},
    ("post", "/api/articles/{number}/flags/"): WRITE | {"201", "404"},
    ("get", "/api/tasks/"): READ | {"403"},
    ("get", "/api/tasks/{task_id}/"): READ | {"403", "404"},
    ("post", "/api/tasks/{task_id}/transitions/"): WRITE | {"200", "404", "409"},
    ("get", "/api/review-settings/"): READ | {"403"},
    ("put", "/api/review-settings/"): WRITE | {"200"},
}
OPERATIONS.update(HEALTH)
# Notifications (articles/notifications): the caller's own; the text of a notification in ?lang=.
NOTIFICATIONS = {
    ("get", "/api/notifications/"): READ | {"403"},
    ("get", "/api/notifications/{notification_id}/"): READ | {"403", "404"},
    ("post", "/api/notifications/{notification_id}/read/"): WRITE | {"200", "404"},
    ("post", "/api/notifications/read/"): WRITE | {"200"},
    ("get", "/api/notifications/preferences/"): READ | {"403"},
    ("put", "/api/notifications/preferences/"): WRITE | {"200"},
}
OPERATIONS.update(NOTIFICATIONS)
NOT_LANGUAGE_NOTIFICATIONS = {("post", "/api/notifications/read/"), ("get", "/api/notifications/preferences/"),
                              ("put", "/api/notifications/preferences/")}
# The Article Quality Index (articles/quality): only the checklist takes a language.
QUALITY = {
    ("get", "/api/quality/checklist/"): READ | {"403", "404"},
    ("get", "/api/quality/report/"): READ | {"403"},
    ("get", "/api/articles/{number}/scores/"): READ | {"403", "404"},
    ("post", "/api/articles/{number}/scores/"): WRITE | {"201", "404", "409"},
}
OPERATIONS.update(QUALITY)
NOT_LANGUAGE_QUALITY = set(QUALITY) - {("get", "/api/quality/checklist/")}
# Search before you create (issue 27): its languages are fields of its body.
SIMILAR = {("post", "/api/similar-articles"): WRITE | {"200"}}
OPERATIONS.update(SIMILAR)


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method, path, operation


def resolve(schema, node):
    """The schema a ``$ref`` (or an ``allOf`` of one) points to."""
    while "$ref" in node or (len(node.get("allOf", [])) == 1 and "$ref" in node["allOf"][0]):
        ref = node.get("$ref") or node["allOf"][0]["$ref"]
        node = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return node


def validator(schema, node):
    """A JSON Schema validator of ``node`` with the document's components (OpenAPI 3.0's
    ``nullable`` is read as JSON Schema's null type)."""
    def convert(value):
        if isinstance(value, dict):
            converted = {k: convert(v) for k, v in value.items() if k != "nullable"}
            if value.get("nullable"):
                converted = {"anyOf": [converted, {"type": "null"}]}
            return converted
        if isinstance(value, list):
            return [convert(v) for v in value]
        if isinstance(value, str) and value.startswith("#/components/schemas/"):
            return value.replace("#/components/schemas/", "#/$defs/")
        return value
    return jsonschema.Draft202012Validator({**convert(node), "$defs": convert(schema["components"]["schemas"])})


def test_the_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))


def test_every_api_operation_is_listed_with_the_statuses_it_documents(schema):
    documented = {(method, path): set(operation["responses"]) for method, path, operation in operations(schema)}
    assert documented == OPERATIONS


def test_every_error_response_has_the_error_shape(schema):
    error = resolve(schema, {"$ref": "#/components/schemas/Error"})
    assert error["required"] == ["error"]
    detail = resolve(schema, error["properties"]["error"])
    assert set(detail["properties"]) == {"code", "message", "field"}
    assert set(detail["required"]) == {"code", "message"}
    for method, path, operation in operations(schema):
        for status, response in operation["responses"].items():
            if status.startswith("2"):
                continue
            body = response["content"]["application/json"]["schema"]
            assert body["$ref"].endswith("/ConflictError" if status == "409" else "/Error"), (method, path, status)
            assert "Codes: `" in response["description"], (method, path, status)


def test_an_address_no_route_matches_is_documented_as_the_html_404_page(schema):
    for method, path, operation in operations(schema):
        if "{" in path:
            assert set(operation["responses"]["404"]["content"]) == {"application/json", "text/html"}


def test_every_success_response_is_a_typed_object(schema):
    for method, path, operation in operations(schema):
        for status, response in operation["responses"].items():
            if status.startswith("2"):
                body = resolve(schema, response["content"]["application/json"]["schema"])
                assert body["type"] == "object" and body["properties"] and body["required"], (method, path)


def test_every_write_operation_describes_its_request_body(schema):
    for method, path, operation in operations(schema):
        if method in ("post", "put"):
            body = resolve(schema, operation["requestBody"]["content"]["application/json"]["schema"])
            assert body["properties"], (method, path)


def test_triage_body_is_text_and_language(schema):
    body = resolve(schema, schema["paths"]["/api/triage"]["post"]["requestBody"]["content"]["application/json"]
                   ["schema"])
    assert set(body["properties"]) == {"text", "lang"}
    assert body["required"] == ["text"]
    assert resolve(schema, body["properties"]["lang"])["enum"] == LANGUAGES


def test_every_language_parameter_is_the_enum_of_served_languages(schema):
    found = set()
    for method, path, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["name"] in ("lang", "language"):
                assert parameter["schema"]["enum"] == LANGUAGES, (method, path)
                found.add((method, path))
    without = {("get", "/api/stats"), ("post", "/api/triage"), ("post", "/api/preview/"), ("post", "/api/articles/"),
               ("get", "/api/articles/{number}/"), ("post", "/api/articles/{number}/transitions/"), *HEALTH,
               *NOT_LANGUAGE_NOTIFICATIONS,
               *SIMILAR, *NOT_LANGUAGE_QUALITY}
    assert found == set(OPERATIONS) - without


def test_every_language_field_of_a_request_body_is_the_enum_of_served_languages(schema):
    preview = resolve(schema, schema["paths"]["/api/preview/"]["post"]["requestBody"]["content"]["application/json"]
                      ["schema"])
    create = resolve(schema, schema["paths"]["/api/articles/"]["post"]["requestBody"]["content"]["application/json"]
                     ["schema"])
    translation = resolve(schema, create["properties"]["translation"])
    for body in (preview, translation):
        assert resolve(schema, body["properties"]["language"])["enum"] == LANGUAGES


def test_the_transition_target_is_an_enum_of_statuses(schema):
    body = resolve(schema, schema["paths"]["/api/articles/{number}/transitions/"]["post"]["requestBody"]["content"]
                   ["application/json"]["schema"])
    assert body["required"] == ["to"]
    assert resolve(schema, body["properties"]["to"])["enum"] == STATUSES


def test_an_answered_error_matches_its_documented_schema(schema):
    response = APIClient().get("/api/articles/KA-404404/")
    assert response.status_code == 404
    documented = schema["paths"]["/api/articles/{number}/"]["get"]["responses"]["404"]
    validator(schema, documented["content"]["application/json"]["schema"]).validate(response.json())


def test_a_refused_triage_matches_its_documented_schema(schema):
    response = APIClient().post("/api/triage", {"text": "  "}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "missing_text"
    documented = schema["paths"]["/api/triage"]["post"]["responses"]["400"]
    validator(schema, documented["content"]["application/json"]["schema"]).validate(response.json())


@pytest.mark.parametrize("query, code", [("q=%EF%BF%BF", "invalid_characters"),
                                         ("&".join(f"a{i}=1" for i in range(1001)), "too_many_parameters")])
def test_a_refused_query_string_is_a_documented_error(schema, query, code):
    response = APIClient().get(f"/api/suggest?{query}")
    assert response.status_code == 400 and response.json()["error"]["code"] == code
    documented = schema["paths"]["/api/suggest"]["get"]["responses"]["400"]
    assert f"`{code}`" in documented["description"]
    validator(schema, documented["content"]["application/json"]["schema"]).validate(response.json())


def test_every_request_body_names_every_property_it_takes(schema):
    for method, path, operation in operations(schema):
        if "requestBody" in operation:
            body = resolve(schema, operation["requestBody"]["content"]["application/json"]["schema"])
            assert body["additionalProperties"] is False, (method, path)


PARAMETER_VALUES = ["ledger", "a\tb\r\nc", "ünïcode 日本", "\x00", "esc \x1b[31m", "del \x7f", "\x1f",
                    "non-character \ufdd0", "\ufffe", "\uffff", "replacement \ufffd", "bom \ufeff"]


@pytest.mark.parametrize("value", PARAMETER_VALUES)
def test_a_query_parameter_is_refused_exactly_when_its_schema_pattern_refuses_it(schema, value):
    parameter = next(p for p in schema["paths"]["/api/suggest"]["get"]["parameters"] if p["name"] == "q")
    response = APIClient().get("/api/suggest", {"q": value})
    assert (response.status_code == 400) == (re.search(parameter["schema"]["pattern"], value) is None)


def bmp_characters():
    """Every code point of the Basic Multilingual Plane but the surrogates (no pattern names
    those: they are not characters, and a URL carries them only as invalid UTF-8)."""
    return (chr(point) for point in range(0x10000) if not 0xD800 <= point <= 0xDFFF)


def test_the_parameter_pattern_refuses_exactly_the_characters_the_middleware_refuses(schema):
    from articles.middleware import refused_character

    parameter = next(p for p in schema["paths"]["/api/suggest"]["get"]["parameters"] if p["name"] == "q")
    pattern = re.compile(parameter["schema"]["pattern"])
    disagree = [f"U+{ord(c):04X}" for c in bmp_characters()
                if (pattern.search(c) is None) != (refused_character(c) is not None)]
    assert not disagree


def test_the_request_text_pattern_refuses_exactly_the_characters_the_text_gate_refuses(schema):
    comment = resolve(schema, {"$ref": "#/components/schemas/Transition"})["properties"]["comment"]
    pattern = re.compile(next(option["pattern"] for option in comment["oneOf"] if "pattern" in option))
    disagree = [f"U+{ord(c):04X}" for c in bmp_characters()
                if (pattern.search(c) is None) != (textgate.invalid_character(c) is not None)]
    assert not disagree


BODY_VALUES = ["ledger", "colour codes \x1b[31m kept", "\x00", "non-character \ufdd0", "\uffff", "日本語"]


@pytest.mark.parametrize("value", BODY_VALUES)
def test_request_text_is_refused_exactly_when_its_schema_pattern_refuses_it(schema, value):
    comment = resolve(schema, {"$ref": "#/components/schemas/Transition"})["properties"]["comment"]
    patterns = [option["pattern"] for option in comment["oneOf"] if "pattern" in option]
    assert patterns and (re.search(patterns[0], value) is None) == (textgate.invalid_character(value) is not None)
