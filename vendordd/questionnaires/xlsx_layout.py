"""The offline workbook's layout, shared by the export and the import so the two cannot drift."""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

from vendordd.questionnaires.answers import LONG_TEXT_MAX, NA_TEXT, SHORT_TEXT_MAX
from vendordd.questionnaires.schema import Column, Definition, Question

INSTRUCTIONS = "Instructions"
META = "_questionnaire"
LISTS = "_lists"
RESERVED = (INSTRUCTIONS, META, LISTS)

# A domain sheet: one row per question under this header, in definition order.
HEADER = ("Key", "Question", "Help", "Type", "Required", "Allowed values", "Answer", "Comment")
KEY, ANSWER, COMMENT = 1, 7, 8  # 1-based column numbers
WIDTHS = (12, 60, 45, 16, 10, 36, 40, 36)

# A group sheet: the question in row 1, column names in row 2, what each takes in row 3.
GROUP_HEADER_ROW = 2
GROUP_FIRST_ROW = 4
GROUP_BLANK_ROWS = 50
# Answered elsewhere: evidence in the portal, a repeating group on its own sheet.
NOT_ON_ROW = frozenset({"evidence", "group"})

# Guards against hostile files; no real questionnaire sheet comes near this.
MAX_ROWS = 2_000

TITLE_MAX = 31
DANGLING = frozenset({"", "&", "and", "or", "of", "the", "a", "for", "to", "in", "on", "with"})
# Characters Excel refuses in sheet titles, and what stands in for each.
TITLE_CHARACTERS = str.maketrans(
    {"[": "(", "]": ")", ":": " -", "/": "-", "\\": "-", "*": "", "?": ""}
)


def sheet_titles(definition: Definition) -> tuple[dict[str, str], dict[str, str]]:
    """Unique, valid sheet titles for each domain and each repeating group, by key."""
    # Excel keeps "History" for itself.
    taken = {title.lower() for title in (*RESERVED, "History")}
    domains = {domain.key: _unique(domain.title, taken) for domain in definition.domains}
    groups = {
        question.key: _unique(f"{question.key} {question.text}", taken)
        for question in definition.questions
        if question.type == "group"
    }
    return domains, groups


def _unique(wanted: str, taken: set[str]) -> str:
    base = " ".join(wanted.translate(TITLE_CHARACTERS).split()) or "Sheet"
    title, number = _shorten(base, TITLE_MAX), 1
    while title.lower() in taken:
        number += 1
        suffix = f" ({number})"
        title = _shorten(base, TITLE_MAX - len(suffix)) + suffix
    taken.add(title.lower())
    return title


def _shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut after a whole word where one is near; never quoted."""
    if len(text) > limit:
        text = text.replace(" and ", " & ")
    if len(text) > limit:
        words = text[: limit + 1].split(" ")[:-1]
        while words and words[-1].lower().strip(",;-") in DANGLING:
            words.pop()  # "Security certifications &" reads better without the "&"
        cut = " ".join(words).rstrip(",;-")
        text = cut if len(cut) >= limit // 2 else text[:limit]
    # Excel refuses a title that starts or ends with an apostrophe.
    return text.strip("' ") or "Sheet"


def column_header(column: Column) -> str:
    """A group sheet's column name: the column's text, its unit, and * when required."""
    unit = f" ({column.unit})" if column.unit else ""
    return f"{column.text}{unit}{' *' if column.required else ''}"


def allowed_text(item: Question | Column, group_sheet: str | None = None) -> str:
    """What an answer cell takes, in words: 'Yes; No; or n/a', 'ISO country codes …'."""
    kind = item.type
    labels = "; ".join(option.label for option in item.options or ())
    if kind == "yes_no":
        text = "Yes; No"
    elif kind == "single_choice":
        text = f"One of: {labels}"
    elif kind == "multiple_choice":
        text = f"One or more of (separate with ;): {labels}"
    elif kind == "countries":
        text = "ISO country codes separated by ; e.g. HK; SG"
    elif kind == "providers":
        text = "Provider names separated by ; (pick from the list or type a name)"
    elif kind == "number":
        text = _number_text(item)
    elif kind == "date":
        text = "A date, YYYY-MM-DD"
    elif kind == "evidence":
        text = "Upload files in the portal; this sheet only lists them"
    elif kind == "group":
        text = f"A table: one row per item on sheet '{group_sheet}'"
    else:
        limit = LONG_TEXT_MAX if kind == "long_text" else SHORT_TEXT_MAX
        text = f"Text, up to {limit:,} characters"
    return f"{text}; or {NA_TEXT}" if getattr(item, "allow_na", False) else text


def group_pointer(title: str) -> str:
    """What a repeating group's Answer cell says; the import reads it as "no answer here"."""
    return f"Answer on sheet '{title}'"


def _number_text(item: Question | Column) -> str:
    unit = f" in {item.unit}" if item.unit else ""
    if item.min is not None and item.max is not None:
        return f"A number{unit} from {item.min:g} to {item.max:g}"
    if item.min is not None:
        return f"A number{unit}, at least {item.min:g}"
    if item.max is not None:
        return f"A number{unit}, at most {item.max:g}"
    return f"A number{unit}"


def put(cell: Cell, value: Any) -> None:
    """Write a value; text always stays text (answers come from outside the bank)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # never a formula, whatever a vendor typed
