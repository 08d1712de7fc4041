"""On PostgreSQL the database itself refuses to change history, whatever client connects.

TRUNCATE stays allowed: it is how test databases are emptied between tests, and no application
path issues it."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION homeward_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def append_only(table: str) -> list[migrations.RunSQL]:
    return [
        migrations.RunSQL(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION homeward_refuse_change();",
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        ),
    ]


class PostgresOnly(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def postgres_only(operations: list[migrations.RunSQL]) -> list[PostgresOnly]:
    return [PostgresOnly(op.sql, op.reverse_sql) for op in operations]


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = postgres_only(
        [migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS homeward_refuse_change();")]
        + append_only("registry_caseevent")
    )
