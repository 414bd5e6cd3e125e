"""The sign-in and password pages: every problem summarised at the top, linked to its field,
and said again beside the field."""

import re

from django.test import Client


def test_a_sign_in_with_a_missing_password_lists_the_problem_at_the_top_and_by_the_field(demo):
    html = Client().post("/accounts/login/", {"phone": "13900000005", "password": ""}).content.decode()
    summary = re.search(r'<div class="ll-error-summary" role="alert".*?</div>', html, re.S).group(0)
    field_id = re.search(r'<input type="password" name="password"[^>]*id="([^"]+)"', html).group(1)
    assert f'<a href="#{field_id}">' in summary
    # ... and beside the field, Django's own error list.
    assert html.index('class="errorlist') < html.index(f'id="{field_id}"')
    # The main button is the page's main action (≥ 60 px in elder mode).
    assert re.search(r'<button type="submit" class="ll-btn--main[^"]*">', html)


def test_a_correct_sign_in_page_has_no_error_summary(demo):
    assert "ll-error-summary" not in Client().get("/accounts/login/").content.decode()
