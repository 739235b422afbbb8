"""The concentration page: layer figures and heatmaps under filters, each cell's services, CSV."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, abort, current_app, render_template, request, url_for

from vendordd.auth.access import roles
from vendordd.auth.models import Role
from vendordd.concentration import aggregates, riskgrid
from vendordd.concentration.aggregates import Filters
from vendordd.concentration.metrics import BASES
from vendordd.concentration.page import BASIS_UNITS, SINGULAR, build_heatmap, scope
from vendordd.concentration.resilience import Resilience, single_point_of_failure
from vendordd.concentration.routes import bp
from vendordd.concentration.thresholds import PRESETS, RULE_LABELS
from vendordd.db import get_session
from vendordd.paging import positive_int
from vendordd.vendors.models import VENDOR_STATUSES
from vendordd.vendors.queries import filter_choices


def _href(filters: Filters, matrix: str):
    # url_for once per matrix, not once per cell (a matrix can have hundreds).
    base = url_for("concentration.cell", matrix=matrix, **filters.args())
    return lambda row, col: f"{base}&{urlencode({'row': row, 'col': col})}"


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
    spofs, spof_total = riskgrid.single_points(db, filters=filters)
    return render_template(
        "concentration/index.html",
        filters=filters,
        scope=scope(db, filters),
        layers=aggregates.layer_summary(db, filters=filters),
        heatmaps=[
            build_heatmap(db, filters=filters, matrix=m, href=_href(filters, m))
            for m in riskgrid.MATRICES
        ],
        spofs=[
            (service, vendor, _reasons(service.tier, substitutability, tested))
            for service, vendor, substitutability, tested in spofs
        ],
        spof_total=spof_total,
        choices=filter_choices(db),
        statuses=VENDOR_STATUSES,
        bases=BASIS_UNITS,
        presets=PRESETS,
        rule_labels=RULE_LABELS,
        singular=SINGULAR,
        provider_layers=aggregates.PROVIDER_LAYERS,
        stack_columns=aggregates.STACK_COLUMNS,
        basis_keys=BASES,
    )


@bp.route("/cell")
@roles(Role.RISK, Role.AUDITOR)
def cell():
    db = get_session()
    filters = Filters.from_args(request.args)
    matrix = _matrix()
    row, col = request.args.get("row", ""), request.args.get("col", "")
    heatmap = build_heatmap(db, filters=filters, matrix=matrix, href=_href(filters, matrix))
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
        scope=scope(db, filters),
        page=page,
        back=url_for("concentration.index", **filters.args()),
    )


@bp.route("/download.csv")
@roles(Role.RISK, Role.AUDITOR)
def csv():
    db = get_session()
    filters = Filters.from_args(request.args)
    matrix = _matrix()
    heatmap = build_heatmap(db, filters=filters, matrix=matrix, href=_href(filters, matrix))
    return Response(
        heatmap.csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=concentration-{matrix}.csv"},
    )


def _reasons(tier: int, substitutability: str | None, tested: int) -> tuple[str, ...]:
    # The SQL picked services on exactly one model path; the pure rule says why.
    return single_point_of_failure(Resilience(0, tier, 1, substitutability, bool(tested)))
