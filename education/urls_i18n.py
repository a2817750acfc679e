"""Public URLs that exist in every language (/… and /en/…)."""

from django.urls import path

from . import views
from .feeds import NewsFeed

urlpatterns = [
    path("search/", views.search, name="search"),
    path("news/rss/", NewsFeed(), name="news_feed"),
]
