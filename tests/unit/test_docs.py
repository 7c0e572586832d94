"""Every document the code and the docs cite exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CITED = re.compile(r"\bdocs/[\w./-]+\.md\b")


def citing_files() -> list[Path]:
    files = [ROOT / "README.md"]
    for folder in ("src", "docs", "bench"):
        files += [p for p in (ROOT / folder).rglob("*") if p.suffix in (".py", ".md")]
    return files


def test_every_cited_document_exists():
    missing = {
        f"{path.relative_to(ROOT)} cites {cited}"
        for path in citing_files()
        for cited in CITED.findall(path.read_text(encoding="utf-8"))
        if not (ROOT / cited).is_file()
    }
    assert missing == set()
