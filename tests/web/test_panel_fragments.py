"""The findings panel keeps each finding's HTML (web/panel.py: finding_html) and shows
exactly what rendering every finding through its template shows.

The reference below renders ``designs/_finding.html`` for every finding with no
memo; the preview must answer byte for byte the same, the first time (memo empty)
and the next (memo full), for an editable panel and for a read-only one, and a
coming rule's date must follow the day asked for, not a date kept from before.
"""

from __future__ import annotations

from flask import current_app
from markupsafe import Markup

from configurator.engine.report import Finding, FixAction
from configurator.web import panel
from tests.web.test_designer_on import D5

CREAM = {"name": "Night cream", "product_type": "night-cream", "base": "rich-night-cream",
         "target_ph": "5.5", "rows-0-inci": "Niacinamide", "rows-0-amount": "5",
         "rows-1-inci": "Retinol", "rows-1-amount": "0.5 %",
         "rows-2-inci": "Salicylic Acid", "rows-2-amount": "0.5",
         "rows-3-inci": "Glycerin", "rows-3-amount": "3"}
LOTION = {"name": "Body lotion", "product_type": "body-lotion", **D5}


def reference(findings, editable, coming) -> Markup:
    """Every finding through the template, nothing kept."""
    tpl = current_app.jinja_env.from_string(
        '{% for f in findings %}{% include "designs/_finding.html" %}{% endfor %}')
    return Markup(tpl.render(findings=findings, editable=editable,
                             **({} if coming is None else {"coming": coming})))


def _preview(app, client, data):
    r = client.post("/designs/preview", data=data)
    assert r.status_code == 200
    return r.get_data(as_text=True)


def test_preview_is_what_the_template_alone_draws(app, client, auth):
    auth.login()
    seen = []
    for data in (CREAM, LOTION, {**LOTION, "on": "2027-06-07"}, {**LOTION, "on": "2026-01-05"}):
        panel._FINDINGS.clear()
        cold = _preview(app, client, data)
        warm = _preview(app, client, data)
        app.jinja_env.globals["findings_html"] = reference
        try:
            expected = _preview(app, client, data)
        finally:
            app.jinja_env.globals["findings_html"] = panel.findings_html
        assert cold == warm == expected
        assert 'class="finding' in expected
        seen.append(expected)
    panel._FINDINGS.clear()
    assert "Apply fix" in seen[0] and "Applies from 7 Jun 2027" in seen[1]


def test_kept_fragments_follow_editable_and_the_coming_day(app):
    coming = Finding("warning", "coming-rule", "reach-d5", ("Cyclopentasiloxane",),
                     "Cyclopentasiloxane at 5 % breaks a coming rule.", "REACH", "Lower it",
                     FixAction("set-percent", "Cyclopentasiloxane", 0.09))
    plain = Finding("error", "max-concentration", "retinol", ("Retinol",), "Retinol <b>",
                    "Annex III", "", None)
    with app.test_request_context("/"):
        for editable in (True, False, True):
            for day in ("7 Jun 2027", "1 Jan 2030", None):
                c = {"reach-d5": day} if day else {}
                for cm in (c, None):
                    got = panel.findings_html([coming, plain], editable, cm)
                    assert got == reference([coming, plain], editable, cm)
        assert "&lt;b&gt;" in panel.findings_html([plain], True, None)  # escaped, once
        assert "Apply fix" not in panel.findings_html([coming], False, None)
