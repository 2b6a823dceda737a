import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services
from articles.models import PreviewLink

from .factories import ArticleFactory, AuthorFactory, PreviewLinkFactory, UserFactory

pytestmark = pytest.mark.django_db


def staff_with(*codenames):
    """A staff user whose group holds only these article permissions."""
    group = Group.objects.create(name="+".join(codenames))
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
    )
    user = UserFactory(is_staff=True)
    user.groups.add(group)
    return user


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def preview_url(article):
    return reverse("admin:articles_article_preview", args=[article.pk])


def create_url(article):
    return reverse("admin:articles_article_share_link_create", args=[article.pk])


def revoke_url(link):
    return reverse("admin:articles_article_share_link_revoke", args=[link.article_id, link.pk])


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def assert_private(response, robots="noindex"):
    assert robots in response["X-Robots-Tag"]
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control


# The admin's Preview button


def test_change_page_has_a_preview_button(editor_client):
    article = ArticleFactory(draft=True)
    html = editor_client.get(change_url(article)).text
    assert f'href="{preview_url(article)}"' in html
    assert ">Preview</a>" in html


def test_editor_previews_a_draft_as_readers_will_see_it(editor_client):
    article = ArticleFactory(draft=True, headline="Work in progress", credit="Staff")
    response = editor_client.get(preview_url(article))
    assert response.status_code == 200
    assert "articles/article_detail.html" in [t.name for t in response.templates]
    assert '<h1 class="story-headline" lang="en" dir="ltr">Work in progress</h1>' in response.text
    assert '<span class="credit">Staff</span>' in response.text
    assert "Preview: readers cannot see this story yet." in response.text
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert_private(response)


def test_preview_of_a_published_story_says_so(editor_client):
    response = editor_client.get(preview_url(ArticleFactory()))
    assert "Preview: this is the story as readers see it now." in response.text


def test_user_who_may_edit_the_story_may_preview_it():
    user = staff_with("change_article", "view_article")
    client = logged_in(user)
    assert client.get(preview_url(ArticleFactory(draft=True, created_by=user))).status_code == 200
    assert client.get(preview_url(ArticleFactory(draft=True))).status_code == 403


def test_user_without_the_change_permission_may_not_preview():
    client = logged_in(staff_with("view_article"))
    article = ArticleFactory(draft=True, headline="Work in progress")
    response = client.get(preview_url(article))
    assert response.status_code == 403
    assert "Work in progress" not in response.text
    assert ">Preview</a>" not in client.get(change_url(article)).text


def test_anonymous_preview_is_sent_to_login(client):
    response = client.get(preview_url(ArticleFactory(draft=True)))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_preview_on_the_public_address_is_private_too(editor_client):
    response = editor_client.get(ArticleFactory(draft=True).get_absolute_url())
    assert response.status_code == 200
    assert_private(response)


def test_public_story_page_is_not_marked_private(client):
    response = client.get(ArticleFactory().get_absolute_url())
    assert "X-Robots-Tag" not in response
    assert "no-store" not in response.get("Cache-Control", "")


# Share links: what the holder sees


def test_share_link_shows_a_draft_to_anyone_who_has_it(client):
    link = PreviewLinkFactory(article__headline="Merger talks")
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    assert '<h1 class="story-headline" lang="en" dir="ltr">Merger talks</h1>' in response.text
    assert "Preview shared by the newsroom: this story is not published." in response.text
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert_private(response, robots="noindex, nofollow")
    assert response["Referrer-Policy"] == "no-referrer"


def test_share_link_page_links_only_to_public_pages(client):
    author = AuthorFactory()
    link = PreviewLinkFactory(article__authors=[author], article__tags=["Oil"])
    other = ArticleFactory(draft=True, section=link.article.section, headline="Other secret")
    html = client.get(link.get_absolute_url()).text
    assert "Other secret" not in html
    hrefs = set(re.findall(r'href="(/[^"#]*)', html)) - {link.get_absolute_url()}
    assert author.get_absolute_url() in hrefs
    for href in hrefs:
        if href.startswith("/static/") or href == link.article.get_absolute_url():
            continue
        response = client.get(href)
        assert response.status_code == 200, href
        assert "Other secret" not in response.text
    assert client.get(other.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "tamper", [lambda s: s[:-1] + ("A" if s[-1] != "A" else "B"), lambda s: "x" + s]
)
def test_tampered_share_link_gives_404_before_any_lookup(client, tamper):
    link = PreviewLinkFactory()
    signed = link.get_absolute_url().split("/")[-2]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("articles:share-preview", args=[tamper(signed)]))
    assert response.status_code == 404
    assert not any("previewlink" in query["sql"] for query in queries)


def test_unknown_but_signed_token_gives_404(client):
    link = PreviewLinkFactory()
    url = link.get_absolute_url()
    link.delete()
    assert client.get(url).status_code == 404


def test_expired_share_link_is_refused(client):
    link = PreviewLinkFactory(article__headline="Merger talks")
    with time_machine.travel(link.expires_at + timedelta(seconds=1)):
        response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    assert "This preview link no longer works" in response.text
    assert "Merger talks" not in response.text
    assert_private(response)


def test_revoked_share_link_is_refused(client, editor):
    link = PreviewLinkFactory(article__headline="Merger talks")
    services.preview_link_revoke(link=link, user=editor)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    assert "Merger talks" not in response.text


# Share links: creating and revoking them in admin


def test_editor_creates_copies_and_revokes_a_share_link(editor_client, client):
    article = ArticleFactory(draft=True)
    now = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        response = editor_client.post(
            create_url(article), {"expires_in": "7", "note": "for our lawyer"}, follow=True
        )
    assert response.redirect_chain[-1][0] == f"{change_url(article)}#share-links"
    assert "Share link created." in response.text
    link = PreviewLink.objects.get()
    assert link.expires_at == now + timedelta(days=7)
    assert link.note == "for our lawyer"

    html = editor_client.get(change_url(article)).text
    assert f'value="http://testserver{link.get_absolute_url()}" readonly' in html
    assert "for our lawyer" in html
    assert 'data-copy-target="share-link-' in html
    assert client.get(link.get_absolute_url()).status_code == 200

    response = editor_client.post(revoke_url(link), follow=True)
    assert "Share link revoked" in response.text
    assert "No share link is active for this story." in response.text
    assert client.get(link.get_absolute_url()).status_code == 410


def test_share_link_needs_a_known_lifetime(editor_client):
    article = ArticleFactory(draft=True)
    response = editor_client.post(create_url(article), {"expires_in": "365"}, follow=True)
    assert "The share link was not created" in response.text
    assert not PreviewLink.objects.exists()


def test_share_link_views_accept_only_post(editor_client):
    link = PreviewLinkFactory()
    assert editor_client.get(create_url(link.article)).status_code == 405
    assert editor_client.get(revoke_url(link)).status_code == 405


def test_share_links_without_the_publish_permission_are_refused_even_forged():
    client = logged_in(staff_with("change_article", "view_article"))
    link = PreviewLinkFactory()
    html = client.get(change_url(link.article)).text
    assert 'id="share-links"' not in html
    assert client.post(create_url(link.article), {"expires_in": "1"}).status_code == 403
    assert client.post(revoke_url(link)).status_code == 403
    assert PreviewLink.objects.get().is_active
    assert PreviewLink.objects.count() == 1


def test_user_with_the_publish_permission_sees_share_links():
    client = logged_in(staff_with("change_article", "view_article", "publish_article"))
    article = ArticleFactory(draft=True)
    assert 'id="share-links"' in client.get(change_url(article)).text
    assert client.post(create_url(article), {"expires_in": "1"}).status_code == 302
    assert PreviewLink.objects.filter(article=article).exists()


def test_share_link_forms_are_csrf_protected(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    link = PreviewLinkFactory()
    assert client.post(create_url(link.article), {"expires_in": "1"}).status_code == 403
    assert client.post(revoke_url(link)).status_code == 403
    assert PreviewLink.objects.get().is_active


def test_share_link_services_refuse_users_without_the_publish_permission():
    user = staff_with("change_article")
    article = ArticleFactory(draft=True)
    with pytest.raises(PermissionDenied):
        services.preview_link_create(article=article, user=user, expires_in=timedelta(days=1))
    link = PreviewLinkFactory(article=article)
    with pytest.raises(PermissionDenied):
        services.preview_link_revoke(link=link, user=user)
    assert PreviewLink.objects.get().is_active
