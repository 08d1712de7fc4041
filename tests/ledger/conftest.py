from tests.reporting.conftest import demo, fresh_cache  # noqa: F401  (the same seeded demo)
