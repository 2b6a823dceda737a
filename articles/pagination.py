"""Story lists paged without counting them.

Counting every published story in a section or under a tag costs more the more stories
there are; a reader only needs to know whether there is an older page. So a page reads
one row more than it shows, and the rows themselves are found in two steps inside one
query: the page's ids from the list's index alone (however deep the page), then the
cards for those ids.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.translation import gettext_lazy as _


class StoryPage(Page):
    def __init__(self, object_list, number, paginator, *, has_next: bool):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self):
        return self._has_next


# Deeper than any list goes; a bigger number would overflow the database's integers.
MAX_PAGE = 1_000_000


class StoryPaginator(Paginator):
    """Pages of ``object_list`` (published stories), each shown as ``cards(ids)``.

    ``cards`` turns a subquery of story ids into what the page shows of those stories
    (``articles.cards.StoryCard``), in list order. Only numbers past the last page with
    stories are unknown: they answer EmptyPage (a 404 in list views).
    """

    def __init__(self, object_list, per_page, *, cards, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cards = cards

    def validate_number(self, number):
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(_("That page number is not an integer")) from None
        if number < 1:
            raise EmptyPage(_("That page number is less than 1"))
        if number > MAX_PAGE:
            raise EmptyPage(_("That page contains no results"))
        return number

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        ids = self.object_list.values("pk")[start : start + self.per_page + 1]
        rows = list(self.cards(ids))
        if not rows and number > 1:
            raise EmptyPage(_("That page contains no results"))
        return StoryPage(rows[: self.per_page], number, self, has_next=len(rows) > self.per_page)
