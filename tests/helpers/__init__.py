"""What the tests share that is not a fixture: builders, browsers, runs of the real
tools, the published values. Imported as ``tests.helpers.<module>``."""
