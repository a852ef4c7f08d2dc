"""Check an API answer against the published OpenAPI schema of its operation, as
schemathesis's `response_schema_conformance` does in `make fuzz`; for the regression tests of
what the fuzzer found."""

from functools import cache


def _json_schema(node):
    """OpenAPI 3.0's `nullable: true` as JSON Schema (what schemathesis does, too)."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _json_schema(v) for k, v in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


@cache
def _schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return _json_schema(SchemaGenerator().get_schema(request=None, public=True))


def assert_conforms(response, path: str, method: str = "get") -> None:
    """The answer validates against the schema of `method path` for its status code."""
    import jsonschema

    schema = _schema()
    responses = schema["paths"][path][method]["responses"]
    status = str(response.status_code)
    assert status in responses, f"{method.upper()} {path}: {status} is not in the schema"
    body = responses[status]["content"]["application/json"]["schema"]
    jsonschema.validate(
        response.json(),
        {**body, "components": schema["components"]},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
