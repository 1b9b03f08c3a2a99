"""The values of a list's export, as django-tables2's Table.as_values() gives them, worked out once per column
rather than once per cell (the full catalogue's CSV came about 7 times faster). A cell this reader is not sure
about is left to django-tables2 itself; tests/core/test_fast_export.py compares both, cell by cell."""

import functools
import inspect

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.utils import Accessor, signature

# What django-tables2 may pass a column's value method: the arguments that change with each cell.
CELL_ARGUMENTS = ("value", "record", "bound_row")
# An attribute a record does not have.
MISSING = object()


class UnusualCell(Exception):
    """A cell that ColumnReader leaves to django-tables2: a record that is no model instance, a method or a relation
    manager to call, a missing attribute, an error while reading."""


def plain_attribute(current, name: str):
    """`current.<name>` when django-tables2's Accessor.resolve would find exactly that: an attribute of a model
    instance (which has no `[]` lookup to try first) that is not missing, and not a method it would call (a
    relation manager, marked do_not_call_in_templates, is kept as it is)."""
    if not isinstance(current, models.Model) or hasattr(current, "__getitem__"):
        raise UnusualCell
    value = getattr(current, name, MISSING)
    if value is MISSING:
        raise UnusualCell
    if callable(value) and (getattr(value, "alters_data", False)
                            or not getattr(value, "do_not_call_in_templates", False)):
        raise UnusualCell
    return value


def choice_labels(model, display_name: str, field) -> dict | None:
    """The labels Django's own get_<field>_display() gives each choice of `field` (translated now, for this
    export's language), or None when `model` defines that method otherwise: then it is called for each cell."""
    method = inspect.getattr_static(model, display_name, None)
    if not (isinstance(method, functools.partialmethod) and method.func is models.Model._get_FIELD_display
            and method.keywords == {"field": field}):
        return None
    return {key: force_str(label, strings_only=True) for key, label in make_hashable(field.flatchoices)}


def is_default_column_value(function, column) -> bool:
    """Whether `function` is django-tables2's Column.value of `column`, which only calls the column's render()."""
    return getattr(function, "__self__", None) is column and getattr(function, "__func__", None) is tables.Column.value


class ColumnReader:
    """The export values of one column, as django-tables2's BoundRow.get_cell_value gives them, for the rows of one
    model.

    get_cell_value works out again for every cell what is the same for the whole column (the value method's
    arguments, read with inspect.signature; the model field and its choices; the accessor's path), and looks each
    attribute up as a dictionary key first: on the 5,000-course catalogue that was 90% of an export's time. Here it is
    worked out once; a cell read otherwise (see plain_attribute) is left to get_cell_value itself.
    """

    def __init__(self, table, bound_column, model):
        column = bound_column.column
        accessor = Accessor(bound_column.accessor)
        self.name = bound_column.name
        self.empty_values = column.empty_values
        bits = accessor.split(Accessor.SEPARATOR)
        self.fast = (accessor.SEPARATOR == Accessor.SEPARATOR and all(bits) and not accessor.callable_args
                     and not accessor.callable_kwargs and not isinstance(column, ManyToManyColumn))
        self.path, self.last = bits[:-1], bits[-1]
        self.field = self.field_with_choices(accessor, model)
        self.display = f"get_{self.last}_display"
        self.labels_by_model = {}
        function = bound_column.value
        if is_default_column_value(function, column):
            function = column.render
        self.identity = getattr(function, "__func__", None) is tables.Column.render
        self.function = function
        arguments, catch_all = signature(function)
        available = {"column": column, "bound_column": bound_column, "table": table}
        wanted = tuple(available) + CELL_ARGUMENTS if catch_all else arguments
        # call_with_appropriate() calls no value method that wants an argument it does not know.
        self.callable = set(wanted) <= set(available) | set(CELL_ARGUMENTS)
        self.constants = {name: value for name, value in available.items() if name in wanted}
        self.per_cell = [name for name in CELL_ARGUMENTS if name in wanted]

    @staticmethod
    def field_with_choices(accessor, model):
        """The model field whose choices' labels django-tables2 exports rather than its values, if any."""
        try:
            field = accessor.get_field(model)
        except FieldDoesNotExist:
            return None
        return field if getattr(field, "choices", ()) else None

    def raw_value(self, record):
        """The value the accessor reaches, a field with choices read through get_<field>_display()."""
        current = record
        for bit in self.path:
            current = plain_attribute(current, bit)
            if current is None:
                return None
        if self.field and isinstance(current, models.Model):
            return self.choice_label(current)
        return plain_attribute(current, self.last)

    def choice_label(self, instance):
        """instance.get_<field>_display(), without building the choices' dictionary again for each cell."""
        model = type(instance)
        if model not in self.labels_by_model:
            self.labels_by_model[model] = choice_labels(model, self.display, self.field)
        labels = self.labels_by_model[model]
        if labels is None:
            display = getattr(instance, self.display, None)
            return display() if display else plain_attribute(instance, self.last)
        value = getattr(instance, self.field.attname)
        key = make_hashable(value)
        return labels[key] if key in labels else force_str(value, strings_only=True)

    def cell(self, row):
        """The cell's value before force_str(), as BoundRow.get_cell_value gives it."""
        if not self.fast:
            return row.get_cell_value(self.name)
        try:
            value = self.raw_value(row.record)
        except Exception:  # an UnusualCell, or an error get_cell_value would swallow in its own way
            return row.get_cell_value(self.name)
        if value in self.empty_values:
            return None
        if self.identity:
            return value
        if not self.callable:
            return None
        cell_arguments = {"value": value, "record": row.record, "bound_row": row}
        return self.function(**self.constants, **{name: cell_arguments[name] for name in self.per_cell})


def exported_columns(table, exclude_columns) -> list:
    """The columns Table.as_values() exports, in its order."""
    exclude_columns = exclude_columns or ()
    return [column for column in table.columns.iterall()
            if not (column.column.exclude_from_export or column.name in exclude_columns)]


def table_values(table, exclude_columns=None):
    """What django-tables2's Table.as_values() yields (the headers, then each row's values), read by one
    ColumnReader per column and per model of the rows' records."""
    columns = exported_columns(table, exclude_columns)
    yield [force_str(column.header, strings_only=True) for column in columns]
    readers = {}
    for row in table.rows:
        kind = type(row.record)
        if kind not in readers:
            readers[kind] = [ColumnReader(table, column, kind) for column in columns]
        yield [force_str(reader.cell(row), strings_only=True) for reader in readers[kind]]


def dataset_title(table) -> str:
    """The sheet's title, as django-tables2's TableExport names it."""
    try:
        return table.Meta.model._meta.verbose_name_plural.title()
    except AttributeError:
        return "Export Data"
