"""The OpenAPI 3.1 description at /api/v1/openapi.json: public, valid, complete, and true to the answers.

Schemathesis checks it in depth against a live app (`make api-fuzz`); these tests keep the description
and the URL map in step on every run, and check real answers of both engines against its schemas.
"""

from __future__ import annotations

import re
import uuid

import jsonschema
import pytest
import schemathesis
from openapi_spec_validator import validate

from tests.app.test_api import bearer
from tests.conftest import make_log
from tracker.insights import ACTIVE, FUTURE, MISSED, NONE, PENDING, REST
from tracker.insights.bids import BIDS
from tracker.kinds import KINDS_BY_KEY, RESPONSES

URL = "/api/v1/openapi.json"
METHODS = {"GET", "POST", "PATCH", "PUT", "DELETE"}


@pytest.fixture
def spec(client) -> dict:
    response = client.get(URL)
    assert response.status_code == 200 and response.is_json
    return response.get_json()


def api_operations(app) -> set[tuple[str, str]]:
    """(path as OpenAPI spells it, method) of every API route in the URL map (HEAD, OPTIONS are Flask's)."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[^<>:]*:)?(\w+)>", r"{\1}", rule.rule)
            found |= {(path, method.lower()) for method in rule.methods & METHODS}
    return found


def described_operations(spec: dict) -> set[tuple[str, str]]:
    return {
        (path, method) for path, item in spec["paths"].items() for method in item if method.upper() in METHODS
    }


def test_it_is_served_without_credentials_even_with_a_bad_token(client):
    assert client.get(URL).status_code == 200
    assert client.get(URL, headers={"Authorization": "Bearer sb_wrong"}).status_code == 200


def test_it_is_valid_openapi_3_1_that_schemathesis_loads(spec):
    assert spec["openapi"].startswith("3.1")
    validate(spec)
    assert len(list(schemathesis.openapi.from_dict(spec).get_all_operations())) == len(
        described_operations(spec)
    )


def test_every_api_route_is_described_and_nothing_else(app, spec):
    assert api_operations(app) == described_operations(spec)


def test_both_ways_to_authenticate_are_described(spec):
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert (schemes["session"]["in"], schemes["csrf"]["in"], schemes["csrf"]["name"]) == (
        "cookie",
        "header",
        "X-CSRFToken",
    )
    for path, method in described_operations(spec):
        operation = spec["paths"][path][method]
        if path == URL:
            assert operation["security"] == []
            continue
        assert {"bearer": []} in operation["security"], (path, method)
        if method != "get":
            assert {"session": [], "csrf": []} in operation["security"], (path, method)
        assert "401" in operation["responses"], (path, method)


def test_every_error_answer_has_the_error_shape(spec):
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["error", "field"]
    for path, method in described_operations(spec):
        for status, answer in spec["paths"][path][method]["responses"].items():
            if status.startswith("4"):
                assert answer["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"
                }, (path, method, status)


def test_enums_are_the_codes_own_lists(spec):
    schemas = spec["components"]["schemas"]
    assert schemas["Log"]["properties"]["kind"]["enum"] == list(KINDS_BY_KEY)
    assert schemas["Log"]["properties"]["response"]["enum"] == [*RESPONSES, None]
    assert "hurtful" in RESPONSES and "frightening" in schemas["Log"]["properties"]["response"]["description"]
    status = schemas["Summary"]["properties"]["days"]["additionalProperties"]["properties"]["status"]
    assert set(status["enum"]) == {ACTIVE, REST, MISSED, PENDING, NONE, FUTURE}


def test_the_links_name_real_operations(spec):
    ids = {spec["paths"][p][m]["operationId"] for p, m in described_operations(spec)}
    links = spec["components"]["links"]
    assert {link["operationId"] for link in links.values()} <= ids
    created = spec["paths"]["/api/v1/logs"]["post"]["responses"]["201"]["links"]
    assert {name.removesuffix("ById") for name in created} == {"Log", "UpdateLog", "DeleteLog"}


def validator(spec: dict, name: str) -> jsonschema.Draft202012Validator:
    """A validator for one component schema, resolving references inside the description."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    return jsonschema.Draft202012Validator(schema)


def test_real_answers_match_the_schemas(client, user, spec):
    """A log, a list, a reminder, a summary and each kind of error, as the app really sends them."""
    headers = bearer(user)
    make_log(user, note="seen")
    created = client.post(
        "/api/v1/logs",
        json={"kind": "confide", "person": "Sam", "step": "2", "before": 4, "note": "x"},
        headers=headers,
    )
    assert created.status_code == 201
    validator(spec, "Log").validate(created.get_json())
    for log in client.get("/api/v1/logs", headers=headers).get_json()["logs"]:
        validator(spec, "Log").validate(log)
    reminder = client.post("/api/v1/reminders", json={"days": ["mon"], "time": "07:00"}, headers=headers)
    validator(spec, "Reminder").validate(reminder.get_json())
    validator(spec, "Summary").validate(client.get("/api/v1/summary", headers=headers).get_json())
    for kind in client.get("/api/v1/kinds", headers=headers).get_json()["kinds"]:
        validator(spec, "Kind").validate(kind)
    errors = [
        client.get("/api/v1/logs"),  # 401
        client.post("/api/v1/logs", json={"kind": "nope"}, headers=headers),  # 400
        client.get(f"/api/v1/logs/{uuid.uuid4()}", headers=headers),  # 404
        client.put("/api/v1/logs", headers=headers),  # 405
    ]
    assert [e.status_code for e in errors] == [401, 400, 404, 405]
    for answer in errors:
        validator(spec, "Error").validate(answer.get_json())


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Log", {"kind": "closeness"}),
        ("NewLog", {"kind": "closeness", "step": "٢"}),
        ("NewLog", {"kind": "closeness", "person": "a\x00b"}),
        ("NewReminder", {"days": ["mon"], "time": " 09:30"}),
        ("NewReminder", {"days": ["mon"] * 8, "time": "09:30"}),  # Schemathesis found the parser's bound
    ],
)
def test_the_schemas_refuse_what_the_api_refuses(spec, name, value):
    assert not validator(spec, name).is_valid(value)


def test_the_bid_is_described_on_logs_and_in_the_summary(spec):
    """Bids (issue 16): a log's `bid` is one of the parser's values or null; the summary's rate is a
    fraction whose rounding is said."""
    schemas = spec["components"]["schemas"]
    assert schemas["Log"]["properties"]["bid"]["enum"] == [*BIDS, None]
    assert "bid" in schemas["Log"]["required"]
    assert validator(spec, "NewLog").is_valid({"kind": "respond", "bid": "away"})
    assert not validator(spec, "NewLog").is_valid({"kind": "respond", "bid": "sideways"})
    bids = schemas["Summary"]["properties"]["bids"]
    assert set(bids["required"]) == {"toward", "away", "against", "rate"}
    assert "3 places" in bids["description"]
