"""The read-only JSON API for apps and partners, served under ``/api/v1/``.

Everything here is public: stories come only from ``Article.objects.published()``, and
tags and authors are listed only when a published story carries them.
"""
