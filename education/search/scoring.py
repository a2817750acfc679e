"""The ranking's points for words in the title and the summary, as SQL expressions.

A query of a few words looks for a dozen texts in the title and the summary (the run,
each word, each synonym). Written as one ``Case`` per text, and one subquery per page
type for the summary, the ranking statement took Django longer to build and compile
than the database took to run it. These two expressions compile straight to the same
SQL on SQLite and PostgreSQL: each text is compared as ``icontains`` compares (upper
case on both sides, ``%`` and ``_`` escaped).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Expression, F, IntegerField


def _points_sql(column, column_params, texts, connection):
    """``(CASE WHEN UPPER(column) LIKE UPPER('%text%') THEN points ELSE 0 END + …)``."""
    if not texts:
        return "0", []
    parts, params = [], []
    for text, points in texts:
        parts.append(
            f"CASE WHEN UPPER({column}) LIKE UPPER(%s) ESCAPE '\\' THEN {int(points)} ELSE 0 END"
        )
        params += [*column_params, f"%{connection.ops.prep_for_like_query(text)}%"]
    return f"({' + '.join(parts)})", params


class TextPoints(Expression):
    """The points of each (text, points) whose text the column contains."""

    output_field = IntegerField()

    def __init__(self, column, texts):
        super().__init__()
        self.column, self.texts = F(column), tuple(texts)

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, expressions):
        (self.column,) = expressions

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        return _points_sql(column, params, self.texts, connection)


class SummaryPoints(Expression):
    """The points of each (text, points) whose text the page's summary contains.

    The summary lives in each page type's own table: the page's type picks the one
    table to read, by primary key, so each page ranked costs one lookup, whatever the
    number of texts, and no table is read whole.
    """

    output_field = IntegerField()

    def __init__(self, models, texts):
        super().__init__()
        self.models, self.texts = tuple(models), tuple(texts)
        self.page, self.kind = F("pk"), F("content_type_id")

    def get_source_expressions(self):
        return [self.page, self.kind]

    def set_source_expressions(self, expressions):
        self.page, self.kind = expressions

    def as_sql(self, compiler, connection):
        if not self.texts or not self.models:
            return "0", []
        page, page_params = compiler.compile(self.page)
        kind, kind_params = compiler.compile(self.kind)
        quote = connection.ops.quote_name
        row = quote("search_summary")
        whens, params = [], []
        for model in self.models:
            summary = f"{row}.{quote(model._meta.get_field('summary').column)}"
            points, points_params = _points_sql(summary, [], self.texts, connection)
            # Names quoted by the connection; every value is a parameter.
            whens.append(
                f"WHEN {kind} = %s THEN COALESCE((SELECT {points} "  # noqa: S608
                f"FROM {quote(model._meta.db_table)} {row} "
                f"WHERE {row}.{quote(model._meta.pk.column)} = {page}), 0)"
            )
            content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
            params += [*kind_params, content_type.pk, *points_params, *page_params]
        return f"(CASE {' '.join(whens)} ELSE 0 END)", params
