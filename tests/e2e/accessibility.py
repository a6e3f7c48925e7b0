"""axe-core in the page: WCAG 2 A/AA violations, to be asserted empty by browser tests."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-4.14.1.min.js"
WCAG_2_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page, *, tags: list[str] | None = None) -> list[dict]:
    """Run axe on the current page; each violation keeps its id, impact and offending nodes."""
    # Evaluated through the DevTools protocol, so a Content-Security-Policy cannot block it.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        tags or WCAG_2_A_AA,
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]],
        }
        for violation in result["violations"]
    ]
