"""axe-core (vendored from npm, MPL-2.0) run in the page: WCAG 2 A/AA violations, if any.

The script is evaluated through the DevTools protocol, so a page's Content-Security-Policy does
not block it (it would block an injected <script> tag)."""

from functools import cache
from pathlib import Path

AXE_JS = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Violations as {id, impact, targets}; an empty list means the page passes."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, targets: v.nodes.map(n => n.target.join(" ")),
            }));
        }""",
        WCAG_A_AA,
    )
