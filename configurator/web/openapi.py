"""The OpenAPI 3.1 document of the JSON API (tested against the real routes)."""

from __future__ import annotations

from typing import Any

_ERROR = {"description": "Error", "content": {"application/json": {"schema": {
    "$ref": "#/components/schemas/Error"}}}}


def _json_body(ref: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": ref}}}}


def _ok(ref: str, desc: str = "OK") -> dict:
    return {"description": desc, "content": {"application/json": {"schema": {"$ref": ref}}}}


def _TEXT(n: int) -> dict:  # noqa: N802 - reads as a type in the schema
    """A string with something in it, at most ``n`` characters (the parser's limits)."""
    return {"type": "string", "minLength": 1, "maxLength": n,
            "allOf": [{"pattern": r"\S"}, {"pattern": _NO_CONTROL}]}


_NO_CONTROL = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"  # as the parser checks
_AGE = {"enum": ["adults", "under-6", "under-3", "nappy"],
        "description": "Who the product is for: adults (the default), children under 6, "
                       "children under 3, or the nappy area of children under 3. At the top "
                       "level it wins over the product type's own `age`."}
_DAY = {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        "examples": ["2027-06-07"],
        "description": "Check as of this day (YYYY-MM-DD; default: today). A rule that "
                       "applies from a later day gives a `coming-rule` warning naming that day "
                       "instead of its finding."}
_AMOUNT = (r"^ *(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)? *"
           r"(%|% w/w|percent|ppm|ppb|g/kg|mg/g|mg/kg|g/g)? *$")
_QUANTITY = (r"^ *(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)? *"
             r"(kg|g|mg|t|L|l|mL|ml|cL|dL|m\^3|m\*\*3|cm\^3|cm\*\*3|gallon|ounce|pound) *$")


def spec() -> dict[str, Any]:
    design_id = {"name": "design_id", "in": "path", "required": True,
                 "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "configurator API", "version": "1.0.0",
                 "description": "Validate formulas (contract §3) and manage your designs."},
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "schemas": {
                "Error": {"type": "object", "required": ["error", "details"], "properties": {
                    "error": {"type": "string"}, "details": {"type": "array"}}},
                "Formula": {"type": "object", "required": ["product_type"],
                            "description": "The formula document of contract §1. Checked "
                                           "beyond this schema: an `amount` is one number and "
                                           "a concentration unit (5 %, 5000 ppm, 2 g/kg) of "
                                           "0 to 100 %; a batch `size`/`fill` is a positive "
                                           "mass or volume; text holds no control characters.",
                            # without a base, `ingredients` is the whole formula: required
                            "anyOf": [{"required": ["ingredients"]}, {"required": ["base"]}],
                            "additionalProperties": False,
                            "properties": {
                                "name": _TEXT(200),
                                "product_type": {"oneOf": [
                                    _TEXT(200),
                                    {"type": "object", "required": ["application", "area"],
                                     "additionalProperties": False,
                                     "properties": {
                                         "application": {"enum": ["leave-on", "rinse-off"]},
                                         "area": {"enum": ["face", "body", "hand", "hair",
                                                           "scalp", "lip", "eye", "foot", "nail",
                                                           "oral", "underarm"]},
                                         "form": _TEXT(200), "age": _AGE}}]},
                                "age": _AGE,
                                "base": _TEXT(200),
                                "target_ph": {"type": "number", "minimum": 0, "maximum": 14},
                                "constraints": {"type": "array", "items": _TEXT(64)},
                                "ingredients": {"type": "array", "maxItems": 200, "items": {
                                    "type": "object", "required": ["inci"],
                                    "additionalProperties": False,
                                    # exactly one of percent, amount, qs: true
                                    "oneOf": [{"required": ["percent"]}, {"required": ["amount"]},
                                              {"required": ["qs"],
                                               "properties": {"qs": {"const": True}}}],
                                    "properties": {
                                        "inci": _TEXT(200),
                                        "percent": {"type": "number", "minimum": 0, "maximum": 100},
                                        "amount": {"type": "string", "maxLength": 64,
                                                   "pattern": _AMOUNT,
                                                   "examples": ["5 %", "5000 ppm", "2 g/kg"]},
                                        "qs": {"type": "boolean"},
                                        "phase": {}, "note": {}}}},
                                "batch": {"type": "object", "additionalProperties": False,
                                          "anyOf": [{"required": ["size"]},
                                                    {"required": ["units", "fill"]}],
                                          "properties": {
                                              "size": {"type": "string", "maxLength": 64,
                                                       "pattern": _QUANTITY,
                                                       "examples": ["50 kg", "20 L"]},
                                              "units": {"type": "integer", "minimum": 1,
                                                        "maximum": 10_000_000},
                                              "fill": {"type": "string", "maxLength": 64,
                                                       "pattern": _QUANTITY,
                                                       "examples": ["30 mL", "50 g"]}}},
                                "notes": {"type": "string", "maxLength": 5000,
                                          "pattern": _NO_CONTROL},
                            }},
                "Finding": {"type": "object", "required": ["severity", "code", "rule",
                                                           "ingredients", "message"],
                            "properties": {
                                "severity": {"enum": ["error", "warning", "info"]},
                                "code": {"type": "string"}, "rule": {"type": "string"},
                                "ingredients": {"type": "array", "items": {"type": "string"}},
                                "message": {"type": "string"}, "source": {"type": "string"},
                                "fix": {"type": "string"}, "action": {"type": "object"}}},
                "Report": {"type": "object",
                           "required": ["valid", "rules_version", "findings", "composition",
                                        "label", "allergens"],
                           "properties": {
                               "valid": {"type": "boolean"},
                               "rules_version": {"type": "string"},
                               "findings": {"type": "array",
                                            "items": {"$ref": "#/components/schemas/Finding"}},
                               "composition": {"type": "array", "items": {
                                   "type": "object", "properties": {
                                       "inci": {"type": "string"}, "percent": {"type": "number"},
                                       "phase": {"type": "string"},
                                       "functions": {"type": "array"}}}},
                               "label": {"type": "string"},
                               "allergens": {"type": "array", "items": {"type": "string"}},
                               "cost_per_kg": {"type": ["number", "null"]},
                               "checked_on": {"type": ["string", "null"], "format": "date",
                                              "description": "The day the rules were "
                                                             "applied for."}}},
                "Design": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "name": {"type": "string"},
                    "product_type": {"type": "string"}, "status": {"type": "string"},
                    "archived": {"type": "boolean"}, "revision": {"type": "integer"},
                    "updated_at": {"type": "string"}, "url": {"type": "string"},
                    "formula": {"$ref": "#/components/schemas/Formula"},
                    "report": {"$ref": "#/components/schemas/Report"}}},
                "DesignList": {"type": "object", "properties": {"designs": {
                    "type": "array", "items": {"$ref": "#/components/schemas/Design"}}}},
                "DesignCreate": {"type": "object", "required": ["formula"], "properties": {
                    "formula": {"$ref": "#/components/schemas/Formula"}}},
                "DesignUpdate": {"type": "object", "required": ["formula", "revision"],
                                 "properties": {
                                     "formula": {"$ref": "#/components/schemas/Formula"},
                                     "revision": {"type": "integer",
                                                  "description": "The revision you edited."}}},
                **_quiz_schemas(),
                **_repair_schemas(),
            },
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            "/api/v1/validate": {"post": {
                "summary": "Validate a formula document", "security": [],
                "description": "The body is a formula document (contract §1), optionally with "
                               "`on`: the day to check as of. `on` may be given as a query "
                               "parameter instead; given twice, both must name the same day.",
                "parameters": [{"name": "on", "in": "query", "required": False,
                                "schema": _DAY}],
                "requestBody": _json_body("#/components/schemas/ValidateRequest"),
                "responses": {"200": _ok("#/components/schemas/Report"), "400": _ERROR,
                              "415": _ERROR}}},
            "/api/v1/designs": {
                "get": {"summary": "Your designs",
                        "responses": {"200": _ok("#/components/schemas/DesignList"), "401": _ERROR}},
                "post": {"summary": "Create a design",
                         "requestBody": _json_body("#/components/schemas/DesignCreate"),
                         "responses": {"201": _ok("#/components/schemas/Design", "Created"),
                                       "400": _ERROR, "401": _ERROR, "415": _ERROR}}},
            "/api/v1/designs/{design_id}": {
                "get": {"summary": "One of your designs, its latest revision and report",
                        "parameters": [design_id],
                        "responses": {"200": _ok("#/components/schemas/Design"), "401": _ERROR,
                                      "404": _ERROR}},
                "put": {"summary": "Save a new revision (409 if `revision` is not the latest)",
                        "parameters": [design_id],
                        "requestBody": _json_body("#/components/schemas/DesignUpdate"),
                        "responses": {"200": _ok("#/components/schemas/Design"), "400": _ERROR,
                                      "401": _ERROR, "404": _ERROR, "409": _ERROR,
                                      "415": _ERROR}}},
            **_quiz_paths(),
            **_repair_paths(),
            "/api/v1/openapi.json": {"get": {"summary": "This document", "security": [],
                                             "responses": {"200": {"description": "OK"}}}},
        },
    }
    return _with_validate_request(doc)


def _with_validate_request(doc: dict[str, Any]) -> dict[str, Any]:
    """``POST /validate`` takes the formula document and, beside its fields, ``on``."""
    schemas = doc["components"]["schemas"]
    formula = schemas["Formula"]
    schemas["ValidateRequest"] = {
        **formula, "description": formula["description"] + " Beside the formula's fields, "
                                  "`on`: the day to check as of.",
        "properties": {**formula["properties"], "on": _DAY}}
    return doc


def _quiz_schemas() -> dict[str, Any]:
    """The skin quiz (issue 5): its questions, the answers and the proposal."""
    because = {"type": "object", "required": ["question", "answer", "says"], "properties": {
        "question": {"type": "string"}, "answer": {"type": "string"},
        "says": {"type": "string", "description": "How the reason quotes the answer."}}}
    return {
        "Quiz": {"type": "object", "required": ["title", "questions"], "properties": {
            "title": {"type": "string"}, "intro": {"type": "string"},
            "questions": {"type": "array", "items": {
                "type": "object", "required": ["id", "text", "multiple", "options"],
                "properties": {
                    "id": {"type": "string"}, "text": {"type": "string"},
                    "help": {"type": "string"}, "multiple": {"type": "boolean"},
                    "required": {"type": "boolean"},
                    "max_choices": {"type": ["integer", "null"]},
                    "options": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "string"}, "label": {"type": "string"},
                        "says": {"type": "string"}}}}}}}}},
        "QuizAnswers": {
            "type": "object", "required": ["answers"], "properties": {"answers": {
                "type": "object",
                "description": "Question id → answer id (single-choice questions, all required) "
                               "or → list of answer ids (multiple-choice; left out = none). "
                               "The ids are those of GET /api/v1/quiz.",
                "additionalProperties": {"oneOf": [
                    {"type": "string"}, {"type": "array", "items": {"type": "string"}}]}}},
            "example": {"answers": {
                "skin-type": "oily", "concerns": ["large-pores", "dark-spots"],
                "sensitivities": [], "pregnancy": "no", "age": "25-39", "climate": "temperate",
                "texture": "light", "fragrance": "fragrance-free", "budget": "standard"}}},
        "Personalization": {
            "type": "object", "required": ["answers", "formula", "reasons", "left_out", "report"],
            "properties": {
                "answers": {"type": "object", "description": "The answers, normalised."},
                "formula": {"$ref": "#/components/schemas/Formula"},
                "reasons": {"type": "array", "description": "One entry per choice of the formula.",
                            "items": {"type": "object",
                                      "required": ["kind", "ref", "label", "reason", "because"],
                                      "properties": {
                                          "kind": {"enum": ["product_type", "base", "constraint",
                                                            "ingredient", "target_ph"]},
                                          "ref": {"type": "string"}, "label": {"type": "string"},
                                          "reason": {"type": "string"},
                                          "because": {"type": "array", "items": because},
                                          "notes": {"type": "array",
                                                    "items": {"type": "string"}},
                                          "percent": {"type": "number"},
                                          "slot": {"type": "string"}}}},
                "left_out": {"type": "array", "description": "Considered and not proposed.",
                             "items": {"type": "object", "properties": {
                                 "ref": {"type": "string"}, "label": {"type": "string"},
                                 "reason": {"type": "string"},
                                 "because": {"type": "array", "items": because}}}},
                "report": {"$ref": "#/components/schemas/Report"}}},
    }


def _quiz_paths() -> dict[str, Any]:
    return {
        "/api/v1/quiz": {"get": {
            "summary": "The skin quiz: questions and answer ids", "security": [],
            "responses": {"200": _ok("#/components/schemas/Quiz"), "404": _ERROR}}},
        "/api/v1/personalize": {"post": {
            "summary": "Skin-quiz answers → a starting formula, the reason for each choice "
                       "and its validation report",
            "security": [],
            "requestBody": _json_body("#/components/schemas/QuizAnswers"),
            "responses": {"200": _ok("#/components/schemas/Personalization"),
                          "400": _ERROR, "404": _ERROR, "415": _ERROR, "422": _ERROR}}},
    }


def _repair_schemas() -> dict[str, Any]:
    """"Make it valid" (issue 16): the request, the changes, the conflict."""
    value = {"type": ["number", "string", "null"]}
    strings = {"type": "array", "items": {"type": "string"}}
    change = {"type": "object", "required": ["op", "row", "inci", "old", "new", "text", "why"],
              "properties": {
                  "op": {"enum": ["set-percent", "remove", "swap", "set-ph", "set-base"]},
                  "row": {"type": ["integer", "null"],
                          "description": "Index of the formula row it touches."},
                  "inci": {"type": "string"}, "new_inci": {"type": "string"},
                  "old": value, "new": value, "text": {"type": "string"}, "why": strings}}
    wish = {"type": "object", "required": ["key", "text", "rules"], "properties": {
        "key": {"type": "string"}, "text": {"type": "string"}, "rules": strings}}
    return {
        "RepairRequest": {
            "type": "object", "required": ["formula"], "additionalProperties": False,
            "properties": {
                "formula": {"$ref": "#/components/schemas/Formula"},
                "pins": {"type": "array", "maxItems": 200,
                         "items": {"type": "string", "maxLength": 200},
                         "description": "What the repair must keep: a row's INCI name (at its "
                                        "strength), \"ph\" (the target pH), \"base\". The "
                                        "formula's constraints are always kept."}}},
        "Change": change,
        "Repair": {
            "type": "object", "required": ["status", "formula", "changes", "report", "conflict"],
            "properties": {
                "status": {"enum": ["unchanged", "repaired", "repaired-with-warnings",
                                    "conflict", "unresolved"]},
                "formula": {"oneOf": [{"$ref": "#/components/schemas/Formula"},
                                      {"type": "null"}]},
                "changes": {"type": "array", "items": change},
                "why": {"type": "string", "description": "Why an `unresolved` repair found "
                                                         "no formula."},
                "unmatched_pins": {"type": "array", "items": {"type": "string"},
                                   "description": "Pins that hold nothing in this formula "
                                                  "(a name no row has; ph or base when it "
                                                  "has none): ignored."},
                "report": {"oneOf": [{"$ref": "#/components/schemas/Report"},
                                     {"type": "null"}]},
                "conflict": {"oneOf": [{"type": "null"}, {
                    "type": "object", "required": ["text", "level", "wishes", "rules",
                                                   "ways_out"],
                    "properties": {
                        "text": {"type": "string"}, "level": {"enum": ["error", "warning"]},
                        "wishes": {"type": "array", "items": wish},
                        "rules": {"type": "array", "items": {"type": "object", "properties": {
                            "rule": {"type": "string"}, "text": {"type": "string"},
                            "source": {"type": "string"}}}},
                        "ways_out": {"type": "array", "items": {"type": "object", "properties": {
                            "drop": wish,
                            "also_drop": {"type": "array", "items": wish,
                                          "description": "Further wishes to give up with "
                                                         "`drop` (empty: it alone will do)."},
                            "text": {"type": "string"},
                            "changes": {"type": "array", "items": change},
                            "keeps_warnings": {"type": "boolean"}}}},
                        "also": {"type": "array", "items": {"type": "array", "items": wish},
                                 "description": "Other sets of wishes that clash on their "
                                                "own."}}}]}}},
    }


def _repair_paths() -> dict[str, Any]:
    return {"/api/v1/repair": {"post": {
        "summary": "The nearest formula that keeps every rule (\"Make it valid\"): the changes "
                   "as a diff and the new report, or the fewest pinned wishes that cannot all "
                   "hold, with the ways out",
        "security": [],
        "requestBody": _json_body("#/components/schemas/RepairRequest"),
        "responses": {"200": _ok("#/components/schemas/Repair"), "400": _ERROR,
                      "415": _ERROR}}}}
