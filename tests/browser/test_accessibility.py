"""axe-core, run in the browser over the news page with the widget in its main states."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import Api, ReaderFactory

SERIOUS = {"serious", "critical"}


def test_no_serious_accessibility_violations(new_reader: ReaderFactory, seed: Api, key: str) -> None:
    thread = seed.thread(key)
    root, _ = seed.comment(
        thread["id"], "> The city council voted on Tuesday\n\nGood.", "Pia", quote_of="article"
    )
    seed.comment(thread["id"], "A reply with a [link](https://example.org).", "Quinn", parent_id=root["id"])
    axe = Axe()
    for scheme in ("light", "dark"):
        reader = new_reader(color_scheme=scheme)
        widget = reader.open(key)
        widget.get_by_role("button", name="Reply").first.click()  # a form open inside a comment
        widget.get_by_role("button", name="Vote up").last.click()  # a pressed toggle
        widget.get_by_label("Comment", exact=True).fill("@")  # the mention list open
        reader.page.wait_for_timeout(100)
        results = axe.run(reader.page)
        serious = [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"]
            if v["impact"] in SERIOUS
        ]
        assert not serious, f"{scheme}: {serious}"
        reader.shot(f"axe-{scheme}")
