"""Test helpers: what a hot path asks of the database, races on real threads, and a
person's clicks in the browser."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

_TABLE = re.compile(r'(?:\bFROM|\bINTO|^UPDATE)\s+"?(\w+)"?')


_PARENTHESES = re.compile(r"\([^()]*\)")


def _describe(sql: str) -> str:
    """ "VERB table" of the statement itself: subqueries (in parentheses) are set aside,
    so a SELECT reading another table in a scalar subquery is named by its own FROM."""
    outer = sql
    while _PARENTHESES.search(outer):
        outer = _PARENTHESES.sub("_", outer)
    return f"{sql.split()[0]} {_TABLE.search(outer).group(1)}"


@contextmanager
def data_statements():
    """Collect each statement as "VERB table", leaving out savepoints (transaction
    bookkeeping whose number depends on how deeply the caller nests atomic blocks)."""
    statements: list[str] = []
    with CaptureQueriesContext(connection) as captured:
        yield statements
    statements += [
        _describe(query["sql"])
        for query in captured.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def race(count: int, action):
    """Run `action(i)` for i in range(count) on `count` threads released together, each
    with its own database connection; return the results in order (an exception raised
    by `action` is returned in its place, for the test to look at)."""
    barrier = threading.Barrier(count)

    def run(i):
        try:
            barrier.wait(timeout=30)
            return action(i)
        except Exception as exc:
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def click(browser, element) -> None:
    """Click like a person: scrolled into view first (headless windows are short)."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def browser_login(browser, base_url: str, email: str, password: str, next_url: str = "") -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{base_url}/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    browser.find_element(By.NAME, "username").send_keys(email)
    browser.find_element(By.NAME, "password").send_keys(password)
    click(browser, browser.find_element(By.CSS_SELECTOR, "[data-test=submit]"))
