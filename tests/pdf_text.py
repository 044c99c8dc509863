"""Print the text of a PDF's pages with PyPI pypdf, an implementation independent of zkDx's
PDF writer; used by tests/cli.rs through tests/.venv.

    tests/.venv/bin/python tests/pdf_text.py REPORT.pdf
"""
import sys

from pypdf import PdfReader

reader = PdfReader(sys.argv[1])
print(f"pages {len(reader.pages)}")
for page in reader.pages:
    print(page.extract_text())
