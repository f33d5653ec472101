"""Schema hooks: every operation documents the JSON errors it can answer with, so a client (and
schemathesis) knows each status it may see."""

from __future__ import annotations

ERRORS = {
    "400": "Dữ liệu hoặc tham số không hợp lệ.",
    "401": "Thiếu khoá truy cập, hoặc khoá sai hay đã thu hồi.",
    "403": "Vai trò của khoá không được làm việc này.",
    "404": "Không tìm thấy, hoặc ngoài phạm vi của khoá.",
    "405": "Phương thức không được hỗ trợ.",
    "406": "Chỉ trả về JSON.",
    "415": "Chỉ nhận JSON.",
    "429": "Quá nhiều yêu cầu.",
}


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    _drop_response_integer_bounds(schemas, _request_schemas(result, schemas))
    schemas.setdefault(
        "Error",
        {
            "type": "object",
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
            "required": ["code", "message"],
        },
    )
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for status, text in ERRORS.items():
                if status == "415" and method == "get":
                    continue
                responses.setdefault(
                    status,
                    {
                        "description": text,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result


def _refs(node) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[-1]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(value) for value in node))
    return set()


def _request_schemas(result: dict, schemas: dict) -> set[str]:
    """The components a request body uses, nested ones included."""
    bodies = [op.get("requestBody", {}) for ops in result.get("paths", {}).values() for op in ops.values()]
    found, frontier = set(), _refs(bodies)
    while frontier:
        found |= frontier
        frontier = _refs([schemas.get(name, {}) for name in frontier]) - found
    return found


def _drop_response_integer_bounds(schemas: dict, requests: set[str]) -> None:
    """Integer bounds of response fields come from the database backend's column ranges (int64 on SQLite,
    int32 or int16 on PostgreSQL); answers need none, and the schema must not depend on the backend.
    Request bodies keep the bounds they declare."""
    for name, schema in schemas.items():
        if name in requests:
            continue
        for prop in schema.get("properties", {}).values():
            if prop.get("type") == "integer":
                for key in ("minimum", "maximum", "format"):
                    prop.pop(key, None)
