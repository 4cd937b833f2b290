"""The quiz pages and the personalize API, against the real app, rules and database."""

from __future__ import annotations

import html as htmllib
import re

from tests.conftest import csrf_of
from tests.quiz.conftest import DEFAULT

OILY = dict(DEFAULT, **{"skin-type": "oily", "concerns": ["large-pores"], "texture": "light"})


def form_post(answers: dict, token: str) -> dict:
    data: dict = {"csrf_token": token}
    for k, v in answers.items():
        data[k] = v  # the test client posts a list as repeated fields
    return data


def take_quiz(client, auth, answers=OILY):
    auth.login()
    token = csrf_of(client.get("/quiz").get_data(as_text=True))
    return client.post("/quiz", data=form_post(answers, token))


def text(r) -> str:
    """The page as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    return text_of(r.get_data(as_text=True))


def text_of(page: str) -> str:
    raw = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", htmllib.unescape(raw)).replace(" —", " —")


def test_quiz_page_lists_every_question(client, auth, rules):
    auth.login()
    r = client.get("/quiz")
    assert r.status_code == 200
    page, raw = text(r), r.get_data(as_text=True)
    for q in rules.quiz.questions:
        assert q.text in page
        for o in q.options:
            assert f'value="{o.id}"' in raw and o.label in page
    assert 'type="radio"' in raw and 'type="checkbox"' in raw
    assert "Skin quiz" in text(client.get("/designs"))  # the dashboard links to it


def test_quiz_needs_login(client):
    assert client.get("/quiz").status_code == 302


def test_result_shows_each_reason_and_answers_stay_out_of_the_url(client, auth):
    r = take_quiz(client, auth)
    assert r.status_code == 303 and r.headers["Location"].endswith("/quiz/result")
    page = text(client.get("/quiz/result"))
    assert "Niacinamide 5 % — you said: large pores, oily skin" in page
    assert "Light gel serum" in page and "you said: a light texture" in page
    assert "No errors" in page  # the engine's verdict on the proposal
    assert "pregnan" not in r.headers["Location"]


def test_open_creates_a_design_with_the_answers_then_delete_them(client, auth, app):
    take_quiz(client, auth)
    page = client.get("/quiz/result").get_data(as_text=True)
    r = client.post("/quiz/open", data={"csrf_token": csrf_of(page)})
    assert r.status_code == 303
    design_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    editor = text(client.get(f"/designs/{design_id}"))
    raw = client.get(f"/designs/{design_id}").get_data(as_text=True)
    assert 'value="Niacinamide"' in raw and 'value="5"' in raw
    assert "Your skin quiz answers" in editor and "Oily: shiny all over" in editor
    editor = raw
    with app.app_context():
        from configurator.store import db
        from configurator.store.models import Design

        d = db.session().get(Design, design_id)
        assert d.quiz_answers["answers"]["skin-type"] == "oily"
        assert any("Niacinamide" in x["label"] for x in d.quiz_answers["reasons"])
    # the session forgot them: the result page now sends back to the quiz
    assert client.get("/quiz/result").status_code == 303
    r = client.post(f"/quiz/designs/{design_id}/answers/delete",
                    data={"csrf_token": csrf_of(editor)})
    assert r.status_code == 303
    editor = client.get(f"/designs/{design_id}").get_data(as_text=True)
    assert 'id="quiz-answers"' not in editor and "answers are deleted" in text_of(editor)
    assert 'value="Niacinamide"' in client.get(f"/designs/{design_id}").get_data(as_text=True)
    with app.app_context():
        from configurator.store import db
        from configurator.store.models import Design

        assert db.session().get(Design, design_id).quiz_answers is None


def test_only_the_owner_deletes_answers_and_only_with_csrf(client, auth):
    take_quiz(client, auth)
    page = client.get("/quiz/result").get_data(as_text=True)
    r = client.post("/quiz/open", data={"csrf_token": csrf_of(page)})
    design_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    assert client.post(f"/quiz/designs/{design_id}/answers/delete").status_code == 400
    client.post("/logout", data={"csrf_token": auth.csrf("/designs")})
    auth.login("bob@example.com")
    r = client.post(f"/quiz/designs/{design_id}/answers/delete",
                    data={"csrf_token": auth.csrf("/designs")})
    assert r.status_code == 404


def test_forget_clears_the_session(client, auth):
    take_quiz(client, auth)
    page = client.get("/quiz/result").get_data(as_text=True)
    assert client.post("/quiz/forget", data={"csrf_token": csrf_of(page)}).status_code == 303
    assert client.get("/quiz/result").status_code == 303


def test_change_my_answers_prefills_the_form(client, auth):
    take_quiz(client, auth)
    page = client.get("/quiz").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="oily"|value="oily"[^>]*checked', page)
    assert re.search(r'<input checked[^>]*value="large-pores"|value="large-pores"[^>]*checked', page)


def test_bad_answers_get_a_clear_message(client, auth):
    auth.login()
    token = csrf_of(client.get("/quiz").get_data(as_text=True))
    missing = {k: v for k, v in DEFAULT.items() if k != "pregnancy"}
    r = client.post("/quiz", data=form_post(missing, token))
    assert r.status_code == 400
    assert "please answer “Are you pregnant, breastfeeding or trying to conceive?”" in text(r)
    r = client.post("/quiz", data=form_post(dict(DEFAULT, **{"skin-type": "scaly"}), token))
    assert r.status_code == 400 and "'scaly' is not an answer to" in text(r)
    r = client.post("/quiz", data=form_post(dict(DEFAULT, **{"skin-type": ["oily", "dry"]}),
                                            token))
    assert r.status_code == 400 and "takes one answer, not a list" in text(r)
    too_many = dict(DEFAULT, concerns=["acne", "redness", "dullness", "fine-lines"])
    r = client.post("/quiz", data=form_post(too_many, token))
    assert r.status_code == 400 and "choose at most 3 answers" in text(r)
    r = client.post("/quiz", data=form_post(dict(DEFAULT, concerns=["acne", "<script>"]), token))
    assert r.status_code == 400 and "<script>" not in r.get_data(as_text=True)
    r = client.post("/quiz", data=form_post(DEFAULT, "forged"))
    assert r.status_code == 400  # CSRF


def test_api_personalize(client, rules):
    r = client.post("/api/v1/personalize", json={"answers": OILY})
    assert r.status_code == 200
    body = r.get_json()
    assert set(body) >= {"formula", "reasons", "left_out", "report", "answers"}
    assert body["report"]["valid"] is True
    assert body["formula"]["base"] == "light-gel"
    nia = next(x for x in body["reasons"] if x["ref"] == "Niacinamide")
    assert nia["label"] == "Niacinamide 5 %"
    assert [b["says"] for b in nia["because"]] == ["large pores", "oily skin"]
    # the formula document is a contract §1 document: /validate gives the same verdict
    again = client.post("/api/v1/validate", json=body["formula"]).get_json()
    assert again["valid"] is True and again["findings"] == body["report"]["findings"]


def test_api_quiz_lists_the_questions(client, rules):
    body = client.get("/api/v1/quiz").get_json()
    assert [q["id"] for q in body["questions"]] == [q.id for q in rules.quiz.questions]


def test_api_bad_answers(client):
    r = client.post("/api/v1/personalize", json={"answers": {"skin-type": "oily"}})
    assert r.status_code == 400
    body = r.get_json()
    assert body["error"] == "invalid quiz answers"
    assert {d["question"] for d in body["details"]} >= {"pregnancy", "age", "budget"}
    r = client.post("/api/v1/personalize", json={"answers": dict(OILY, colour="blue")})
    assert r.status_code == 400 and r.get_json()["details"][0]["question"] == "colour"
    r = client.post("/api/v1/personalize", json={"answers": dict(OILY, concerns="acne")})
    assert r.status_code == 400 and "takes a list" in r.get_json()["details"][0]["message"]
    assert client.post("/api/v1/personalize", json=OILY).status_code == 400
    assert client.post("/api/v1/personalize", json=[1, 2]).status_code == 400
    assert client.post("/api/v1/personalize", data="x").status_code == 415
