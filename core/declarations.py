"""A list's declared columns and filters, copied for each request without deep-copying them.

django-tables2 deep-copies a table class's columns for every table it builds, and django-filter a filter set's
filters for every filter set: on the employee list the columns' copies alone cost 0.3 to 0.55 ms a page, spent
copying labels, settings and lazy translations that nobody changes. Both libraries change a column or a filter only by
setting its attributes (a column hidden, a filter's parent and model) or an entry of one of its dictionaries (a
model choice filter's queryset in `extra`): each request gets its own shallow copy of every column and filter,
with its own copies of the dictionaries and lists it holds, and a filter's `method` bound to its copy. The
class's declarations are never touched.
"""

import copy
from collections import OrderedDict

import django_filters
import django_tables2 as tables
from django_filters.filterset import FilterSetMetaclass

from core.pagination import CountInPageQuery


def copy_of(declared):
    """A copy of a column or a filter, with copies of its dictionaries and lists (not of what they hold)."""
    twin = copy.copy(declared)
    for name, value in vars(declared).items():
        if isinstance(value, dict | list):
            setattr(twin, name, copy.copy(value))
    return twin


def copy_of_filter(declared):
    """A filter's copy_of(), whose `method` (a filter function bound to its filter) is bound to the copy."""
    twin = copy_of(declared)
    if declared.method is not None:
        twin.method = declared.method
    return twin


class CopiedCheaply(OrderedDict):
    """Declarations whose deep copy (what both libraries ask for) is a copy_one() of each."""

    copy_one = staticmethod(copy_of)

    def __deepcopy__(self, memo) -> OrderedDict:
        return OrderedDict((name, self.copy_one(declared)) for name, declared in self.items())


class FiltersCopiedCheaply(CopiedCheaply):
    copy_one = staticmethod(copy_of_filter)


class ListTable(CountInPageQuery, tables.Table):
    """The table of a house list: the page and its total in one query, columns copied cheaply."""

    def __init_subclass__(cls, **kwargs):
        # django-tables2's metaclass has gathered the columns by now (they are set before the class is made).
        super().__init_subclass__(**kwargs)
        cls.base_columns = CopiedCheaply(cls.base_columns)


class ListFilterSetMetaclass(FilterSetMetaclass):
    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        new_class.base_filters = FiltersCopiedCheaply(new_class.base_filters)
        return new_class


class ListFilterSet(django_filters.FilterSet, metaclass=ListFilterSetMetaclass):
    """The filter set of a house list: filters copied cheaply.

    django-filter builds a new form class from the filters' fields on every request (a tenth of a millisecond).
    A filter set whose fields and choices are the same on every request (no choices read from the database, no
    queryset chosen for the visitor) says so with `form_is_fixed`: its form class is built once per process (each
    form still gets its own copy of the fields, as Django's forms always do), and its empty form is drawn once per
    language and address (core/templatetags/tables_ui.py).
    """

    form_is_fixed = False

    def get_form_class(self):
        owner = type(self)
        if not self.form_is_fixed:
            return super().get_form_class()
        if "_fixed_form_class" not in owner.__dict__:
            owner._fixed_form_class = super().get_form_class()
        return owner._fixed_form_class
