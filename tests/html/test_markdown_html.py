"""One Markdown converter serves every body of a process: nothing of one body reaches the next."""

from __future__ import annotations

import threading

from brochures.html.markdown_html import markdown_to_html

WITH_NOTES = "# Care\n\nRest well.[^rest]\n\n## Next steps {#next}\n\n[^rest]: At least eight hours.\n"
PLAIN = "# Diet\n\nEat what you can.\n"


def test_a_body_converts_the_same_whatever_came_before() -> None:
    first = markdown_to_html(WITH_NOTES).html
    assert 'id="fn:rest"' in first and 'id="next"' in first
    plain = markdown_to_html(PLAIN).html
    assert "footnote" not in plain and "eight hours" not in plain and 'id="next"' not in plain
    assert markdown_to_html(WITH_NOTES).html == first
    assert markdown_to_html("").html == ""


def test_threads_each_convert_their_own_bodies() -> None:
    expected = {body: markdown_to_html(body).html for body in (WITH_NOTES, PLAIN)}
    results: list[bool] = []

    def convert(body: str) -> None:
        results.extend(markdown_to_html(body).html == expected[body] for _ in range(30))

    threads = [threading.Thread(target=convert, args=(body,)) for body in (WITH_NOTES, PLAIN) * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 120
