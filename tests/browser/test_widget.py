"""The embedded discussion as a reader uses it: a news page on one origin, yoron on another."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import EDIT_WINDOW_SECONDS, Api, Reader, ReaderFactory

# The element that has the keyboard focus, looking inside shadow roots.
DEEP_FOCUS = """() => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    return el;
}"""


def item(widget: Locator, text: str) -> Locator:
    """The list item of the comment whose body shows ``text``."""
    return widget.locator("li.c").filter(has=widget.page.locator(".body", has_text=text))


def post(widget: Locator, body: str, name: str = "Bob") -> Locator:
    form = widget.locator(".top form")
    form.get_by_label("Your name").fill(name)
    form.get_by_label("Comment", exact=True).fill(body)
    form.get_by_role("button", name="Post").click()
    posted = item(widget, body.lstrip("> ").split("\n")[0])
    expect(posted).to_be_visible()
    return posted


def bodies(widget: Locator) -> list[str]:
    return [text.strip() for text in widget.locator("li.c .body").all_inner_texts()]


def select_words(page: Page, words: str) -> None:
    """Select ``words`` where they first occur in the widget's comments, as a reader's drag would."""
    found = page.evaluate(
        """(words) => {
            const root = document.getElementById("yoron").shadowRoot;
            const walker = document.createTreeWalker(root.querySelector("ol.list"), NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(words);
                if (at >= 0) {
                    document.getSelection().setBaseAndExtent(node, at, node, at + words.length);
                    return true;
                }
            }
            return false;
        }""",
        words,
    )
    assert found, words


def test_first_load_post_and_reply_nested(reader: Reader, seed: Api, key: str) -> None:
    thread = seed.thread(key)
    seed.comment(thread["id"], "The roof *was* repaired in 2019.", "Alice Smith")
    widget = reader.open(key)
    expect(widget.get_by_role("heading", name="Comments (1)")).to_be_visible()
    alice = item(widget, "The roof was repaired")
    expect(alice.locator(".au")).to_have_text("Alice Smith")
    expect(alice.locator(".body em")).to_have_text("was")
    expect(alice.locator("time")).to_have_text("now")
    expect(alice.locator(".tally")).to_have_text("0 ( +0 / -0 )")
    reader.shot("first-load")

    mine = post(widget, "A library is a fine use for it.")
    expect(widget.get_by_role("heading", name="Comments (2)")).to_be_visible()
    expect(mine.get_by_role("button", name="Edit")).to_be_visible()
    expect(mine.locator(".left")).to_have_text(re.compile(r"editable for 1[45]:\d\d"))
    expect(widget.get_by_role("status")).to_have_text("Your comment was posted.")

    alice.get_by_role("button", name="Reply").click()
    reply_form = alice.locator("form")
    expect(reply_form.get_by_label("Reply to Alice Smith")).to_be_focused()
    reply_form.get_by_label("Reply to Alice Smith").fill("Was it? I heard it still leaks.")
    reply_form.get_by_role("button", name="Post").click()
    reply = item(widget, "I heard it still leaks")
    expect(reply).to_have_attribute("data-depth", "1")
    expect(reply_form).to_have_count(0)
    # Nested display: the reply sits right under its parent, indented.
    assert bodies(widget)[:2] == ["The roof was repaired in 2019.", "Was it? I heard it still leaks."]
    assert reply.evaluate("el => parseFloat(getComputedStyle(el).marginInlineStart)") > 10
    reader.shot("posted-and-replied")

    widget = reader.open(key)
    expect(widget.get_by_label("Your name")).to_have_value("Bob")
    assert bodies(widget) == [
        "The roof was repaired in 2019.",
        "Was it? I heard it still leaks.",
        "A library is a fine use for it.",
    ]


def test_quote_the_article_and_a_comment_verified(reader: Reader, key: str) -> None:
    # A new article: the widget creates its thread, with the article's text to check quotes against.
    widget = reader.open(key)
    expect(widget.get_by_role("heading", name="Comments (0)")).to_be_visible()
    expect(widget.get_by_text("No comments yet.")).to_be_visible()

    reader.page.locator("article p").first.select_text()
    quote_button = widget.locator("button.qb")
    expect(quote_button).to_be_visible()
    quote_button.click()
    composer = widget.get_by_label("Comment", exact=True)
    expect(composer).to_have_value(re.compile(r"^> The city council voted on Tuesday .* waterfront\.\n\n$"))
    expect(widget.get_by_text("Quoting the article")).to_be_visible()
    composer.press("End")
    composer.type("About time.")
    widget.get_by_label("Your name").fill("Dora")
    widget.get_by_role("button", name="Post").click()
    quoted = item(widget, "About time.")
    expect(quoted.locator("blockquote.quote-verified")).to_contain_text("turn the old harbour warehouses")
    expect(quoted.locator(".quote-source")).to_contain_text("verified quote")

    # Words picked inside a comment quote that comment.
    select_words(reader.page, "About time")
    expect(quote_button).to_be_visible()
    quote_button.click()
    expect(widget.get_by_text("Quoting Dora")).to_be_visible()
    expect(composer).to_have_value("> About time\n\n")
    composer.press("End")
    composer.type("Agreed.")
    widget.get_by_role("button", name="Post").click()
    second = item(widget, "Agreed.")
    expect(second.locator("blockquote.quote-verified")).to_have_text(
        re.compile(r"About time.*verified quote", re.S)
    )
    reader.shot("quotes-verified")


def test_vote_withdraw_and_own_vote_remembered(reader: Reader, seed: Api, key: str) -> None:
    thread = seed.thread(key)
    seed.comment(thread["id"], "Vote on me", "Erin")
    widget = reader.open(key)
    comment = item(widget, "Vote on me")
    up = comment.get_by_role("button", name="Vote up")
    down = comment.get_by_role("button", name="Vote down")
    tally = comment.locator(".tally")

    up.click()
    expect(tally).to_have_text("1 ( +1 / -0 )")
    expect(up).to_have_attribute("aria-pressed", "true")
    up.click()
    expect(tally).to_have_text("0 ( +0 / -0 )")
    expect(up).to_have_attribute("aria-pressed", "false")
    down.click()
    expect(tally).to_have_text("-1 ( +0 / -1 )")
    expect(down).to_have_attribute("aria-pressed", "true")
    reader.shot("voted")

    # The device token lives in localStorage and comes back in a header: no cookie needed.
    token = reader.page.evaluate("localStorage.getItem('yoron:device:news')")
    assert token and "." in token
    assert not [c for c in reader.context.cookies() if c["name"] == "yoron_device"]
    widget = reader.open(key)
    comment = item(widget, "Vote on me")
    expect(comment.get_by_role("button", name="Vote down")).to_have_attribute("aria-pressed", "true")
    expect(comment.get_by_role("button", name="Vote up")).to_have_attribute("aria-pressed", "false")


def test_edit_within_the_window_and_refused_after_it(reader: Reader, seed: Api, key: str) -> None:
    thread = seed.thread(key, site="brief")
    seed.comment(thread["id"], "Flat display shows replies in order.", "Finn")
    widget = reader.open(key, site="brief")
    finn = item(widget, "Flat display")
    finn.get_by_role("button", name="Reply").click()
    expect(finn.get_by_label("Your name")).to_be_focused()
    finn.get_by_label("Your name").fill("Olga")
    finn.get_by_label("Reply to Finn").fill("Frist reply")
    finn.get_by_role("button", name="Post").click()
    mine = item(widget, "Frist reply")
    # Flat display: no indentation, an "in reply to" link instead.
    expect(mine.get_by_role("link", name="in reply to Finn")).to_be_visible()
    expect(mine).to_have_attribute("style", re.compile(r"--d:\s*0"))
    expect(mine.locator(".left")).to_have_text(re.compile(r"editable for 0:0[1-4]"))

    mine.get_by_role("button", name="Edit").click()
    editor = mine.get_by_label("Edit your comment")
    expect(editor).to_have_value("Frist reply")
    editor.fill("First reply")
    mine.get_by_role("button", name="Save").click()
    mine = item(widget, "First reply")
    expect(mine.locator(".meta")).to_contain_text("edited")

    mine.get_by_role("button", name="Edit").click()
    # The window closes while the editor is open: the controls go, and saving is refused.
    expect(mine.locator(".own")).to_have_count(0, timeout=(EDIT_WINDOW_SECONDS + 2) * 1000)
    mine.get_by_label("Edit your comment").fill("Third thoughts")
    mine.get_by_role("button", name="Save").click()
    expect(mine.locator("form .err")).to_contain_text("that time is over")
    reader.shot("edit-refused")
    widget = reader.open(key, site="brief")
    expect(item(widget, "First reply").get_by_role("button", name="Edit")).to_have_count(0)


def test_delete_leaves_a_tombstone_above_replies(reader: Reader, seed: Api, key: str) -> None:
    thread = seed.thread(key)
    widget = reader.open(key)
    mine = post(widget, "I will regret this.")
    comment_id = int(mine.get_attribute("data-id") or 0)
    seed.comment(thread["id"], "Too late, I saw it.", "Gus", parent_id=comment_id)
    widget = reader.open(key)
    mine = item(widget, "I will regret this.")
    mine.get_by_role("button", name="Delete").click()
    confirm = mine.get_by_role("group", name="Delete this comment?")
    expect(confirm.get_by_role("button", name="Delete")).to_be_focused()
    confirm.get_by_role("button", name="Keep").click()
    expect(confirm).to_have_count(0)
    mine.get_by_role("button", name="Delete").click()
    confirm.get_by_role("button", name="Delete").click()

    tombstone = widget.locator(f'li[data-id="{comment_id}"]')
    expect(tombstone.locator(".tomb")).to_have_text("This comment was deleted.")
    expect(tombstone.get_by_role("button")).to_have_count(0)
    expect(item(widget, "Too late")).to_be_visible()
    reader.shot("tombstone")
    widget = reader.open(key)
    expect(widget.locator(f'li[data-id="{comment_id}"] .tomb')).to_have_text("This comment was deleted.")
    expect(item(widget, "Too late")).to_have_attribute("data-depth", "1")


def test_sort_switch_and_load_more(reader: Reader, seed: Api, key: str) -> None:
    thread = seed.thread(key)
    ids = [seed.comment(thread["id"], f"Comment number {n}", f"Reader {n}")[0]["id"] for n in range(1, 6)]
    for _ in range(3):
        seed.vote(ids[2], 1)
    for _ in range(2):
        seed.vote(ids[4], 1)
    seed.vote(ids[0], -1)

    widget = reader.open(key, page_size="2")
    assert bodies(widget) == ["Comment number 1", "Comment number 2"]
    more = widget.get_by_role("button", name="Load more comments")
    more.click()
    expect(widget.locator("li.c")).to_have_count(4)
    expect(item(widget, "Comment number 3").locator("article")).to_be_focused()
    more.click()
    expect(widget.locator("li.c")).to_have_count(5)
    expect(more).to_be_hidden()

    sort = widget.get_by_label("Sort by")
    sort.select_option("top")
    expect(widget.locator("li.c")).to_have_count(2)
    assert bodies(widget) == ["Comment number 3", "Comment number 5"]
    expect(sort).to_be_focused()
    sort.select_option("newest")
    expect(widget.locator("li.c").first).to_contain_text("Comment number 5")
    assert bodies(widget) == ["Comment number 5", "Comment number 4"]
    more.click()
    expect(widget.locator("li.c")).to_have_count(4)
    assert bodies(widget)[2:] == ["Comment number 3", "Comment number 2"]
    reader.shot("sorted-newest")


def test_live_arrival_behind_a_button(new_reader: ReaderFactory, seed: Api, key: str) -> None:
    thread = seed.thread(key)
    seed.comment(thread["id"], "Anyone here?", "Hana")
    alice, bob = new_reader(), new_reader()
    watching = alice.open(key)
    posting = bob.open(key)
    reader_list_height = watching.locator("ol.list").bounding_box()["height"]  # type: ignore[index]

    post(posting, "Live from the other reader", name="Ivan")
    new = watching.get_by_role("button", name="1 new comment")
    expect(new).to_be_visible(timeout=5000)
    expect(watching.get_by_role("status")).to_have_text("1 new comment")
    # Nothing moved under the reader's eyes.
    expect(item(watching, "Live from the other reader")).to_have_count(0)
    assert watching.locator("ol.list").bounding_box()["height"] == reader_list_height  # type: ignore[index]
    alice.shot("live-new-comments")

    # A vote elsewhere updates the tally in place.
    item(posting, "Anyone here?").get_by_role("button", name="Vote up").click()
    expect(item(watching, "Anyone here?").locator(".tally")).to_have_text("1 ( +1 / -0 )", timeout=6000)

    new.click()
    arrived = item(watching, "Live from the other reader")
    expect(arrived).to_be_visible()
    expect(arrived.locator("article")).to_be_focused()
    expect(new).to_be_hidden()
    expect(watching.get_by_role("heading", name="Comments (2)")).to_be_visible()
    # The poster's own comment never shows up as "new" for them.
    expect(posting.get_by_role("button", name=re.compile("new comment"))).to_be_hidden()


def test_mention_completion_and_preview(reader: Reader, seed: Api, key: str) -> None:
    thread = seed.thread(key)
    seed.comment(thread["id"], "I covered the council for years.", "Jane Doe")
    widget = reader.open(key)
    widget.get_by_label("Your name").fill("Kim")
    composer = widget.get_by_label("Comment", exact=True)
    composer.press_sequentially("Thanks @ja")
    option = widget.get_by_role("option", name="Jane Doe")
    expect(option).to_be_visible()
    expect(option).to_have_attribute("aria-selected", "true")
    composer.press("Enter")
    expect(composer).to_have_value("Thanks @Jane_Doe ")
    expect(option).to_be_hidden()
    composer.press_sequentially("for **this**.")

    preview = widget.get_by_role("button", name="Preview")
    preview.click()
    expect(preview).to_have_attribute("aria-pressed", "true")
    expect(widget.locator(".preview strong")).to_have_text("this")
    reader.shot("preview")
    preview.click()
    expect(widget.locator(".preview")).to_be_hidden()
    widget.get_by_role("button", name="Post").click()
    expect(item(widget, "Thanks").get_by_role("link", name="@Jane_Doe")).to_have_attribute(
        "href", re.compile("#c")
    )


def test_keyboard_only_posting_and_voting(reader: Reader, seed: Api, key: str) -> None:
    thread = seed.thread(key)
    seed.comment(thread["id"], "Keyboards are fine.", "Lena")
    reader.open(key)
    page = reader.page
    keyboard = page.keyboard

    def focused() -> str:
        """The focused control's name, as a screen reader would announce it."""
        element = page.evaluate_handle(DEEP_FOCUS)
        name = element.evaluate(
            "el => el.getAttribute('aria-label') || el.labels?.[0]?.textContent || el.textContent"
        )
        return str(name).strip()

    def tab_to(label: str) -> None:
        for _ in range(40):
            keyboard.press("Tab")
            if focused() == label:
                return
        raise AssertionError(f"Tab never reached {label!r}")

    def outline() -> str:
        return str(page.evaluate_handle(DEEP_FOCUS).evaluate("el => getComputedStyle(el).outlineStyle"))

    tab_to("Your name")
    assert outline() == "solid"
    keyboard.type("Max")
    keyboard.press("Tab")
    assert focused() == "Comment"
    keyboard.type("Typed without a mouse.")
    keyboard.press("Tab")
    assert focused() == "Post"
    assert outline() == "solid"
    keyboard.press("Enter")
    widget = page.locator("#yoron")
    expect(item(widget, "Typed without a mouse.").locator("article")).to_be_focused()

    tab_to("Vote up")
    keyboard.press("Space")
    lena = item(widget, "Keyboards are fine.")
    expect(lena.locator(".tally")).to_have_text("1 ( +1 / -0 )")
    expect(lena.get_by_role("button", name="Vote up")).to_have_attribute("aria-pressed", "true")
    keyboard.press("Enter")
    expect(lena.locator(".tally")).to_have_text("0 ( +0 / -0 )")
    reader.shot("keyboard")

    # Reply and cancel with the keyboard: Escape closes the form and focus returns to Reply.
    tab_to("Reply")
    keyboard.press("Enter")
    assert focused() == "Reply to Lena"
    keyboard.press("Escape")
    assert focused() == "Reply"


def test_dark_mode_and_theme_override(new_reader: ReaderFactory, seed: Api, key: str) -> None:
    thread = seed.thread(key)
    seed.comment(thread["id"], "Reading at night.", "Nora")
    background = "el => getComputedStyle(el).backgroundColor"

    dark = new_reader(color_scheme="dark")
    widget = dark.open(key)
    assert widget.evaluate(background) == "rgb(21, 23, 26)"
    dark.shot("dark-mode")
    widget = dark.open(key, theme="light")
    assert widget.evaluate(background) == "rgb(255, 255, 255)"

    light = new_reader(color_scheme="light")
    widget = light.open(key)
    assert widget.evaluate(background) == "rgb(255, 255, 255)"
    widget = light.open(key, theme="dark")
    assert widget.evaluate(background) == "rgb(21, 23, 26)"


def test_japanese_and_russian_ui(reader: Reader, seed: Api, key: str) -> None:
    seed.thread(key, lang="ja")
    widget = reader.open(key, page_lang="ja")
    expect(widget.get_by_role("heading", name="コメント (0)")).to_be_visible()
    expect(widget.get_by_label("並べ替え")).to_have_value("oldest")
    expect(widget.get_by_text("まだコメントはありません。")).to_be_visible()

    reader.page.locator("article p").first.select_text()
    widget.get_by_role("button", name="引用").click()
    widget.get_by_label("お名前").fill("山田")
    composer = widget.get_by_label("コメント", exact=True)
    composer.press("End")
    composer.type("良いニュースですね。")
    widget.get_by_role("button", name="投稿する").click()
    posted = item(widget, "良いニュース")
    expect(posted.locator("time")).to_have_text("今")
    expect(posted.locator("blockquote.quote-verified")).to_contain_text("港の古い倉庫")
    expect(posted.get_by_role("button", name="返信")).to_be_visible()
    expect(posted.locator(".left")).to_contain_text("編集可能")
    reader.shot("japanese")

    widget = reader.open(key, page_lang="en", lang="ru")
    expect(widget.get_by_role("heading", name="Комментарии (1)")).to_be_visible()
    expect(widget.get_by_role("button", name="Отправить")).to_be_visible()


def test_closed_thread_is_read_only(reader: Reader, seed: Api, key: str) -> None:
    thread = seed.thread(key)
    seed.comment(thread["id"], "Last word before closing.", "Rosa")
    seed.close_thread(thread["id"])
    widget = reader.open(key)
    expect(widget.get_by_text("Comments are closed.")).to_be_visible()
    expect(item(widget, "Last word").locator(".tally")).to_have_text("0 ( +0 / -0 )")
    expect(widget.locator("form")).to_have_count(0)
    expect(widget.get_by_role("button", name=re.compile("Vote|Reply|Quote"))).to_have_count(0)
    reader.page.locator("article p").first.select_text()
    reader.page.wait_for_timeout(200)
    expect(widget.locator("button.qb")).to_be_hidden()
