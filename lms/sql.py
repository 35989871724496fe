"""Quoted names for the few statements written by hand (on the requests a whole class sends at
once, where the ORM spends longer building a statement than the database running it), the
statements that several of them share, and a way to send several statements at once.

What depends only on the model and the database vendor (quoted names, the select list, the
converters of each column) is worked out once per process: on these requests even reaching
the connection's `ops` through `django.db.connection` costs more than the statement's text."""

from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections


def _db():
    return connections[DEFAULT_DB_ALIAS]


@cache
def _names(model, vendor: str) -> tuple[str, dict[str, str]]:
    """The quoted table and {field name or attname or "pk": quoted column} of `model`."""
    quote = _db().ops.quote_name
    columns = {"pk": quote(model._meta.pk.column)}
    for field in model._meta.concrete_fields:
        columns[field.name] = columns[field.attname] = quote(field.column)
    return quote(model._meta.db_table), columns


def table(model) -> str:
    return _names(model, _db().vendor)[0]


def column(model, name: str) -> str:
    """The quoted column of field `name` ("pk" for the primary key)."""
    return _names(model, _db().vendor)[1][name]


@cache
def _row_reading(
    model, vendor: str, attnames: tuple[str, ...] | None
) -> tuple[str, list[str], list[tuple[int, list, object]]]:
    """The select list of the columns of `model` (all, in field order, or those of
    `attnames`), their attnames, and for each column that needs them the converters the ORM
    would apply."""
    db = _db()
    quoted_table, columns = _names(model, vendor)
    fields = model._meta.concrete_fields
    if attnames is not None:
        by_attname = {f.attname: f for f in fields}
        fields = [by_attname[name] for name in attnames]
    conversions = []
    for i, field in enumerate(fields):
        col = field.get_col(model._meta.db_table)
        converters = [*db.ops.get_db_converters(col), *field.get_db_converters(db)]
        if converters:
            conversions.append((i, converters, col))
    select = f"SELECT {', '.join(columns[f.name] for f in fields)} FROM {quoted_table}"  # noqa: S608 - names quoted
    return select, [f.attname for f in fields], conversions


def row_select(model, where: str, attnames: tuple[str, ...] | None = None) -> str:
    """A SELECT of the columns of `model` (all, or those of `attnames`) for `row_instance`;
    `where` is the rest of the statement (quoted names, bound values)."""
    return f"{_row_reading(model, _db().vendor, attnames)[0]} WHERE {where}"


def row_instance(model, row, attnames: tuple[str, ...] | None = None):
    """The instance of `model` that a row of `row_select` holds (with the same `attnames`;
    the other fields deferred), its values converted as the ORM converts them (SQLite's
    dates and times, say): what a queryset would have built, without the queryset."""
    db = _db()
    _select, names, conversions = _row_reading(model, db.vendor, attnames)
    values = list(row)
    for i, converters, col in conversions:
        value = values[i]
        if value is not None:
            for converter in converters:
                value = converter(value, col, db)
            values[i] = value
    return model.from_db(db.alias, names, values)


def row_update_statement(
    instance, names: list[str], *, unless_changed: dict | None = None
) -> tuple[str, list]:
    """`instance.save(update_fields=names)` as one plain UPDATE (statement and values),
    without save()'s signals (which nothing listens to for the models that use this).

    With `unless_changed` ({field name: the value read}), the row is updated only while it
    still holds those values: a row that another request changed since it was read is left
    as it is, and the statement updates no row (NULLs compare as equal)."""
    db = _db()
    model = type(instance)
    quoted_table, columns = _names(model, db.vendor)
    fields = [model._meta.get_field(name) for name in names]
    assignments = ", ".join(f"{columns[f.name]} = %s" for f in fields)
    values = [f.get_db_prep_save(getattr(instance, f.attname), db) for f in fields]
    where, where_values = f"{columns['pk']} = %s", [instance.pk]
    if unless_changed:
        same = "IS NOT DISTINCT FROM" if db.vendor == "postgresql" else "IS"
        for name, value in unless_changed.items():
            field = model._meta.get_field(name)
            where += f" AND {columns[name]} {same} %s"
            where_values.append(field.get_db_prep_save(value, db))
    return (
        f"UPDATE {quoted_table} SET {assignments} WHERE {where}",  # noqa: S608 - names quoted, values bound
        [*values, *where_values],
    )


def row_insert_values(instance) -> list[tuple[str, str, object]]:
    """(field name, quoted column, value) of each column a new row of `instance` is inserted
    with (all but an automatic primary key), each value prepared as `save()` prepares it."""
    db = _db()
    model = type(instance)
    columns = _names(model, db.vendor)[1]
    return [
        (f.name, columns[f.name], f.get_db_prep_save(f.pre_save(instance, True), db))
        for f in model._meta.concrete_fields
        if f is not model._meta.auto_field
    ]


def row_insert_statement(instance, *, ignore_conflicts: bool = False) -> tuple[str, list]:
    """`instance.save()` of a new row as one plain INSERT (statement and values), without
    save()'s signals; with `ignore_conflicts`, a row that a unique constraint already holds
    is left as it is and nothing is inserted. The primary key is not read back."""
    inserted = row_insert_values(instance)
    sql = (
        f"INSERT INTO {table(type(instance))} ({', '.join(c for _, c, _ in inserted)}) "  # noqa: S608 - names quoted, values bound
        f"VALUES ({', '.join(['%s'] * len(inserted))})"
    )
    values = [value for _, _, value in inserted]
    return (sql + " ON CONFLICT DO NOTHING" if ignore_conflicts else sql), values


def row_insert_select(instance, source: str, computed: dict | None = None) -> tuple[str, list]:
    """An INSERT of `instance`'s new row (as `row_insert_statement`) whose values are selected
    FROM `source`, a row source of the same statement (a WITH query): one row there inserts
    it, none inserts nothing. `computed` ({field name: (SQL expression, values)}) gives the
    columns that the statement works out itself, from `source`'s columns say."""
    computed = computed or {}
    names, expressions, values = [], [], []
    for name, quoted, value in row_insert_values(instance):
        names.append(quoted)
        expression, expression_values = computed.get(name, ("%s", [value]))
        expressions.append(expression)
        values += expression_values
    return (
        f"INSERT INTO {table(type(instance))} ({', '.join(names)}) "  # noqa: S608 - names quoted, values bound
        f"SELECT {', '.join(expressions)} FROM {source}",
        values,
    )


def row_saved(instance, key):
    """`instance`, now that its row is inserted under primary key `key`, marked as saved (as
    `save()` leaves it). Returns it."""
    setattr(instance, type(instance)._meta.pk.attname, key)
    instance._state.adding = False
    instance._state.db = _db().alias
    return instance


def row_insert(instance):
    """`instance.save()` of a new row, without save()'s signals and the ORM's building of the
    statement: one plain INSERT that reads the primary key back (RETURNING, where the database
    has it). Returns `instance`, saved."""
    db = _db()
    model = type(instance)
    sql, values = row_insert_statement(instance)
    with db.cursor() as cursor:
        if db.features.can_return_columns_from_insert:
            cursor.execute(f"{sql} RETURNING {column(model, 'pk')}", values)
            key = cursor.fetchone()[0]
        else:
            cursor.execute(sql, values)
            key = db.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)
    return row_saved(instance, key)


def statements_run(statements: list[tuple[str, list]]) -> list[list[tuple]]:
    """Run `statements` ([(sql, values), ...]) in order and return the rows of each ([] for
    one that returns none). On PostgreSQL they travel as one query, in one round trip (the
    psycopg cursor Django uses binds the values on the client); each statement still takes a
    snapshot of its own when it starts, so it sees what committed while an earlier one waited
    for a lock. Elsewhere they run one by one."""
    db = _db()
    together = (
        len(statements) > 1
        and db.vendor == "postgresql"
        and db.Database.__name__ == "psycopg"
        and not db.settings_dict["OPTIONS"].get("server_side_binding")
    )
    results = []
    with db.cursor() as cursor:
        if together:
            cursor.execute(
                "; ".join(sql for sql, _ in statements),
                [value for _, values in statements for value in values],
            )
            from psycopg.pq import ExecStatus

            while True:  # each result's status says whether it has rows (cheaper than its
                # description, which psycopg builds column by column)
                has_rows = cursor.pgresult.status == ExecStatus.TUPLES_OK
                results.append(cursor.fetchall() if has_rows else [])
                if not cursor.nextset():
                    break
        else:
            for sql, values in statements:
                cursor.execute(sql, values)
                results.append(cursor.fetchall() if cursor.description is not None else [])
    return results
