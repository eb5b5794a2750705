"""The tests' time limits (pytest-timeout)."""

# The time limit of a test marked slow (the default, pyproject's `timeout`, is for the
# rest); a hung test fails with its stack instead of running into CI's limit.
SLOW_TIMEOUT = 600
