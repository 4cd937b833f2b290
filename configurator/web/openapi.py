"""The OpenAPI 3.1 document of the JSON API (tested against the real routes)."""

from __future__ import annotations

from typing import Any

_ERROR = {"description": "Error", "content": {"application/json": {"schema": {
    "$ref": "#/components/schemas/Error"}}}}


def _json_body(ref: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": ref}}}}


def _ok(ref: str, desc: str = "OK") -> dict:
    return {"description": desc, "content": {"application/json": {"schema": {"$ref": ref}}}}


def spec() -> dict[str, Any]:
    design_id = {"name": "design_id", "in": "path", "required": True,
                 "schema": {"type": "integer", "minimum": 1}}
    return {
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
                            "description": "The formula document of contract §1.",
                            "properties": {
                                "name": {"type": "string", "maxLength": 200},
                                "product_type": {"oneOf": [
                                    {"type": "string"},
                                    {"type": "object", "required": ["application", "area"],
                                     "properties": {
                                         "application": {"enum": ["leave-on", "rinse-off"]},
                                         "area": {"type": "string"}, "form": {"type": "string"}}}]},
                                "base": {"type": "string"},
                                "target_ph": {"type": "number", "minimum": 0, "maximum": 14},
                                "constraints": {"type": "array", "items": {"type": "string"}},
                                "ingredients": {"type": "array", "maxItems": 200, "items": {
                                    "type": "object", "required": ["inci"], "properties": {
                                        "inci": {"type": "string"},
                                        "percent": {"type": "number", "minimum": 0, "maximum": 100},
                                        "amount": {"type": "string"},
                                        "qs": {"type": "boolean"}}}},
                                "batch": {"type": "object", "properties": {
                                    "size": {"type": "string"}, "units": {"type": "integer"},
                                    "fill": {"type": "string"}}},
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
                               "cost_per_kg": {"type": ["number", "null"]}}},
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
            },
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            "/api/v1/validate": {"post": {
                "summary": "Validate a formula document", "security": [],
                "requestBody": _json_body("#/components/schemas/Formula"),
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
            "/api/v1/openapi.json": {"get": {"summary": "This document", "security": [],
                                             "responses": {"200": {"description": "OK"}}}},
        },
    }
