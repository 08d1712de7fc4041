from tests.reporting.conftest import demo, demo_data, fresh_cache  # noqa: F401  (the same seeded demo)
