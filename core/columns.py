"""Date and time columns that export real dates: a spreadsheet file gets date cells, a CSV file French dates.

django-tables2's own export an ISO text ("2026-11-18", or "2026-11-18 17:12:04.123456+00:00" in UTC): the XLSX
file then holds text, not dates, and times in UTC. Registered with django-tables2, they are also the columns it
makes for a model's date fields.
"""

import datetime

import django_tables2 as tables
from django.utils import timezone
from django_tables2.columns.base import library


@library.register
class DateColumn(tables.DateColumn):
    def value(self, value, **kwargs):
        if isinstance(value, datetime.date):
            return value
        return super().value(value=value, **kwargs)


@library.register  # after DateColumn: a DateTimeField is also a DateField, and the last registered wins
class DateTimeColumn(tables.DateTimeColumn):
    def value(self, value, **kwargs):
        """The local time to the second, without its time zone (a spreadsheet cell holds none)."""
        if isinstance(value, datetime.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return local.replace(microsecond=0, tzinfo=None)
        return super().value(value=value, **kwargs)
