"""Tables whose rows are history: inserted once, never updated or deleted, in the ORM and in PostgreSQL."""

from django.db import migrations, models


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only; record a correction instead")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only; record a retraction instead")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only; record a correction instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only; record a retraction instead")


REFUSE_CHANGE_FUNCTION = """
CREATE OR REPLACE FUNCTION homeward_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


class PostgresOnlySQL(migrations.RunSQL):
    """SQL that only PostgreSQL runs; SQLite relies on the ORM's refusal alone."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def refuse_update_and_delete(table: str) -> list[PostgresOnlySQL]:
    """Migration operations that make PostgreSQL refuse UPDATE and DELETE on `table`.

    TRUNCATE stays allowed: it is how test databases are emptied, and no application path issues it.
    """
    return [
        PostgresOnlySQL(REFUSE_CHANGE_FUNCTION, "SELECT 1;"),
        PostgresOnlySQL(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION homeward_refuse_change();",
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        ),
    ]
