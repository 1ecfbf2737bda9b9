"""/openapi.json documents every answer: a body shape for each operation, and the error
statuses each operation can answer with, with the one error body the API uses."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import enroll_until, login


def operations(client: TestClient) -> dict[tuple[str, str], dict[str, Any]]:
    schema = client.get("/openapi.json").json()
    return {
        (method.upper(), path): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }


def test_every_operation_shows_its_answer(client: TestClient) -> None:
    for (method, path), operation in operations(client).items():
        success = next(v for k, v in operation["responses"].items() if k.startswith("2"))
        content = success.get("content", {})
        assert content, f"{method} {path} shows no answer"
        json_schema = content.get("application/json", {}).get("schema")
        if json_schema is not None:
            assert json_schema.get("$ref") or json_schema.get("items", {}).get("$ref"), (
                f"{method} {path} answers an undocumented object"
            )


def test_error_statuses_are_documented_with_the_error_body(client: TestClient) -> None:
    ops = operations(client)
    login_responses = ops[("POST", "/api/auth/login")]["responses"]
    assert {"401", "422", "423"} <= set(login_responses)
    assert login_responses["423"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ErrorBody"
    )
    assert {"401", "409", "403"} <= set(ops[("POST", "/api/enrollment/commit")]["responses"])
    assert "403" in ops[("POST", "/api/upload")]["responses"]  # supervisors only
    assert "401" not in ops[("GET", "/api/health")]["responses"]


def test_statuses_the_api_answers_are_the_documented_ones(
    client: TestClient, auth: dict[str, str]
) -> None:
    ops = operations(client)
    enroll_until(client, auth, "identity")
    answers = [
        ("POST", "/api/enrollment/commit", client.post("/api/enrollment/commit", headers=auth)),
        ("POST", "/api/enrollment/commit", client.post("/api/enrollment/commit")),
        ("POST", "/api/upload", client.post("/api/upload", headers=auth)),
        ("GET", "/api/visits/{visit_id}/enrollments",
         client.get("/api/visits/999/enrollments", headers=auth)),
        ("POST", "/api/auth/login",
         client.post("/api/auth/login", json={"operator": "operator1", "pin": "000000"})),
        ("POST", "/api/enrollment/identity",
         client.post("/api/enrollment/identity", json={"nik": 3}, headers=auth)),
    ]
    for method, path, response in answers:
        assert response.status_code >= 400, (path, response.status_code)
        assert str(response.status_code) in ops[(method, path)]["responses"], (
            f"{method} {path} answered {response.status_code}, not documented"
        )
        assert set(response.json()["error"]) >= {"code", "message"}
    assert login(client)  # the failed login above did not lock operator1 out
