"""The skin quiz pages: questions, the proposed design with its reasons, and the way in.

* ``GET /quiz`` shows every question on one page (WTForms; radio buttons and
  check boxes, no JavaScript needed). ``POST /quiz`` checks the answers through
  the same gate as the API (:func:`configurator.quiz.normalise`): a missing,
  unknown or tampered answer gets a message beside its question and a 400.
* Good answers are kept in the (signed) session cookie, not in the URL: they
  hold health data (pregnancy, allergies) that must not end up in server logs
  or the browser history. ``GET /quiz/result`` proposes the design for them
  (post/redirect/get, so reloading the result is harmless).
* ``POST /quiz/open`` personalises again from the session's answers (a posted
  formula is never trusted), creates the design with its first revision and
  stores the answers with it (``Design.quiz_answers``: the answers, their
  wording and the reasons shown), then forgets them in the session.
* ``POST /quiz/forget`` forgets the session's answers;
  ``POST /quiz/designs/<id>/answers/delete`` deletes the answers stored with a
  design (its owner only, whatever the design's status: the answers are
  personal data, not part of the formula; the revisions stay as they are).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from ..engine import parse_formula
from ..quiz import AnswerError, PersonalizeError, Quiz, describe, normalise, personalize
from ..store import designs as store
from . import rules
from .forms import choices

bp = Blueprint("quiz", __name__, url_prefix="/quiz")
SESSION_KEY = "quiz_answers"


class ActionForm(FlaskForm):
    """Only the CSRF token: open, forget, delete."""


def current_quiz() -> Quiz | None:
    q = rules().quiz
    return q if isinstance(q, Quiz) else None


def _quiz_or_404() -> Quiz:
    q = current_quiz()
    if q is None:
        abort(404, "The rules in force have no skin quiz.")
    return q


def quiz_form(quiz: Quiz, formdata: Any = None, data: dict | None = None) -> FlaskForm:
    """A WTForms form with one field per question (built per quiz: R&D owns the questions).

    Choices are not validated by WTForms (``validate_choice=False``): the
    quiz's own :func:`~configurator.quiz.normalise` does it, with messages in
    the quiz's words, for the page and the API alike.
    """

    class QuizForm(FlaskForm):
        pass

    for q in quiz.questions:
        opts = choices((o.id, o.label) for o in q.options)
        if q.multiple:
            field = SelectMultipleField(q.text, choices=opts, validate_choice=False,
                                        widget=ListWidget(prefix_label=False),
                                        option_widget=CheckboxInput(), description=q.help)
        else:
            field = RadioField(q.text, choices=opts, validate_choice=False, description=q.help)
        setattr(QuizForm, q.id, field)
    return QuizForm(formdata=formdata, data=data)


def _posted_answers(quiz: Quiz) -> dict[str, Any]:
    """The answers exactly as posted: a repeated single answer stays a list (and is refused)."""
    raw: dict[str, Any] = {}
    for q in quiz.questions:
        values = request.form.getlist(q.id)
        if q.multiple:
            raw[q.id] = values
        elif len(values) == 1:
            raw[q.id] = values[0]
        elif values:
            raw[q.id] = values
    return raw


@bp.route("", methods=["GET", "POST"])
@login_required
def start():
    quiz = _quiz_or_404()
    if request.method == "GET":
        form = quiz_form(quiz, data=session.get(SESSION_KEY) or None)
        return render_template("quiz/quiz.html", quiz=quiz, form=form, problems=[])
    form = quiz_form(quiz, formdata=request.form)
    if not form.validate():  # the CSRF token (no other validators)
        abort(400)
    try:
        answers = normalise(quiz, _posted_answers(quiz))
    except AnswerError as exc:
        general = []
        for qid, message in exc.problems:
            if qid in form:
                form[qid].errors = [*form[qid].errors, message]
            else:
                general.append(message)
        return render_template("quiz/quiz.html", quiz=quiz, form=form,
                               problems=[m for _q, m in exc.problems], general=general), 400
    session[SESSION_KEY] = answers
    return redirect(url_for("quiz.result"), 303)


def _proposal_or_redirect(quiz: Quiz):
    answers = session.get(SESSION_KEY)
    if not answers:
        return None, redirect(url_for("quiz.start"), 303)
    try:
        return personalize(quiz, rules(), answers), None
    except AnswerError:  # answers of an older quiz (R&D changed the questions since)
        session.pop(SESSION_KEY, None)
        flash("The quiz has changed since you answered it; please answer it again.", "error")
        return None, redirect(url_for("quiz.start"), 303)
    except PersonalizeError as exc:
        return None, (render_template("errors/error.html", code=422, message=str(exc)), 422)


@bp.get("/result")
@login_required
def result():
    quiz = _quiz_or_404()
    proposal, other = _proposal_or_redirect(quiz)
    if proposal is None:
        return other
    return render_template("quiz/result.html", quiz=quiz, p=proposal, report=proposal.report,
                           shown=describe(quiz, proposal.answers), action_form=ActionForm(),
                           rs=rules())


@bp.post("/open")
@login_required
def open_design():
    quiz = _quiz_or_404()
    if not ActionForm().validate_on_submit():
        abort(400)
    proposal, other = _proposal_or_redirect(quiz)
    if proposal is None:
        return other
    rs = rules()
    stored = {
        "answers": proposal.answers,
        "shown": describe(quiz, proposal.answers),
        "reasons": [{"kind": c.kind, "label": c.label, "reason": c.reason, "says": c.says}
                    for c in proposal.choices],
        "rules_version": rs.version,
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    design = store.create(current_user, parse_formula(proposal.document, "quiz"), rs,
                          quiz_answers=stored)
    session.pop(SESSION_KEY, None)
    flash(f"Design “{design.name}” created from your skin quiz answers; change anything you like.",
          "info")
    return redirect(url_for("designs.edit", design_id=design.id), 303)


@bp.post("/forget")
@login_required
def forget():
    if not ActionForm().validate_on_submit():
        abort(400)
    session.pop(SESSION_KEY, None)
    flash("Your quiz answers are forgotten.", "info")
    return redirect(url_for("quiz.start"), 303)


@bp.post("/designs/<int:design_id>/answers/delete")
@login_required
def delete_answers(design_id: int):
    design = store.get_own(current_user, design_id)
    if design is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    store.forget_quiz_answers(current_user, design)
    flash("Your skin quiz answers are deleted from this design; the formula stays as it is.",
          "info")
    return redirect(url_for("designs.edit", design_id=design.id), 303)
