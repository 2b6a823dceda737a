"""Date archives at /YYYY/, /YYYY/MM/ and /YYYY/MM/DD/, on Django's generic date views.

Days run in the newsroom's time zone (``TIME_ZONE``), as story addresses do. A date that
does not exist, a period still to come or without stories, and a bad page number give 404.
"""

from calendar import monthrange
from datetime import date
from typing import NamedTuple

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import dates

from .addresses import address
from .date_labels import label
from .models import Article
from .pagination import StoryPaginator
from .periods import periods_with_stories
from .views import ListMetadataMixin, cards_by_id


class Period(NamedTuple):
    label: str
    url: str


def year_step(day: date) -> Period:
    return Period(label(day, "Y"), address("articles:archive-year", year=day.year))


def month_step(day: date) -> Period:
    return Period(
        label(day, "YEAR_MONTH_FORMAT"),
        address("articles:archive-month", year=day.year, month=f"{day.month:02d}"),
    )


def day_step(day: date) -> Period:
    return Period(
        label(day, "DATE_FORMAT"),
        address(
            "articles:archive-day",
            year=day.year,
            month=f"{day.month:02d}",
            day=f"{day.day:02d}",
        ),
    )


class ArchiveMixin(ListMetadataMixin):
    """What the three archives share; each names its ``period`` and its ``steps``.

    ``steps`` turn a date into the ``Period`` that holds it, from the year down to the
    archive's own; they make the heading, the breadcrumbs and the links to the periods
    before and after. A year lists its months with stories, a month its days.
    """

    template_name = "articles/article_archive.html"
    period: str
    steps: tuple
    sub_step = None
    sub_period_format = ""
    sub_periods_heading = ""
    date_field = "published_at"
    allow_future = False
    allow_empty = False
    paginate_by = settings.NEWSROOM_PAGE_SIZE
    context_object_name = "articles"
    month_format = "%m"
    day_format = "%d"

    def get_queryset(self):
        # Also used to find the periods before and after, which need the time alone; the
        # page's cards are read by id (``StoryPaginator``).
        return Article.objects.published().only("published_at")

    def get_dated_items(self):
        date_list, articles, extra = super().get_dated_items()
        self.start = extra[self.period]
        self.previous_start = extra[f"previous_{self.period}"]
        self.next_start = extra[f"next_{self.period}"]
        return date_list, articles, extra

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return StoryPaginator(queryset, per_page, cards=cards_by_id)

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        """The sub-periods holding stories, asked of the list index (``articles.periods``)."""
        starts, end = self.sub_period_bounds()
        # Probed on the whole list: a second range on the time (the archive's own) would
        # make the database scan the archive's stories for each sub-period.
        date_list = periods_with_stories(self.get_queryset(), starts, end)
        if not date_list:
            raise Http404(_("No stories here yet."))
        return date_list

    def sub_period_bounds(self) -> tuple[list[date], date]:
        """The first days of the sub-periods this archive lists, and the day after them."""
        raise NotImplementedError

    def step(self, start: date | None) -> Period | None:
        return self.steps[-1](start) if start else None

    def get_heading(self):
        return self.step(self.start).label

    def get_path(self):
        return self.step(self.start).url

    def get_trail(self):
        return [step(self.start) for step in self.steps]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return context | {
            "previous_period": self.step(self.previous_start),
            "next_period": self.step(self.next_start),
            "sub_periods_heading": self.sub_periods_heading,
            "sub_periods": [
                Period(label(start, self.sub_period_format), self.sub_step(start).url)
                for start in context.get("date_list") or []
            ],
        }


class YearArchiveView(ArchiveMixin, dates.YearArchiveView):
    period = "year"
    steps = (year_step,)
    sub_step = staticmethod(month_step)
    sub_period_format = "F"
    sub_periods_heading = gettext_lazy("Months")
    make_object_list = True

    def get_description(self):
        return _("Stories published in %(year)s.") % {"year": self.get_heading()}

    def sub_period_bounds(self):
        year = int(self.get_year())
        return [date(year, month, 1) for month in range(1, 13)], date(year + 1, 1, 1)


class MonthArchiveView(ArchiveMixin, dates.MonthArchiveView):
    period = "month"
    steps = (year_step, month_step)
    sub_step = staticmethod(day_step)
    sub_period_format = "j"
    sub_periods_heading = gettext_lazy("Days")

    def get_description(self):
        return _("Stories published in %(month)s.") % {"month": self.get_heading()}

    def sub_period_bounds(self):
        year, month = int(self.get_year()), int(self.get_month())
        days = monthrange(year, month)[1]
        following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return [date(year, month, day) for day in range(1, days + 1)], following


class DayArchiveView(ArchiveMixin, dates.DayArchiveView):
    period = "day"
    steps = (year_step, month_step, day_step)

    def get_description(self):
        return _("Stories published on %(day)s.") % {"day": self.get_heading()}
