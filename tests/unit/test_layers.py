"""The layers hold: no package imports one it must not know (docs/architecture.md,
"Layers"). Read from the source's own import statements, so a forbidden import
fails here before anyone has to notice it in review."""

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "src" / "cloudfactory"

KERNEL = ("errors", "money", "text")
RESOURCES = ("users", "orders", "invoices", "support")
DOMAINS = ("customers", *RESOURCES)
PROJECT = tuple(
    sorted(
        {p.name for p in SOURCE.iterdir() if p.is_dir() and not p.name.startswith("_")}
        | {p.stem for p in SOURCE.glob("*.py") if p.stem != "__init__"}
    )
)

# Package (or kernel module) -> what it must never import, and why.
NEVER = {
    "web": (
        (*DOMAINS, "overview", "textsearch", "demo"),
        "the list engine knows no domain",
    ),
    "textsearch": ((*DOMAINS, "web", "overview"), "the search plan knows no domain"),
    "activity": ((*DOMAINS, "overview"), "the event log imports no domain"),
    "customers": (
        (*RESOURCES, "overview"),
        "badges link by URL; cross-domain checks live in overview",
    ),
    **{
        module: (
            tuple(p for p in PROJECT if p != module),
            "the kernel imports nothing of the project",
        )
        for module in KERNEL
    },
}


def imported_packages(path: Path) -> set[str]:
    """The top-level cloudfactory packages that the file at `path` imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
            if node.module == "cloudfactory":
                names = [f"cloudfactory.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "cloudfactory" and len(parts) > 1:
                found.add(parts[1])
    return found


def files_of(part: str) -> list[Path]:
    package = SOURCE / part
    if package.is_dir():
        return sorted(package.rglob("*.py"))
    return [SOURCE / f"{part}.py"]


@pytest.mark.parametrize("part", sorted(NEVER))
def test_no_part_imports_what_it_must_not(part):
    forbidden, why = NEVER[part]
    broken = [
        f"{path.relative_to(SOURCE)} imports cloudfactory.{package}"
        for path in files_of(part)
        for package in sorted(imported_packages(path) & set(forbidden))
    ]
    assert broken == [], f"{why}: " + "; ".join(broken)


def test_the_rules_name_parts_that_exist():
    for part, (forbidden, _) in NEVER.items():
        assert files_of(part), part
        assert set(forbidden) <= set(PROJECT), set(forbidden) - set(PROJECT)


def test_the_reader_finds_imports_of_every_form(tmp_path):
    source = tmp_path / "example.py"
    source.write_text(
        "import cloudfactory.orders.models\n"
        "from cloudfactory.users import queries\n"
        "from cloudfactory import support\n"
        "from . import sibling\n"
        "import json\n"
    )
    assert imported_packages(source) == {"orders", "users", "support"}
