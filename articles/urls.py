from django.urls import path, re_path

from . import archives, feeds, views
from .search.views import search_view

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("latest/", views.LatestView.as_view(), name="latest"),
    path("feed/", feeds.LatestStoriesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestStoriesAtomFeed(), name="feed-atom"),
    path("feed.json", feeds.LatestStoriesJsonFeed(), name="feed-json"),
    path("search/", search_view, name="search"),
    path("corrections/", views.CorrectionListView.as_view(), name="corrections"),
    path("corrections/feed/", feeds.CorrectionsFeed(), name="corrections-feed"),
    path("preview/<str:signed>/", views.share_preview, name="share-preview"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("section/<slug:slug>/feed/", feeds.SectionFeed(), name="section-feed"),
    path("section/<slug:slug>/feed/atom/", feeds.SectionAtomFeed(), name="section-feed-atom"),
    re_path(r"^tag/(?P<slug>[-\w]+)/$", views.TagView.as_view(), name="tag"),
    re_path(r"^tag/(?P<slug>[-\w]+)/feed/$", feeds.TagFeed(), name="tag-feed"),
    re_path(r"^tag/(?P<slug>[-\w]+)/feed/atom/$", feeds.TagAtomFeed(), name="tag-feed-atom"),
    re_path(r"^author/(?P<slug>[-\w]+)/$", views.AuthorView.as_view(), name="author"),
    re_path(r"^author/(?P<slug>[-\w]+)/feed/$", feeds.AuthorFeed(), name="author-feed"),
    re_path(
        r"^author/(?P<slug>[-\w]+)/feed/atom/$", feeds.AuthorAtomFeed(), name="author-feed-atom"
    ),
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/(?P<slug>[-\w]+)/$",
        views.ArticleDetailView.as_view(),
        name="detail",
    ),
    # Years 1000 to 2999: date arithmetic at year 1 or 9999 would overflow.
    re_path(r"^(?P<year>[12][0-9]{3})/$", archives.YearArchiveView.as_view(), name="archive-year"),
    re_path(
        r"^(?P<year>[12][0-9]{3})/(?P<month>[0-9]{2})/$",
        archives.MonthArchiveView.as_view(),
        name="archive-month",
    ),
    re_path(
        r"^(?P<year>[12][0-9]{3})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/$",
        archives.DayArchiveView.as_view(),
        name="archive-day",
    ),
]
