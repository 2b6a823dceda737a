from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from . import search
from .forms import SearchForm


def search_view(request):
    """Search published stories; a query that cannot be searched says why, with the form."""
    form = SearchForm(request.GET or None)
    context = {"form": form, "query": ""}
    if form.is_valid() and form.cleaned_data["q"]:
        data = form.cleaned_data
        results = search(
            data["q"],
            section=data["section"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
        paginator = Paginator(results, settings.NEWSROOM_PAGE_SIZE)
        page_number = request.GET.get("page") or 1
        if page_number == "last":
            page_number = paginator.num_pages
        try:
            page = paginator.page(page_number)
        except InvalidPage as error:
            raise Http404(_("There is no such page of results.")) from error
        context.update(
            query=data["q"],
            paginator=paginator,
            page_obj=page,
            hits=page.object_list,
            is_paginated=page.has_other_pages(),
            truncated=results.is_truncated,
        )
    return TemplateResponse(request, "articles/search.html", context)
