"""A GIN index on the search index's words as the search matches them (title || body).

The database search backend matches ``title || body`` against the query; its own
migrations index the two columns apart, so on PostgreSQL every search read every entry
(and unpacked every body): seconds at 10,000 pages. With this index a search reads only
the entries that match. SQLite matches through its FTS5 table and needs nothing.
``tests/education/test_search.py`` fails if the search stops using it.
"""

from django.db import migrations

INDEX = "education_search_entry_text_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry "
            "USING gin ((title || body))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0007_review_names_in_chinese"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
