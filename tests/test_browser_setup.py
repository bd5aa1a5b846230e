"""Without a browser the browser tests are skipped, in one line; COURSE_REQUIRE_BROWSER=1 makes it a failure."""

from __future__ import annotations

import pytest

import test_browser


def test_missing_browser_skips_by_default(monkeypatch):
    monkeypatch.delenv(test_browser.REQUIRE_BROWSER, raising=False)
    with pytest.raises(pytest.skip.Exception, match="^Chromium not found: install it$"):
        test_browser.missing_browser("Chromium not found: install it")


@pytest.mark.parametrize("value", ["1", "yes"])
def test_missing_browser_fails_when_required(monkeypatch, value):
    monkeypatch.setenv(test_browser.REQUIRE_BROWSER, value)
    with pytest.raises(pytest.fail.Exception, match="COURSE_REQUIRE_BROWSER is set"):
        test_browser.missing_browser("Chromium not found: install it")


def test_no_chromium_on_path_is_a_skip(monkeypatch, tmp_path):
    monkeypatch.delenv("CHROMIUM_PATH", raising=False)
    monkeypatch.delenv(test_browser.REQUIRE_BROWSER, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pytest.skip.Exception, match="sudo apt-get install chromium"):
        test_browser.find_chromium()


def test_ci_requires_the_browser():
    ci = (test_browser.ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"export {test_browser.REQUIRE_BROWSER}=1" in ci
