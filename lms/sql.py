"""Quoted names for the few statements written by hand (on the requests a whole class sends at
once, where the ORM spends longer building a statement than the database running it), and
the one such statement that several of them share."""

from django.db import connection


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model, name: str) -> str:
    """The quoted column of field `name` ("pk" for the primary key)."""
    meta = model._meta
    field = meta.pk if name == "pk" else meta.get_field(name)
    return connection.ops.quote_name(field.column)


def row_update(instance, names: list[str]) -> None:
    """`instance.save(update_fields=names)` as one plain UPDATE, without save()'s signals
    (which nothing listens to for the models that use this)."""
    fields = [instance._meta.get_field(name) for name in names]
    assignments = ", ".join(f"{column(type(instance), f.name)} = %s" for f in fields)
    params = [f.get_db_prep_save(getattr(instance, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table(type(instance))} SET {assignments} "  # noqa: S608 - names quoted, values bound
            f"WHERE {column(type(instance), 'pk')} = %s",
            [*params, instance.pk],
        )
