"""Bulk onboarding: reading, checking and importing files against a real session."""

from __future__ import annotations

import hashlib
from collections import Counter
from decimal import Decimal

import pytest
from sqlmodel import func, select

from tests.conftest import NOW, SYSTEM
from tests.vendors.import_files import (
    BASE,
    ENTITY,
    FILES,
    FUNCTION,
    HEADER,
    OTHER_ENTITY,
    OTHER_FUNCTION,
    add_reference_data,
    broken,
    check_file,
    csv_file,
    import_file,
    lei,
    row,
    spots,
    vendor_only,
    xlsx_file,
)
from vendordd.audit.models import AuditEvent
from vendordd.vendors import importing, services
from vendordd.vendors.models import Entity, Service, ServiceEntity, ServiceFunction, Vendor
from vendordd.vendors.services import ServiceData, VendorData
from vendordd.vendors.tiering import Intake

LEI_A, LEI_B, LEI_C = (
    lei("5493001KJTIIGC8Y1R"),
    lei("529900T8BM49AURSDO"),
    lei("213800WAVVOPS85N2Y"),
)


@pytest.fixture
def reference(db):
    add_reference_data(db)


def count(db, model) -> int:
    return db.exec(select(func.count()).select_from(model)).one()


def actions(db) -> Counter:
    return Counter(db.exec(select(AuditEvent.action)))


def vendor_named(db, legal_name: str) -> Vendor:
    return db.exec(select(Vendor).where(Vendor.legal_name == legal_name)).one()


def service_named(db, name: str) -> Service:
    return db.exec(select(Service).where(Service.name == name)).one()


def existing_vendor(db, legal_name: str, **fields) -> Vendor:
    data = VendorData(legal_name=legal_name, display_name=legal_name.split()[0], hq_country="HK")
    for name, value in fields.items():
        setattr(data, name, value)
    vendor = services.create_vendor(db, data=data, actor=SYSTEM, now=NOW)
    db.commit()
    return vendor


GOOD_ROWS = [
    row(annual_spend=180000.5, users_affected=2500, is_public_facing=False, rto_hours=24),
    row(
        service_name="Harbor Translate",
        critical_function="yes",
        reliance="full",
        entities=f"{ENTITY}; {OTHER_ENTITY}",
        business_functions=f"{FUNCTION};{OTHER_FUNCTION}",
        annual_spend="",
        rto_hours="",
    ),
    vendor_only(legal_name="Quillstone Analytics Ltd", display_name="", lei=LEI_A, hq_country="gb"),
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_good_file_creates_vendors_and_tiered_services(db, reference, kind):
    content = FILES[kind](GOOD_ROWS)
    summary = import_file(db, content, filename=f"book.{kind}")

    assert summary | {"sha256": None} == {
        "file": f"book.{kind}",
        "sha256": None,
        "rows": 3,
        "vendors_created": 2,
        "vendors_updated": 0,
        "vendors_unchanged": 0,
        "services_created": 2,
        "services_updated": 0,
        "services_unchanged": 0,
    }
    assert summary["sha256"] == hashlib.sha256(content).hexdigest()
    lumen = vendor_named(db, "Lumen Harbor AI Pte. Ltd.")
    assert (lumen.display_name, lumen.status, lumen.tier, lumen.lei) == (
        "Lumen Harbor",
        "prospect",
        1,
        None,
    )
    quill = vendor_named(db, "Quillstone Analytics Ltd")
    assert (quill.display_name, quill.hq_country, quill.lei, quill.tier) == (
        "Quillstone Analytics Ltd",
        "GB",
        LEI_A,
        None,
    )
    assist, translate = service_named(db, "Harbor Assist"), service_named(db, "Harbor Translate")
    assert (assist.tier, assist.annual_spend, assist.rto_hours, assist.users_affected) == (
        2,
        Decimal("180000.50"),
        24,
        2500,
    )
    assert (translate.tier, translate.annual_spend, translate.rto_hours) == (1, None, None)
    assert count(db, ServiceEntity) == 3 and count(db, ServiceFunction) == 3
    recorded = actions(db)
    assert (recorded["vendor.created"], recorded["service.created"]) == (2, 2)
    assert recorded["import.completed"] == 1


def test_reimport_of_the_same_file_changes_nothing(db, reference):
    content = csv_file(GOOD_ROWS)
    import_file(db, content)
    before = actions(db)

    summary = import_file(db, content)

    assert (summary["vendors_unchanged"], summary["services_unchanged"]) == (2, 2)
    assert summary["vendors_created"] + summary["vendors_updated"] == 0
    assert summary["services_created"] + summary["services_updated"] == 0
    assert actions(db) - before == Counter({"import.completed": 1})
    assert (count(db, Vendor), count(db, Service)) == (2, 2)


def test_matching_by_lei_updates_the_vendor_and_keeps_its_status(db, reference):
    vendor = existing_vendor(db, "Lumen Harbour Holdings", lei=LEI_B)
    services.change_status(db, vendor=vendor, status="onboarding", actor=SYSTEM, now=NOW)
    db.commit()

    summary = import_file(db, csv_file([row(lei=LEI_B)]))

    assert (summary["vendors_updated"], summary["vendors_created"]) == (1, 0)
    db.refresh(vendor)
    assert (vendor.legal_name, vendor.status, vendor.hq_country) == (
        "Lumen Harbor AI Pte. Ltd.",
        "onboarding",
        "SG",
    )
    assert count(db, Vendor) == 1
    update = db.exec(select(AuditEvent).where(AuditEvent.action == "vendor.updated")).one()
    assert update.changes["legal_name"] == ["Lumen Harbour Holdings", "Lumen Harbor AI Pte. Ltd."]


def test_matching_by_legal_name_ignores_case_and_spacing_and_adds_the_lei(db, reference):
    vendor = existing_vendor(db, "Lumen Harbor AI Pte. Ltd.")

    summary = import_file(db, csv_file([row(legal_name="LUMEN  harbor ai pte. ltd.", lei=LEI_B)]))

    assert summary["vendors_updated"] == 1
    db.refresh(vendor)
    assert (vendor.lei, vendor.legal_name) == (LEI_B, "LUMEN harbor ai pte. ltd.")
    assert count(db, Vendor) == 1


def test_empty_cells_keep_stored_values_of_existing_records(db, reference, make_user):
    owner = make_user("procurement")
    import_file(db, csv_file([row(owner_email=owner.email, notes="Key account")]))
    before = actions(db)

    blanks = dict.fromkeys(
        ["display_name", "website", "owner_email", "notes", "service_description"], ""
    )
    summary = import_file(db, csv_file([row(**blanks, annual_spend="", entities="", rto_hours="")]))

    assert (summary["vendors_unchanged"], summary["services_unchanged"]) == (1, 1)
    assert actions(db) - before == Counter({"import.completed": 1})
    vendor = vendor_named(db, BASE["legal_name"])
    assert (vendor.owner_id, vendor.notes, vendor.website) == (
        owner.id,
        "Key account",
        BASE["website"],
    )


def test_changed_intake_updates_and_retiers_the_service(db, reference):
    import_file(db, csv_file([row()]))
    assert service_named(db, "Harbor Assist").tier == 2

    summary = import_file(db, csv_file([row(critical_function="yes", users_affected="3000")]))

    assert (summary["services_updated"], summary["vendors_unchanged"]) == (1, 1)
    service = service_named(db, "Harbor Assist")
    assert service.tier == 1 and vendor_named(db, BASE["legal_name"]).tier == 1
    update = db.exec(select(AuditEvent).where(AuditEvent.action == "service.updated")).one()
    assert update.changes["tier"] == [2, 1]
    assert update.changes["users_affected"] == [2500, 3000]


def test_service_names_match_ignoring_case(db, reference):
    import_file(db, csv_file([row()]))

    summary = import_file(db, csv_file([row(service_name="HARBOR ASSIST")]))

    assert (summary["services_updated"], summary["services_created"]) == (1, 0)
    assert db.exec(select(Service.name)).all() == ["HARBOR ASSIST"]


def test_vendor_cells_may_be_filled_on_one_row_only(db, reference):
    rows = [row(), row(service_name="Harbor Translate", display_name="", website="", hq_country="")]

    summary = import_file(db, csv_file(rows))

    assert (summary["vendors_created"], summary["services_created"]) == (1, 2)
    assert vendor_named(db, BASE["legal_name"]).display_name == "Lumen Harbor"


def test_many_kinds_of_errors_are_all_reported_and_nothing_is_written(db, reference, make_user):
    make_user("risk", email="gone@bank.example", is_active=False)
    rows = [
        row(legal_name="Valid One Ltd"),  # 2
        row(legal_name="Bad Lei Ltd", lei=broken(LEI_A)),  # 3
        row(legal_name="Bad Country Ltd", hq_country="XX"),  # 4
        None,  # 5: an empty line is skipped but keeps its number
        row(legal_name="Bad Url Ltd", website="lumen.example", use_case="chatbot"),  # 6
        row(legal_name="Missing Ltd", data_class="", users_affected="many"),  # 7
        row(legal_name="Names Ltd", entities="Nowhere bank", is_public_facing="maybe"),  # 8
        row(legal_name=""),  # 9
        vendor_only(legal_name="Stray Ltd", use_case="customer_information"),  # 10
        row(legal_name="Money Ltd", annual_spend="-5", rto_hours="1.5"),  # 11
        row(legal_name="Owner Ltd", owner_email="nobody@bank.example"),  # 12
        row(legal_name="Former Ltd", owner_email="gone@bank.example"),  # 13
        row(legal_name="Cents Ltd", annual_spend="12.345", business_functions="HR, Legal"),  # 14
        row(legal_name="x" * 201),  # 15
        row(legal_name="Long " * 30, display_name=""),  # 16
    ]
    before = (count(db, Vendor), count(db, Service), count(db, AuditEvent))

    check = check_file(db, csv_file(rows))

    assert spots(check) == {
        (3, "lei"),
        (4, "hq_country"),
        (6, "website"),
        (6, "use_case"),
        (7, "data_class"),
        (7, "users_affected"),
        (8, "entities"),
        (8, "is_public_facing"),
        (9, "legal_name"),
        (10, "service_name"),
        (11, "annual_spend"),
        (11, "rto_hours"),
        (12, "owner_email"),
        (13, "owner_email"),
        (14, "annual_spend"),
        (14, "business_functions"),
        (15, "legal_name"),
        (16, "display_name"),
    }
    assert [p.row for p in check.problems] == sorted(p.row for p in check.problems)
    message = {(p.row, p.column): p.message for p in check.problems}
    assert "check digits" in message[3, "lei"]
    assert "Nowhere bank" in message[8, "entities"] and ENTITY in message[8, "entities"]
    assert "semicolons" in message[14, "business_functions"]
    assert "deactivated" in message[13, "owner_email"]
    assert "use_case" in message[10, "service_name"]
    assert {p.value for p in check.problems if p.row == 6} == {"lumen.example", "chatbot"}
    assert check.plan == []
    with pytest.raises(ValueError):
        importing.run_import(db, check=check, actor=SYSTEM, now=NOW)
    assert (count(db, Vendor), count(db, Service), count(db, AuditEvent)) == before


def test_rows_that_contradict_each_other_or_the_book_are_reported(db, reference):
    existing_vendor(db, "Alpha AI Ltd", lei=LEI_A)
    existing_vendor(db, "Beta AI Ltd")
    existing_vendor(db, "Gamma AI Ltd", lei=LEI_B)
    other_lei = lei("5493000IBP32UQZ0KL")
    rows = [
        row(legal_name="Delta AI Ltd", service_name="S"),  # 2
        row(legal_name="delta ai ltd", service_name="s"),  # 3: same service again
        row(legal_name="Delta AI Ltd", service_name="T", website="https://other.example"),  # 4
        row(legal_name="Beta AI Ltd", lei=LEI_B),  # 5: LEI is Gamma's, name is Beta's
        row(legal_name="Gamma AI Ltd", lei=other_lei),  # 6: Gamma has another LEI
        row(legal_name="Alpha AI Ltd"),  # 7: Alpha by name
        row(legal_name="Alpha Renamed Ltd", lei=LEI_A),  # 8: Alpha again, by LEI
        row(legal_name="Epsilon AI", lei=LEI_C, service_name="A"),  # 9
        row(legal_name="Epsilon AI Holdings", lei=LEI_C, service_name="B"),  # 10
    ]

    check = check_file(db, csv_file(rows))

    assert spots(check) == {
        (3, "legal_name"),
        (3, "service_name"),
        (4, "website"),
        (5, "lei"),
        (6, "lei"),
        (8, "legal_name"),
        (10, "legal_name"),
    }
    message = {(p.row, p.column): p.message for p in check.problems}
    assert "Row 2" in message[3, "service_name"]
    assert (
        "Row 2" in message[4, "website"] and "https://lumenharbor.example" in message[4, "website"]
    )
    assert "Gamma" in message[5, "lei"] and "Beta" in message[5, "lei"]
    assert LEI_B in message[6, "lei"]
    assert "Row 7" in message[8, "legal_name"]


def test_header_problems_name_the_columns(db, reference):
    header = [
        "Legal Nmae",
        "HQ Country",
        "colour",
        "service_name",
        "service_name",
        "",
        "data_class",
    ]
    content = csv_file([{"Legal Nmae": "A", "HQ Country": "SG", "service_name": "S"}], header)
    content = content.replace(b"S,S,,", b"S,S,stray,")

    check = check_file(db, content)

    message = {(p.row, p.column): p.message for p in check.problems}
    assert "Did you mean legal_name?" in message[1, "Legal Nmae"]
    assert "Unknown column" in message[1, "colour"]
    assert "columns D and E" in message[1, "service_name"]
    assert "no name in row 1" in message[1, "column F"]
    assert "missing" in message[1, "legal_name"]
    required_for_services = {"use_case", "critical_function", "users_affected", "autonomy"}
    assert required_for_services <= {column for row_, column in message if row_ == 1}
    assert (1, "hq_country") not in message and (1, "data_class") not in message


def test_columns_may_come_in_any_order_with_any_case(db, reference):
    header = ["LEGAL NAME", "hq-country", "Display Name"]
    content = csv_file(
        [{"LEGAL NAME": "Solo AI Ltd", "hq-country": "de", "Display Name": "Solo"}], header
    )

    summary = import_file(db, content)

    assert summary["vendors_created"] == 1
    assert (
        vendor_named(db, "Solo AI Ltd").display_name,
        vendor_named(db, "Solo AI Ltd").hq_country,
    ) == ("Solo", "DE")


VALID_CSV = csv_file([row()])


@pytest.mark.parametrize(
    ("filename", "content", "expected"),
    [
        ("vendors.csv", b"", "The file is empty."),
        ("vendors.csv", b"\r\n  \r\n", "The file is empty."),
        ("vendors.csv", ",".join(HEADER).encode(), "a header row but no data rows"),
        ("vendors.csv", b"\r\n" + VALID_CSV, "Row 1 must hold the column names"),
        ("vendors.xls", VALID_CSV, "not a .csv or .xlsx file"),
        ("vendors", VALID_CSV, "not a .csv or .xlsx file"),
        ("vendors.xlsx", b"PK\x03\x04 this is no zip archive", "damaged or not a real .xlsx"),
        ("vendors.xlsx", xlsx_file([row()])[:400], "damaged or not a real .xlsx"),
        ("vendors.xlsx", VALID_CSV, "not an Excel workbook"),
        ("vendors.csv", "legal_name\nCafé Ltd\n".encode("latin-1"), "not UTF-8"),
        ("vendors.csv", xlsx_file([row()]), "rename it to .xlsx"),
        ("vendors.csv", b"legal_name\n" + b"x" * 200_000 + b"\n", "could not be read"),
    ],
)
def test_unreadable_files_get_one_clear_message(db, filename, content, expected):
    check = check_file(db, content, filename)

    assert len(check.problems) == 1
    assert check.problems[0].row is None and expected in check.problems[0].message
    assert count(db, AuditEvent) == 0


@pytest.mark.parametrize(("rows", "refused"), [(3, False), (4, True)])
def test_row_limit(db, reference, rows, refused):
    content = csv_file([row(legal_name=f"Vendor {i} Ltd") for i in range(rows)] + [None, None])

    check = check_file(db, content, max_rows=3)

    assert bool(check.problems) is refused
    if refused:
        assert "more than 3 data rows" in check.problems[0].message


def test_csv_with_bom_and_semicolons_as_excel_writes_it(db, reference):
    rows = [row(entities=f"{ENTITY};{OTHER_ENTITY}")]
    content = b"\xef\xbb\xbf" + csv_file(rows, delimiter=";")

    summary = import_file(db, content)

    assert summary["services_created"] == 1
    assert set(db.exec(select(Entity.name).join(ServiceEntity))) == {ENTITY, OTHER_ENTITY}


@pytest.mark.parametrize(
    ("column", "cell", "stored"),
    [
        ("use_case", "customer_information", "customer_information"),
        ("use_case", "Customer-facing information", "customer_information"),
        ("use_case", "CUSTOMER_INFORMATION", "customer_information"),
        ("autonomy", "human in loop", "human_in_loop"),
        ("autonomy", "Autonomous actions", "autonomous"),
        ("critical_function", "Not yet assessed", "not_assessed"),
        ("data_class", "  customer personal  data ", "customer_personal"),
        ("discontinuation_impact", "HIGH", "high"),
        ("is_public_facing", "Yes", True),
        ("is_public_facing", "TRUE", True),
        ("is_public_facing", "1", True),
        ("is_public_facing", "no", False),
        ("is_public_facing", "False", False),
        ("is_public_facing", "0", False),
        ("annual_spend", "1,250,000.5", Decimal("1250000.50")),
        ("annual_spend", "0", Decimal("0.00")),
        ("users_affected", "12,000", 12000),
    ],
)
def test_cells_accept_codes_labels_and_common_spellings(db, reference, column, cell, stored):
    import_file(db, csv_file([row(**{column: cell})]))

    assert getattr(service_named(db, "Harbor Assist"), column) == stored


def test_owner_email_sets_the_owner(db, reference, make_user):
    owner = make_user("procurement", email="pat.lee@bank.example")

    import_file(db, csv_file([row(owner_email="Pat.Lee@Bank.example")]))

    assert vendor_named(db, BASE["legal_name"]).owner_id == owner.id


def test_a_vendor_saved_by_someone_else_meanwhile_stops_the_import(db, reference):
    check = check_file(db, csv_file([row()]))
    existing_vendor(db, BASE["legal_name"])  # saved between the check and the import

    with pytest.raises(importing.ImportConflict) as raised:
        importing.run_import(db, check=check, actor=SYSTEM, now=NOW)

    assert (raised.value.problem.row, raised.value.problem.column) == (2, "legal_name")


def test_a_service_saved_by_someone_else_meanwhile_stops_the_import_on_its_row(db, reference):
    import_file(db, csv_file([vendor_only()]))
    check = check_file(db, csv_file([vendor_only(), row()]))
    intake = Intake(
        "internal_productivity",
        "internal",
        "no",
        "low",
        "standalone",
        "human_in_loop",
        1,
        False,
        "low",
    )
    vendor = vendor_named(db, BASE["legal_name"])
    data = ServiceData(name="Harbor Assist", intake=intake)
    services.save_service(db, vendor=vendor, data=data, actor=SYSTEM, now=NOW)
    db.commit()

    with pytest.raises(importing.ImportConflict) as raised:
        importing.run_import(db, check=check, actor=SYSTEM, now=NOW)

    assert (raised.value.problem.row, raised.value.problem.column) == (3, "service_name")
