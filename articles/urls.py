from django.urls import path, re_path

from . import archives, feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("latest/", views.LatestView.as_view(), name="latest"),
    path("corrections/", views.CorrectionListView.as_view(), name="corrections"),
    path("corrections/feed/", feeds.CorrectionsFeed(), name="corrections-feed"),
    path("preview/<str:signed>/", views.share_preview, name="share-preview"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    re_path(r"^tag/(?P<slug>[-\w]+)/$", views.TagView.as_view(), name="tag"),
    re_path(r"^author/(?P<slug>[-\w]+)/$", views.AuthorView.as_view(), name="author"),
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
