from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Section
from .query import MAX_QUERY_LENGTH, QueryError, parse_query


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
        help_text=_('Words to find; "a phrase" in quotes; -word to leave a word out.'),
    )
    section = forms.ModelChoiceField(
        label=_("Section"),
        queryset=Section.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All sections"),
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, data=None, *args, **kwargs):
        # A search far over the limit is refused with its length, but only its start is
        # shown back in the form: a megabyte typed in must not come back as a megabyte page.
        self.typed_q = data.get("q", "") if data is not None else ""
        if len(self.typed_q) > MAX_QUERY_LENGTH:
            data = data.copy()
            data["q"] = self.typed_q.strip()[:MAX_QUERY_LENGTH]
        super().__init__(data, *args, **kwargs)

    def clean_q(self):
        text = self.cleaned_data["q"]
        if text:
            try:
                parse_query(self.typed_q)
            except QueryError as error:
                raise forms.ValidationError(error.message, code="query") from error
        return text

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned
