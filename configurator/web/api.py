"""The JSON API (contract §3): validate, and the logged-in user's designs.

Authentication is a session cookie or ``Authorization: Bearer <token>``.
Errors are ``{"error": ..., "details": [...]}`` with a 4xx status, never HTML.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request, url_for
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from ..engine import check, parse_formula
from ..errors import FormulaError
from ..store import designs as store
from . import rules
from .openapi import spec

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class ApiError(Exception):
    def __init__(self, status: int, error: str, details: list | None = None):
        super().__init__(error)
        self.status, self.error, self.details = status, error, details or []


@bp.errorhandler(ApiError)
def _api_error(e: ApiError):
    return jsonify({"error": e.error, "details": e.details}), e.status


@bp.errorhandler(HTTPException)
def _http_error(e: HTTPException):
    return jsonify({"error": e.name, "details": [e.description]}), e.code


def _json() -> Any:
    if not request.is_json:
        raise ApiError(415, "expected a JSON body (Content-Type: application/json)")
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # json's C decoder recurses per bracket: "[[[[…" is not a formula
        raise ApiError(400, "malformed JSON", ["nested too deeply"]) from None
    if data is None:
        raise ApiError(400, "malformed JSON")
    return data


def _formula(doc: Any):
    try:
        return parse_formula(doc, "request")
    except FormulaError as exc:
        raise ApiError(400, "malformed formula document",
                       [{"path": p.path, "message": p.message} for p in exc.problems]) from None
    except RecursionError:
        raise ApiError(400, "malformed formula document", ["nested too deeply"]) from None


def _user():
    if not current_user.is_authenticated:
        raise ApiError(401, "authentication required (session or Bearer token)")
    return current_user


def _design_json(d, rev=None, full: bool = False) -> dict:
    out = {"id": d.id, "name": d.name, "product_type": d.product_type, "status": d.status,
           "archived": d.archived, "revision": d.version,
           "updated_at": d.updated_at.isoformat(), "url": url_for("api.get_design", design_id=d.id)}
    if full and rev is not None:
        out["formula"] = rev.document
        out["report"] = rev.report
    return out


@bp.post("/validate")
def validate():
    """Validate a formula document (contract §3), as of today or of the day ``on`` says."""
    doc = _json()
    days = [request.args["on"]] if "on" in request.args else []
    if isinstance(doc, dict) and "on" in doc:  # beside the formula, never one of its fields
        doc = dict(doc)
        days.append(doc.pop("on"))
    day = [_day(d) for d in days]
    if len(set(day)) > 1:
        raise ApiError(400, "two different days to check as of",
                       [{"path": "on", "message": "`on` is given in the body and in the "
                                                  "query string with different days"}])
    formula = _formula(doc)
    return jsonify(check(formula, rules(), day[0] if day else None).to_dict())


def _day(on: Any):
    """The day of an ``on`` field or parameter: 400 for anything but a string YYYY-MM-DD."""
    from ..days import DayError, parse_day

    try:
        return parse_day(on)
    except DayError as exc:
        raise ApiError(400, "`on` is not a day", [{"path": "on", "message": str(exc)}]) from None


@bp.post("/repair")
def repair_formula():
    """The nearest formula that keeps every rule and the pins, or the wishes that clash."""
    from ..engine.repair import Pins, repair

    body = _json()
    if not isinstance(body, dict) or not isinstance(body.get("formula"), dict) \
            or not set(body) <= {"formula", "pins"}:
        raise ApiError(400, "expected {\"formula\": {...}, \"pins\": [row names, \"ph\", "
                            "\"base\"]}")
    pins = body.get("pins", [])
    if not isinstance(pins, list) or len(pins) > 200 or not all(
            isinstance(p, str) and len(p) <= 200 for p in pins):
        raise ApiError(400, "`pins` must be a list of at most 200 names (a row's INCI name, "
                            "\"ph\" or \"base\")")
    formula = _formula(body["formula"])
    return jsonify(repair(formula, rules(), Pins.parse(pins)).to_dict())


@bp.get("/designs")
def list_designs():
    user = _user()
    return jsonify({"designs": [_design_json(d) for d in store.visible_designs(user)]})


@bp.post("/designs")
def create_design():
    user = _user()
    body = _json()
    if not isinstance(body, dict) or not isinstance(body.get("formula"), dict):
        raise ApiError(400, "expected {\"formula\": {...}}")
    formula = _formula(body["formula"])
    d = store.create(user, formula, rules())
    return jsonify(_design_json(d, store.revision(d), full=True)), 201


def _own(design_id: int):
    d = store.get_own(_user(), design_id)
    if d is None:
        raise ApiError(404, "no such design")
    return d


@bp.get("/designs/<int:design_id>")
def get_design(design_id: int):
    d = _own(design_id)
    return jsonify(_design_json(d, store.revision(d), full=True))


@bp.put("/designs/<int:design_id>")
def update_design(design_id: int):
    d = _own(design_id)
    body = _json()
    if not isinstance(body, dict) or not isinstance(body.get("formula"), dict):
        raise ApiError(400, "expected {\"formula\": {...}, \"revision\": N}")
    rev_no = body.get("revision")
    if isinstance(rev_no, bool) or not isinstance(rev_no, int) or not 0 < rev_no < 2**31:
        raise ApiError(400, "`revision` (the revision you edited) must be a positive integer")
    formula = _formula(body["formula"])
    try:
        store.save(current_user, d, formula, rev_no, rules())
    except store.Conflict as exc:
        raise ApiError(409, str(exc), [{"current_revision": exc.design.version}]) from None
    except store.Locked as exc:
        raise ApiError(409, str(exc)) from None
    return jsonify(_design_json(d, store.revision(d), full=True))


def _quiz():
    from ..quiz import Quiz

    q = rules().quiz
    if not isinstance(q, Quiz):
        raise ApiError(404, "the rules in force have no skin quiz")
    return q


@bp.get("/quiz")
def quiz_questions():
    """The skin quiz's questions and their answer ids (what /personalize accepts)."""
    return jsonify(_quiz().to_dict())


@bp.post("/personalize")
def personalize():
    """Skin-quiz answers → a formula document, the reason for each choice, the report."""
    from ..quiz import AnswerError, PersonalizeError
    from ..quiz import personalize as run

    quiz = _quiz()
    body = _json()
    if not isinstance(body, dict) or not isinstance(body.get("answers"), dict):
        raise ApiError(400, "expected {\"answers\": {question id: answer id or list}}")
    try:
        proposal = run(quiz, rules(), body["answers"])
    except AnswerError as exc:
        raise ApiError(400, "invalid quiz answers", exc.details()) from None
    except PersonalizeError as exc:
        raise ApiError(422, str(exc)) from None
    return jsonify(proposal.to_dict())


@bp.get("/openapi.json")
def openapi():
    return jsonify(spec())
