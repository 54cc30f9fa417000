"""Benchmark databases: a template built once per run, and fresh copies of it to time on.

PostgreSQL copies a template database file by file (CREATE DATABASE … TEMPLATE), so
each contender starts from byte-identical data without regenerating it.
"""

import os
import sys
from collections.abc import Iterable

import environ
import psycopg
from psycopg import sql

# Django as production runs it (debug off: no SQL kept per query), for the benchmarks that
# call the app in-process. gunicorn gets the same from bench/server.py.
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789abcdef0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",
    "DJANGO_SECURE_HSTS_SECONDS": "0",
    "DJANGO_LOG_LEVEL": "WARNING",
}


def use_production_settings() -> None:
    """Call before django.setup(); what the caller's environment sets wins."""
    for name, value in PRODUCTION.items():
        os.environ.setdefault(name, value)


def pg_settings() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    config = environ.Env.db_url_config(url) if url else {}
    if config.get("ENGINE") != "django.db.backends.postgresql":
        sys.exit("Benchmarks run on PostgreSQL: set DATABASE_URL=postgres://…")
    return config


def admin_connection(config: dict) -> psycopg.Connection:
    return psycopg.connect(
        host=config.get("HOST") or "localhost",
        port=config.get("PORT") or 5432,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def recreate(config: dict, name: str, template: str | None = None) -> None:
    with admin_connection(config) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if template:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        else:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop(config: dict, name: str) -> None:
    with admin_connection(config) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def use_database(name: str) -> None:
    """Point Django's default connection at another database of the same server."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def copy_rows(table: str, columns: Iterable[str], rows: Iterable[tuple]) -> None:
    """COPY rows into a table through Django's connection (explicit ids included)."""
    from django.db import connection

    columns = list(columns)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def reset_sequences(*tables: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table}), 1))"
            )


def bench_line(name: str, figure: str, value: float, op: str, target: float) -> str:
    """The one summary line each figure ends with: BENCH <name> <figure>=<v> target<op><t> PASS|FAIL."""
    passed = {
        "<=": value <= target,
        ">=": value >= target,
        "<": value < target,
        ">": value > target,
    }[op]
    return f"BENCH {name} {figure}={value:.3g} target{op}{target:g} {'PASS' if passed else 'FAIL'}"


# Every NOT NULL column of accounts_user without a database default: a new one must be
# added here, or both data generators fail at their first COPY.
_USER_COLUMNS = (
    "id",
    "email",
    "password",
    "first_name",
    "last_name",
    "phone",
    "avatar",
    "staff_notes",
    "status",
    "is_staff",
    "is_superuser",
    "email_verified_at",
    "referral_code",
    "date_joined",
    "updated_at",
    "time_zone",
    "public_name",
    "leaderboard_hidden",
)


def _user_row(u: int, now) -> tuple:
    # phone, avatar and staff notes are blank; not staff; verified when created.
    profile = (u, f"bench{u}@example.com", "!", "Bench", str(u), "", "", "")
    # The site's time zone, the default public name ("Bench 1."), not hidden.
    return (*profile, "active", False, False, now, f"B{u:09d}", now, now, "", "", False)


def copy_bench_users(n: int, now) -> None:
    """Shoppers 1..n (bench{n}@example.com), active and verified, with no usable password."""
    copy_rows(
        "accounts_user",
        _USER_COLUMNS,
        (_user_row(u, now) for u in range(1, n + 1)),
    )
