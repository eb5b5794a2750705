"""How the config's one-line errors write a key path and a value."""

from natgrad.pipeline.messages import describe, key_path


def test_key_path():
    assert key_path(["a", 0, "b"]) == "a[0].b"
    assert key_path([0]) == "[0]"
    assert key_path([]) == "<config>"


def test_long_values_are_cut_to_80_characters():
    assert describe("x" * 78) == repr("x" * 78)  # 80 characters with the quotes: whole
    assert describe("x" * 79) == repr("x" * 79)[:77] + "..."
    assert len(describe("x" * 79)) == 80


def test_escape_keeps_printable_text_and_writes_the_rest_as_python_would():
    from natgrad.pipeline.messages import escape

    assert escape("a\\b 'c' é") == "a\\b 'c' é"  # printable: as it is
    assert escape("a\x1b[2J\x00\n") == "a\\x1b[2J\\x00\\n"
    # printable characters beside one that is not stay as they are, a backslash too
    assert escape("a\\b \x1b") == "a\\b \\x1b"
    assert key_path(["a\x1b", 0, "b\n"]) == "a\\x1b[0].b\\n"  # a key is the user's text
