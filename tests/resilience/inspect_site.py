"""Print, as JSON, what a test site's database holds: run in the site's environment.

python -m tests.resilience.inspect_site
"""

import json
import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()
    from articles.models import Article
    from tests.seed_files import incomplete_stories

    print(
        json.dumps(
            {
                "imported": Article.objects.exclude(source_path="").count(),
                "incomplete": incomplete_stories(),
            }
        )
    )


if __name__ == "__main__":
    main()
