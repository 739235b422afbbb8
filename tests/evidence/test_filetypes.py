"""The content check: every accepted type recognised, every disguise refused with a message."""

from __future__ import annotations

import io

import pytest

from tests.evidence import files
from vendordd.assessments.filetypes import FileTypeRefused, detect


@pytest.mark.parametrize("name", sorted(files.ACCEPTED))
def test_each_accepted_type_is_recognised_by_its_content(name):
    build, mimetype = files.ACCEPTED[name]
    assert detect(io.BytesIO(build()), name).mimetype == mimetype


def test_text_is_csv_or_txt_by_its_extension_only():
    content = files.csv()
    assert detect(io.BytesIO(content), "list.csv").label == "CSV"
    assert detect(io.BytesIO(content), "list.txt").label == "TXT"
    assert detect(io.BytesIO("\ufeffa,b\n".encode()), "bom.csv").label == "CSV"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "report.pdf",
            files.EXECUTABLE,
            "'report.pdf' is not a PDF: its content is not one of the accepted types "
            "(PDF, PNG, JPEG, DOCX, XLSX, TXT, CSV).",
        ),
        ("report.pdf", files.HTML, "'report.pdf' is not a PDF: its content is not one of"),
        ("notes.txt", files.HTML, "'notes.txt' is not a TXT: its content is not one of"),
        ("notes.txt", b"abc\x00def", "'notes.txt' is not a TXT"),
        ("list.csv", "Zürich;CH\n".encode("latin-1"), "'list.csv' is not a CSV"),
        ("photo.png", files.pdf(), "'photo.png' is not a PNG: its content is a PDF"),
        ("policy.docx", files.xlsx(), "'policy.docx' is not a DOCX: its content is an XLSX"),
        ("policy.docx", files.office("word/vbaProject.bin", "word/document.xml"), "not a DOCX"),
        ("archive.docx", files.office("readme.txt"), "'archive.docx' is not a DOCX"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "'broken.xlsx' is not an XLSX"),
        ("tool.exe", files.EXECUTABLE, "'tool.exe' is not an accepted file"),
        ("report", files.pdf(), "'report' holds a PDF but its name does not end in .pdf"),
        ("report.pdf.exe", files.pdf(), "does not end in .pdf"),
    ],
)
def test_disguised_or_unaccepted_content_is_refused(name, content, message):
    with pytest.raises(FileTypeRefused) as refused:
        detect(io.BytesIO(content), name)
    assert message in str(refused.value)
