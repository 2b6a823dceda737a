from django.urls import path, re_path

from . import feeds, views
from .search.views import search_view

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("latest/", views.LatestView.as_view(), name="latest"),
    path("search/", search_view, name="search"),
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
]
