"""axe-core, the accessibility engine browser makers ship, run inside a Playwright page."""

import os
from pathlib import Path

import pytest

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"

# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def require_axe() -> None:
    if not AXE_SCRIPT.exists():
        reason = f"{AXE_SCRIPT} is missing (run `npm ci` or `make test`)"
        if os.environ.get("NEWSROOM_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


def axe_violations(page, *, rules: list[str] | None = None) -> list[str]:
    """What axe finds wrong on the loaded page, one readable entry per rule and element.

    All the rules of ``AXE_TAGS``, or only ``rules`` (such as ``["color-contrast"]``).
    """
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    run_only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": AXE_TAGS}
    result = page.evaluate(
        "runOnly => axe.run(document, {runOnly, resultTypes: ['violations']})", run_only
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
        f"    {', '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]
