"""Answering in the portal: one page per domain (works without JavaScript) and autosave."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from vendordd.assessments.answering import Conflict
from vendordd.concentration.services import provider_labels, provider_lookup, provider_names
from vendordd.db import get_session
from vendordd.dbtypes import utcnow
from vendordd.portal.access import contact_actor, contact_view
from vendordd.portal.answering import AnswerState, answer_state, save_changes
from vendordd.portal.display import answer_text
from vendordd.portal.question_forms import (
    ADD,
    NA_BOX,
    REMOVE,
    REV,
    base_revision,
    domain_form,
    form_data,
    normalised,
    raw_answer,
)
from vendordd.portal.routes import bp
from vendordd.questionnaires.answers import AnswerError, parse_answer
from vendordd.questionnaires.schema import Question
from vendordd.vendors.validation import countries

THEIRS = ".theirs"
READ_ONLY = "Your answers are final: this assessment is {status}. You can read them here."


def _state() -> AnswerState:
    return answer_state(get_session(), assessment=g.assessment, today=utcnow().date())


def _form(state: AnswerState, domain_key: str, formdata: Any = None) -> FlaskForm:
    """The domain's form: on the stored answers, or on what was posted."""
    form_class = domain_form(state.definition, domain_key)
    if formdata is not None:
        return form_class(formdata=formdata)
    return form_class(formdata=None, data=_data(state, domain_key))


def _data(state: AnswerState, domain_key: str) -> dict[str, Any]:
    """What the domain's fields show for the stored answers."""
    labels = provider_labels(get_session())
    data: dict[str, Any] = {}
    for key in state.in_scope(domain_key):
        question = state.definition.by_key[key]
        if question.type != "evidence":
            data |= form_data(question, state.stored.get(key), labels, state.revisions.get(key, 0))
    return data


@bp.route("/domains/<domain_key>", methods=["GET", "POST"])
@contact_view
def domain(domain_key: str):
    state = _state()
    if state.progress.domain(domain_key) is None:
        abort(404)
    if request.method == "GET":
        return _page(state, domain_key, _form(state, domain_key))
    if state.editable == frozenset():
        flash(READ_ONLY.format(status=g.assessment.status.replace("_", " ")), "error")
        return _page(state, domain_key, _form(state, domain_key), status=403)
    form = _form(state, domain_key, request.form)
    errors, conflicts = _save_page(state, domain_key, form)
    state = _state()
    if state.progress.domain(domain_key) is None:  # its questions no longer apply
        return redirect(url_for("portal.domain", domain_key=state.progress.domains[0].key))
    _refresh(state, domain_key, form, keep=set(errors) | set(conflicts))
    added = state.definition.by_key.get(request.form.get(ADD, ""))
    if added and added.type == "group" and added.key in form and state.is_editable(added.key):
        form[added.key].append_entry()
    elif not errors and not conflicts:
        return redirect(url_for("portal.domain", domain_key=domain_key))
    status = 409 if conflicts else 422 if errors else 200
    return _page(state, domain_key, form, errors, conflicts, status)


def _save_page(
    state: AnswerState, domain_key: str, form: FlaskForm
) -> tuple[dict[str, str], dict[str, Conflict]]:
    """Save the changed, valid answers of the questions asked on the page; the rest's errors."""
    db = get_session()
    lookup = provider_lookup(db)
    errors: dict[str, str] = {}
    edits: dict[str, tuple[Any, int]] = {}
    for question in state.progress.domain(domain_key).questions:
        key = question.key
        if question.type == "evidence" or not state.is_editable(key) or _kept(key):
            continue
        _remove_row(form, question)
        try:
            value = parse_answer(question, normalised(question, raw_answer(form, question)), lookup)
        except AnswerError as error:
            errors[key] = str(error)
            continue
        base = base_revision(form, key)
        if request.form.get("overwrite") == key and request.form.get(key + THEIRS, "").isdigit():
            base = int(request.form[key + THEIRS])  # saving over theirs, deliberately
        edits[key] = (value, base)
    saved = save_changes(
        db,
        assessment=g.assessment,
        edits=edits,
        now=utcnow(),
        actor=contact_actor(),
        skip_untouched=True,
    )
    db.commit()
    if saved.changed:
        count = len(saved.changed)
        flash(f"{count} answer{'s' if count != 1 else ''} saved.", "success")
    return errors, saved.conflicts


def _kept(key: str) -> bool:
    """Whether the contact chose to keep a colleague's newer answer to this question."""
    return request.form.get("keep") == key


def _remove_row(form: FlaskForm, question: Question) -> None:
    index = request.form.get(question.key + REMOVE, "")
    if question.type == "group" and index.isdigit() and int(index) < len(form[question.key]):
        form[question.key].entries.pop(int(index))


def _refresh(state: AnswerState, domain_key: str, form: FlaskForm, keep: set[str]) -> None:
    """Show stored answers again, except those refused, which keep what the contact typed."""
    data = _data(state, domain_key)
    for key in state.in_scope(domain_key):
        if key in keep:
            continue
        for name in (key, key + NA_BOX, key + REV):
            if name in data:
                form[name].process(None, data=data[name])


def _page(
    state: AnswerState,
    domain_key: str,
    form: FlaskForm,
    errors: dict[str, str] | None = None,
    conflicts: dict[str, Conflict] | None = None,
    status: int = 200,
):
    db = get_session()
    domains = state.progress.domains
    page = state.progress.domain(domain_key)
    index = domains.index(page)
    keys = state.in_scope(domain_key)
    labels = provider_labels(db)
    kinds = {state.definition.by_key[key].type for key in keys}
    page_html = render_template(
        "portal/domain.html",
        state=state,
        page=page,
        form=form,
        keys=keys,
        errors=errors or {},
        conflicts=conflicts or {},
        theirs={
            key: answer_text(state.definition.by_key[key], conflict.value, labels)
            for key, conflict in (conflicts or {}).items()
        },
        shown={
            key: answer_text(state.definition.by_key[key], state.stored.get(key), labels)
            for key in keys
        },
        previous=domains[index - 1] if index > 0 else None,
        following=domains[index + 1] if index + 1 < len(domains) else None,
        read_only=state.editable == frozenset(),
        provider_names=provider_names(db) if {"providers", "group"} & kinds else [],
        countries=countries() if {"countries", "group"} & kinds else {},
    )
    return page_html, status


@bp.post("/answers/<question_key>")
@contact_view
def autosave(question_key: str):
    state = _state()
    question = state.definition.by_key.get(question_key)
    if question is None or question.key not in state.progress.visible:
        return jsonify(error="There is no such question on this questionnaire."), 404
    if question.type == "evidence" or not state.is_editable(question.key):
        return jsonify(error="This answer cannot be changed now."), 403
    body = request.get_json(silent=True)
    base = body.get("base_revision") if isinstance(body, dict) else None
    if not isinstance(base, int) or isinstance(base, bool) or base < 0 or "value" not in body:
        return jsonify(
            error="Send JSON with a value and the base_revision it was edited from."
        ), 400
    db = get_session()
    try:
        value = parse_answer(question, normalised(question, body["value"]), provider_lookup(db))
    except AnswerError as error:
        return jsonify(error=str(error)), 422
    now = utcnow()
    saved = save_changes(
        db,
        assessment=g.assessment,
        edits={question.key: (value, base)},
        now=now,
        actor=contact_actor(),
    )
    if saved.conflicts:
        conflict = saved.conflicts[question.key]
        theirs = answer_text(question, conflict.value, provider_labels(db))
        return jsonify(
            error=f"Changed by {conflict.updated_by} to “{theirs}”.",
            conflict={
                "by": conflict.updated_by,
                "at": conflict.updated_at.isoformat() if conflict.updated_at else None,
                "value": theirs,
                "revision": conflict.revision,
            },
        ), 409
    db.commit()
    state = _state()
    page = state.progress.domain(question.domain)
    return jsonify(
        revision=state.revisions.get(question.key, 0),
        changed=bool(saved.changed),
        saved_at=now.isoformat(),
        visible=[q.key for q in page.questions] if page else [],
        progress={
            "answered": page.answered if page else 0,
            "asked": len(page.questions) if page else 0,
            "missing": [q.key for q in page.missing_answers] if page else [],
        },
    )
