from django.utils.html import escape

REQUIRED_EN = "This field is required."
#: Django's own translation, so it does not depend on Candor's catalogue.
REQUIRED_ZH = "这个字段是必填项。"
SCRIPT = '<script>alert("pwned")</script>'


def assert_rejected(response, *, error: str, kept: tuple[str, ...] = ()) -> str:
    """The form came back (never a 500), says what is wrong, and keeps what was typed.

    Returns the page's HTML for further assertions.
    """
    assert response.status_code in (200, 400), response.status_code
    html = response.content.decode()
    assert escape(error) in html or error in html, f"{error!r} not shown"
    for value in kept:
        assert escape(value) in html, f"typed value {value[:60]!r} was lost"
    assert SCRIPT not in html, "a typed script reached the page unescaped"
    return html
