"""Accounts without JavaScript: sign up, confirm from the email, sign in, comment, sign out."""

from __future__ import annotations

from tests.conftest import Inbox
from tests.web.conftest import Client
from tests.web.test_page import csrf_token

ARTICLE = {"site": "news", "key": "p1", "title": "T", "url": "https://news.example/p1", "lead": "Lead."}
PASSWORD = "correct horse battery"


async def test_account_flow_through_forms(mail_client: tuple[Client, Inbox]) -> None:
    client, inbox = mail_client
    thread = (await client.post("/api/v1/threads", json=ARTICLE)).json()
    page = (await client.get(f"/t/{thread['id']}")).text
    assert "Sign in" in page and "Create an account" in page
    token = csrf_token(page)

    form = await client.get(f"/auth/signup?site=news&next=/t/{thread['id']}")
    assert form.status_code == 200 and 'name="display_name"' in form.text
    signup = {"site": "news", "email": "cy@example.org", "display_name": "Cy Page", "password": PASSWORD}
    taken = await client.post("/auth/signup", data={**signup, "display_name": "Admin", "_csrf_token": token})
    assert taken.status_code == 400 and "reserved" in taken.text
    done = await client.post("/auth/signup", data={**signup, "_csrf_token": token})
    assert done.status_code == 200 and "cy@example.org" in done.text

    link = inbox.link("/auth/verify")
    landing = await client.get(f"/auth/verify?token={link}")
    assert landing.status_code == 200 and "Confirm my email address" in landing.text
    confirmed = await client.post("/auth/verify", data={"token": link, "_csrf_token": token})
    assert "Email confirmed" in confirmed.text
    again = await client.post("/auth/verify", data={"token": link, "_csrf_token": token})
    assert again.status_code == 400 and "not valid" in again.text

    wrong = await client.post(
        "/auth/signin",
        data={"site": "news", "email": "cy@example.org", "password": "nope nope nope", "_csrf_token": token},
    )
    assert wrong.status_code == 403
    signed_in = await client.post(
        "/auth/signin",
        data={
            "site": "news",
            "email": "cy@example.org",
            "password": PASSWORD,
            "next": f"/t/{thread['id']}",
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert signed_in.status_code == 303 and signed_in.headers["location"] == f"/t/{thread['id']}"
    page = (await client.get(f"/t/{thread['id']}")).text
    assert "Signed in as <strong>Cy Page</strong>" in page and 'name="author_name"' not in page
    posted = await client.post(
        f"/t/{thread['id']}/comments",
        data={"body": "From the form.", "_csrf_token": token},
        follow_redirects=True,
    )
    assert posted.status_code == 200 and "Cy Page" in posted.text and "From the form." in posted.text
    await client.post("/auth/signout", data={"next": f"/t/{thread['id']}", "_csrf_token": token})
    assert "Create an account" in (await client.get(f"/t/{thread['id']}")).text


async def test_next_never_leaves_the_site(mail_client: tuple[Client, Inbox]) -> None:
    client, _inbox = mail_client
    for target in ("https://evil.example/", "//evil.example/x"):
        page = await client.get(f"/auth/signin?site=news&next={target}")
        assert "evil.example" not in page.text
