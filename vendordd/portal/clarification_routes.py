"""The vendor's side of clarifications: the reviewers' questions, their threads, replies.

The contact sees only the assessment its portal session is bound to. The answer itself is
changed on the question's domain page; here the contact reads and answers the thread.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for

from vendordd.assessments.review import (
    ReviewError,
    message_threads,
    open_clarifications,
    reply_to_clarification,
)
from vendordd.assessments.review_forms import MessageForm
from vendordd.assessments.review_view import answer_words
from vendordd.assessments.services import stored_answers
from vendordd.assessments.workflow import CLARIFICATION
from vendordd.db import get_session
from vendordd.dbtypes import utcnow
from vendordd.portal.access import contact_actor, contact_view
from vendordd.portal.routes import bp


@bp.get("/clarifications")
@contact_view
def clarifications():
    return _page(MessageForm(formdata=None))


@bp.post("/clarifications/reply")
@contact_view
def clarification_reply():
    db = get_session()
    form = MessageForm()
    if form.validate_on_submit():
        try:
            reply_to_clarification(
                db,
                assessment=g.assessment,
                question_key=form.question.data,
                message=form.message.data,
                now=utcnow(),
                actor=contact_actor(),
            )
        except ReviewError as exc:
            form.form_errors.append(str(exc))
        else:
            db.commit()
            flash(f"Your reply on {form.question.data} was sent to the reviewers.", "success")
            return redirect(
                url_for("portal.clarifications", _anchor=f"clarification-{form.question.data}")
            )
    return _page(form, 422)


def _page(form: MessageForm, status: int = 200):
    db = get_session()
    assessment = g.assessment
    words = answer_words(db, assessment=assessment)
    stored = stored_answers(db, assessment_id=assessment.id)
    threads = message_threads(db, assessment_id=assessment.id)
    keys = open_clarifications(db, assessment_id=assessment.id)
    items = [(words.by_key[key], words(key, stored.get(key)), threads.get(key, [])) for key in keys]
    page = render_template(
        "portal/clarifications.html",
        assessment=assessment,
        vendor=g.vendor,
        items=items,
        can_reply=assessment.status == CLARIFICATION,
        form=form,
    )
    return page, status
