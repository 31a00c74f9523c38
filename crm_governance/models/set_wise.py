"""One statement for many rows: the module's set-wise writes of its own
results (protection states and dates, grades and their figures), which the
ORM refuses from callers by design and which would otherwise cost a query
per record."""
from odoo.tools import SQL


def update_by_id(cr, table, ids, columns):
    """``UPDATE table`` so that row ``ids[i]`` gets ``values[i]`` of each
    ``columns[name] = (sql_type, values)``, in one statement."""
    if not ids:
        return
    if len(ids) == 1:
        # one row (the owner's note renewing one record): a plain UPDATE plans in half the time
        # of the unnest join (0.6 against 0.95 ms measured on the 100,000-lead bench)
        cr.execute(SQL(
            "UPDATE %(table)s SET %(assign)s WHERE id = %(id)s", table=SQL.identifier(table), id=ids[0],
            assign=SQL(", ").join(SQL("%s = %s::%s", SQL.identifier(c), values[0], SQL(sql_type))
                                  for c, (sql_type, values) in columns.items())))
        return
    cr.execute(SQL(
        "UPDATE %(table)s AS r SET %(assign)s FROM unnest(%(ids)s::int[], %(arrays)s) AS v(id, %(names)s) "
        "WHERE r.id = v.id",
        table=SQL.identifier(table), ids=list(ids),
        assign=SQL(", ").join(SQL("%s = v.%s", SQL.identifier(c), SQL.identifier(c)) for c in columns),
        arrays=SQL(", ").join(SQL("%s::%s[]", list(values), SQL(sql_type)) for sql_type, values in columns.values()),
        names=SQL(", ").join(SQL.identifier(c) for c in columns)))


def insert_rows(cr, table, columns, same=None):
    """``INSERT INTO table`` one row per index of ``columns[name] =
    (sql_type, values)`` (equal lengths), and ``same[name] = (sql_type,
    value)`` in every row, in one statement; the new ids in the order of
    the values (unnest's rows, inserted and returned in order, as Odoo's own
    multi-row INSERT relies on)."""
    count = len(next(iter(columns.values()))[1]) if columns else 0
    if not count:
        return []
    columns = {**columns, **{name: (sql_type, [value] * count) for name, (sql_type, value) in (same or {}).items()}}
    cr.execute(SQL(
        "INSERT INTO %(table)s (%(names)s) SELECT * FROM unnest(%(arrays)s) RETURNING id",
        table=SQL.identifier(table), names=SQL(", ").join(SQL.identifier(c) for c in columns),
        arrays=SQL(", ").join(SQL("%s::%s[]", list(values), SQL(sql_type)) for sql_type, values in columns.values())))
    return [row[0] for row in cr.fetchall()]


def written_by(uid, now):
    """The ORM's own columns of a row written at ``now`` by ``uid``, for
    ``insert_rows``'s ``same``."""
    return {"create_uid": ("int4", uid), "create_date": ("timestamp", now),
            "write_uid": ("int4", uid), "write_date": ("timestamp", now)}
