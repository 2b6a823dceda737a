"""An editor saving one story again and again, as the admin does: run in a site's environment.

    python -m tests.resilience.editor create          # make the editor and the story
    python -m tests.resilience.editor save N PAUSE    # N saves, PAUSE seconds apart

``save`` prints one JSON line: how long each save took, the errors met (none expected),
and the story's body and revision count at the end.
"""

import json
import os
import sys
import time

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError, transaction
    from reversion.models import Version

    from articles import services
    from articles.models import Article, Section

    if sys.argv[1] == "create":
        user = get_user_model().objects.create_superuser("desk", "desk@example.org", None)
        article = Article(
            headline="The desk's own story",
            section=Section.objects.create(name="Desk", slug="desk"),
            body="<p>Draft 0.</p>",
        )
        services.article_save(article=article, user=user)
        print(json.dumps({"article": article.pk}))
        return

    saves, pause = int(sys.argv[2]), float(sys.argv[3])
    user = get_user_model().objects.get(username="desk")
    waits, errors = [], []
    for number in range(1, saves + 1):
        article = Article.objects.get(headline="The desk's own story")
        article.body = f"<p>Draft {number}.</p>"
        started = time.monotonic()
        try:
            with transaction.atomic():
                services.article_save(article=article, user=user, comment=f"Draft {number}")
        except DatabaseError as exc:
            errors.append(str(exc))
        waits.append(time.monotonic() - started)
        time.sleep(pause)
    article = Article.objects.get(headline="The desk's own story")
    print(
        json.dumps(
            {
                "waits": waits,
                "errors": errors,
                "body": article.body,
                "revisions": Version.objects.get_for_object(article).count(),
            }
        )
    )


if __name__ == "__main__":
    main()
