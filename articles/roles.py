"""Newsroom roles: who may do what with stories.

Groups hold model permissions; the rules below add what permissions alone cannot
say, such as "a reporter edits only their own stories, and only before they go live".
"""

from django.contrib.auth.models import AbstractBaseUser

from .models import Article

PUBLISH_PERMISSION = "articles.publish_article"

# Permission codenames (app "articles") each group is given by the roles migration.
ROLE_PERMISSIONS = {
    "Reporter": [
        "add_article",
        "change_article",
        "view_article",
        "add_byline",
        "change_byline",
        "delete_byline",
        "view_byline",
        "view_section",
        "view_author",
        "view_tag",
        "add_image",
        "change_image",
        "view_image",
        "view_correction",
    ],
    "Editor": [
        "add_article",
        "change_article",
        "delete_article",
        "view_article",
        "publish_article",
        "add_byline",
        "change_byline",
        "delete_byline",
        "view_byline",
        "add_section",
        "change_section",
        "view_section",
        "add_author",
        "change_author",
        "view_author",
        "add_tag",
        "change_tag",
        "delete_tag",
        "view_tag",
        "add_image",
        "change_image",
        "delete_image",
        "view_image",
        "add_correction",
        "change_correction",
        "delete_correction",
        "view_correction",
        "view_auditevent",
    ],
}


def can_publish(user: AbstractBaseUser) -> bool:
    """Publish, schedule, embargo and unpublish stories."""
    return user.has_perm(PUBLISH_PERMISSION)


def is_own_story(user: AbstractBaseUser, article: Article) -> bool:
    """The user started the story or is in its byline."""
    if article.pk is None or article.created_by_id == user.pk:
        return True
    return any(byline.author.user_id == user.pk for byline in article.bylines.all())


def can_edit(user: AbstractBaseUser, article: Article) -> bool:
    """Editors edit any story; reporters only their own, and only before it is published."""
    if not user.has_perm("articles.change_article"):
        return False
    if can_publish(user):
        return True
    return article.status != Article.Status.PUBLISHED and is_own_story(user, article)
