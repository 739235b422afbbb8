"""The concentration page: layer figures and heatmaps under filters, each cell's services, CSV."""

from __future__ import annotations

from functools import cache
from urllib.parse import quote_plus

from flask import Response, abort, current_app, render_template, request, url_for

from vendordd.auth.access import roles
from vendordd.auth.models import Role
from vendordd.concentration import aggregates, riskgrid, single_points
from vendordd.concentration.aggregates import Filters
from vendordd.concentration.limits import thresholds_for
from vendordd.concentration.metrics import BASES
from vendordd.concentration.models import PROVIDER_LAYERS, SINGULAR, STACK_COLUMNS
from vendordd.concentration.page import BASIS_UNITS, build_heatmap, read_names, scope
from vendordd.concentration.routes import bp
from vendordd.concentration.thresholds import (
    LAYER_RULES,
    PRESETS,
    RULE_LABELS,
    describe,
    number,
)
from vendordd.db import get_session
from vendordd.paging import positive_int
from vendordd.vendors.models import VENDOR_STATUSES


def _href(filters: Filters, matrix: str):
    # url_for once per matrix and each axis key quoted once, not once per cell (a matrix can
    # have hundreds of cells).
    base = url_for("concentration.cell", matrix=matrix, **filters.args())
    quote = cache(quote_plus)
    return lambda row, col: f"{base}&row={quote(row)}&col={quote(col)}"


def _matrix() -> str:
    matrix = request.args.get("matrix", "")
    if matrix not in riskgrid.MATRICES:
        abort(404)
    return matrix


@bp.route("/")
@roles(Role.RISK, Role.AUDITOR)
def index():
    db = get_session()
    filters = Filters.from_args(request.args)
    names = read_names(db)
    limits = thresholds_for(db, preset=filters.preset)
    layers = aggregates.layer_summary(db, filters=filters, limits=limits, names=names.providers)
    heatmaps = [
        build_heatmap(db, filters=filters, matrix=m, href=_href(filters, m), names=names)
        for m in riskgrid.MATRICES
    ]
    return render_template(
        "concentration/index.html",
        filters=filters,
        scope=scope(filters, names),
        names=names,
        layers=layers,
        # The risk grid counts the services the filters let through on its way.
        in_scope=next(m.services for m in heatmaps if m.key == "risk"),
        limits_shown={row.layer: describe(row.limits, LAYER_RULES) for row in layers},
        heatmaps=heatmaps,
        single_points=single_points.summary(db, filters=filters),
        statuses=VENDOR_STATUSES,
        bases=BASIS_UNITS,
        presets=PRESETS,
        rule_labels=RULE_LABELS,
        number=number,
        singular=SINGULAR,
        provider_layers=PROVIDER_LAYERS,
        stack_columns=STACK_COLUMNS,
        basis_keys=BASES,
    )


@bp.route("/cell")
@roles(Role.RISK, Role.AUDITOR)
def cell():
    db = get_session()
    filters = Filters.from_args(request.args)
    matrix = _matrix()
    row, col = request.args.get("row", ""), request.args.get("col", "")
    names = read_names(db)
    heatmap = build_heatmap(
        db, filters=filters, matrix=matrix, href=_href(filters, matrix), names=names
    )
    page = riskgrid.cell_services(
        db,
        filters=filters,
        matrix=matrix,
        row=row,
        col=col,
        number=positive_int(request.args.get("page")) or 1,
        size=current_app.config["VENDORDD"].page_size,
    )
    return render_template(
        "concentration/cell.html",
        heatmap=heatmap,
        labels=heatmap.label(row, col),
        figure=heatmap.cell(row, col),
        scope=scope(filters, names),
        page=page,
        back=url_for("concentration.index", **filters.args()),
    )


@bp.route("/single-points")
@roles(Role.RISK, Role.AUDITOR)
def single_points_list():
    db = get_session()
    filters = Filters.from_args(request.args)
    page = single_points.listing(
        db,
        filters=filters,
        number=positive_int(request.args.get("page")) or 1,
        size=current_app.config["VENDORDD"].page_size,
    )
    return render_template(
        "concentration/single_points.html",
        page=page,
        scope=scope(filters, read_names(db)),
        back=url_for("concentration.index", **filters.args()),
    )


@bp.route("/download.csv")
@roles(Role.RISK, Role.AUDITOR)
def csv():
    db = get_session()
    filters = Filters.from_args(request.args)
    matrix = _matrix()
    heatmap = build_heatmap(
        db, filters=filters, matrix=matrix, href=_href(filters, matrix), names=read_names(db)
    )
    return Response(
        heatmap.csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=concentration-{matrix}.csv"},
    )
