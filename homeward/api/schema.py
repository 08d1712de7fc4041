"""Every operation can fail in the one error shape; the schema says so once for all of them."""

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": True},
            },
            "required": ["status", "code", "message", "fields"],
        }
    },
    "required": ["error"],
}
ERRORS = {
    "400": "The request is invalid; `fields` names what is wrong.",
    "401": "No valid key or session.",
    "403": "Your role may not do this.",
    "404": "No such object within your scope, or no such page.",
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses.setdefault(status, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                })
    return result
