"""The columns of a bulk-import file: their meaning and how each cell is read (pure)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from vendordd.vendors.forms import CENTS, MAX_COUNT, MAX_SPEND
from vendordd.vendors.intake import VOCABULARIES
from vendordd.vendors.services import legal_name_key
from vendordd.vendors.validation import country_problem, lei_problem

VENDOR, SERVICE, INTAKE = "vendor", "service", "intake"
MAX_RTO_HOURS = 100_000
DISPLAY_NAME_MAX = 120
MAX_LISTED_NAMES = 12
TRUE_WORDS = frozenset({"yes", "true", "1"})
FALSE_WORDS = frozenset({"no", "false", "0"})


@dataclass(frozen=True)
class Named:
    """A user, entity or business function a cell may refer to."""

    id: int
    name: str
    is_active: bool


@dataclass(frozen=True)
class Lookups:
    """Everything cells refer to, loaded once per import: users by email, the rest by name key."""

    users: Mapping[str, Named]
    entities: Mapping[str, Named]
    functions: Mapping[str, Named]


Parser = Callable[[str, Lookups], object]


@dataclass(frozen=True)
class Column:
    name: str
    part: str  # VENDOR, SERVICE or INTAKE: the record the value belongs to
    parse: Parser  # raises ValueError with a message for the user
    help: str
    required: str = ""  # VENDOR: always in the header; SERVICE: when the file has services
    field: str = ""  # the attribute of VendorData, ServiceData or Intake, when not `name`

    @property
    def attribute(self) -> str:
        return self.field or self.name

    @property
    def requirement(self) -> str:
        return {VENDOR: "Yes", SERVICE: "For services"}.get(self.required, "No")


def cell_text(cell: object) -> str:
    """A cell as the user sees it: trimmed text, whole numbers without a trailing .0."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    return str(cell).strip()


def header_key(cell: object) -> str:
    """Column names ignore case and spacing: "HQ country" is hq_country."""
    return "_".join(cell_text(cell).lower().replace("-", " ").split())


def _text(limit: int, collapse: bool = False) -> Parser:
    def parse(text: str, _lookups: Lookups) -> str:
        if len(text) > limit:
            raise ValueError(f"This is {len(text):,} characters long; at most {limit:,} fit.")
        return " ".join(text.split()) if collapse else text

    return parse


def _lei(text: str, _lookups: Lookups) -> str:
    lei = "".join(text.split()).upper()
    problem = lei_problem(lei)
    if problem:
        raise ValueError(problem)
    return lei


def _country(text: str, _lookups: Lookups) -> str:
    code = text.upper()
    problem = country_problem(code)
    if problem:
        raise ValueError(problem)
    return code


def _url(text: str, _lookups: Lookups) -> str:
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.netloc or " " in text:
        raise ValueError("Enter a full web address starting with https:// or http://.")
    if len(text) > 300:
        raise ValueError("A web address here can be at most 300 characters long.")
    return text


def _owner(text: str, lookups: Lookups) -> int:
    user = lookups.users.get(text.lower())
    if user is None:
        raise ValueError(f"No user has the email {text}; the owner must be an active user.")
    if not user.is_active:
        raise ValueError(f"{user.name} ({text}) is deactivated; choose an active user as owner.")
    return user.id


def _amount(text: str, _lookups: Lookups) -> Decimal:
    try:
        amount = Decimal(text.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        raise ValueError("Enter an amount in figures, e.g. 125000 or 125000.50.") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError("Enter an amount of 0 or more, e.g. 125000.")
    if amount >= MAX_SPEND:
        raise ValueError("That amount is too large to store.")
    if amount != amount.quantize(CENTS):
        raise ValueError("Give the amount to at most two decimal places.")
    return amount.quantize(CENTS)


def _count(limit: int, unit: str) -> Parser:
    def parse(text: str, _lookups: Lookups) -> int:
        try:
            number = int(text.replace(",", ""))
        except ValueError:
            raise ValueError(f"Enter a whole number of {unit}, e.g. 250.") from None
        if not 0 <= number <= limit:
            raise ValueError(f"Enter a number of {unit} from 0 to {limit:,}.")
        return number

    return parse


def _yes_no(text: str, _lookups: Lookups) -> bool:
    word = text.lower()
    if word in TRUE_WORDS | FALSE_WORDS:
        return word in TRUE_WORDS
    raise ValueError("Enter yes or no (true/false and 1/0 are accepted too).")


def accepted_values(vocabulary: str) -> dict[str, str]:
    """Every spelling a coded cell may use (code, code with spaces, label; any case) -> code."""
    accepted = {}
    for code, label in VOCABULARIES[vocabulary].items():
        for spelling in (code, code.replace("_", " "), label):
            accepted[legal_name_key(spelling)] = code
    return accepted


def _choice(vocabulary: str) -> Parser:
    accepted = accepted_values(vocabulary)
    codes = ", ".join(VOCABULARIES[vocabulary])

    def parse(text: str, _lookups: Lookups) -> str:
        code = accepted.get(legal_name_key(text))
        if code is None:
            raise ValueError(f"Not an accepted value. Use one of: {codes} (or its label).")
        return code

    return parse


def _names(kind: str, index: Callable[[Lookups], Mapping[str, Named]]) -> Parser:
    def parse(text: str, lookups: Lookups) -> list[int]:
        known = index(lookups)
        ids, unknown, inactive = set(), [], []
        for name in filter(None, (part.strip() for part in text.split(";"))):
            item = known.get(legal_name_key(name))
            if item is None:
                unknown.append(name)
            elif not item.is_active:
                inactive.append(item.name)
            else:
                ids.add(item.id)
        if unknown:
            raise ValueError(_unknown_names(kind, unknown, text, known))
        if inactive:
            raise ValueError(f"Inactive {kind}: {'; '.join(inactive)}. Choose active ones.")
        return sorted(ids)

    return parse


def _unknown_names(kind: str, unknown: list[str], text: str, known: Mapping[str, Named]) -> str:
    message = f"No {kind} named {'; '.join(repr(n) for n in unknown)}."
    if "," in text:
        message += " Separate several names with semicolons (;), not commas."
    active = sorted(item.name for item in known.values() if item.is_active)
    if not active:
        return f"{message} None are set up yet; an admin adds them first."
    if len(active) <= MAX_LISTED_NAMES:
        return f"{message} Existing: {'; '.join(active)}."
    return f"{message} The template's Allowed values sheet lists the existing ones."


def _vocabulary_help(vocabulary: str) -> str:
    return "One of: " + ", ".join(VOCABULARIES[vocabulary]) + " (the code or its label)."


COLUMNS: tuple[Column, ...] = (
    Column("legal_name", VENDOR, _text(200, collapse=True), "The vendor's registered name; "
           "identifies the vendor when there is no LEI.", required=VENDOR),
    Column("display_name", VENDOR, _text(DISPLAY_NAME_MAX),
           "Short name shown in lists; a new vendor defaults to its legal name."),
    Column("lei", VENDOR, _lei,
           "Legal Entity Identifier (20 characters); matched before the legal name."),
    Column("hq_country", VENDOR, _country, "Headquarters country as an ISO 3166 alpha-2 code, "
           "e.g. HK, SG, DE; needed for a new vendor.", required=VENDOR),
    Column("website", VENDOR, _url, "Full address starting with https://."),
    Column("trust_centre_url", VENDOR, _url,
           "Where the vendor publishes security and compliance facts."),
    Column("subprocessor_list_url", VENDOR, _url, "The vendor's published list of subprocessors."),
    Column("owner_email", VENDOR, _owner, "Email of the active user accountable for the vendor.",
           field="owner_id"),
    Column("notes", VENDOR, _text(10_000), "Free text."),
    Column("service_name", SERVICE, _text(160), "The GenAI product or feature; empty on a row "
           "that only describes the vendor.", field="name"),
    Column("service_description", SERVICE, _text(10_000), "Free text.", field="description"),
    Column("annual_spend", SERVICE, _amount,
           "Yearly cost in the reporting currency, e.g. 125000.50."),
    Column("entities", SERVICE, _names("entity", lambda lookups: lookups.entities),
           "Names of the group entities using it, separated by semicolons (;).",
           field="entity_ids"),
    Column("business_functions", SERVICE,
           _names("business function", lambda lookups: lookups.functions),
           "Names of the business functions it supports, separated by semicolons (;).",
           field="function_ids"),
    *(
        Column(name, INTAKE, _choice(name), _vocabulary_help(name), required=SERVICE)
        for name in ("use_case", "data_class", "critical_function", "reliance", "integration",
                     "autonomy")
    ),
    Column("users_affected", INTAKE, _count(MAX_COUNT, "users"),
           "How many customers or users its output can affect (a whole number).",
           required=SERVICE),
    Column("is_public_facing", INTAKE, _yes_no,
           "yes or no: do customers or the public use it directly?", required=SERVICE),
    Column("discontinuation_impact", INTAKE, _choice("discontinuation_impact"),
           _vocabulary_help("discontinuation_impact"), required=SERVICE),
    Column("rto_hours", INTAKE, _count(MAX_RTO_HOURS, "hours"),
           "Recovery time objective in hours (optional)."),
)  # fmt: skip
BY_NAME = {column.name: column for column in COLUMNS}
