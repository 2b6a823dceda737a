"""Every kind of public page is valid HTML, as the Nu HTML Checker (vnu) sees it.

The pages are rendered with the test client, written to one folder and checked by a
single run of vnu (it starts a Java virtual machine, so once for all pages). vnu comes
from ``npm ci`` (package.json); without it, or without Java, the test skips with the
reason, unless NEWSROOM_REQUIRE_BROWSER=1 (set by CI) makes that a failure.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from .sample_site import build_sample_site

pytestmark = pytest.mark.django_db

VNU_JAR = Path(__file__).resolve().parent.parent / "node_modules/vnu-jar/build/dist/vnu.jar"


def vnu_command() -> list[str]:
    java = shutil.which("java")
    missing = []
    if java is None:
        missing.append("java (Debian's default-jre-headless)")
    if not VNU_JAR.exists():
        missing.append(f"{VNU_JAR.name} (run `npm ci` or `make test`)")
    if missing:
        reason = "HTML validation needs " + " and ".join(missing)
        if os.environ.get("NEWSROOM_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return [java, "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always"]


def vnu_errors(folder: Path) -> list[str]:
    """vnu's errors for every .html file in ``folder``, one readable line each."""
    files = sorted(str(path) for path in folder.glob("*.html"))
    run = subprocess.run(
        [*vnu_command(), *files], capture_output=True, text=True, timeout=120, check=True
    )
    report = json.loads(run.stderr)
    return [
        f"{Path(message.get('url', '?')).name}:{message.get('lastLine', '?')}: "
        f"{message['message']}\n    {message.get('extract', '').strip()}"
        for message in report["messages"]
        if message["type"] == "error" or message.get("subType") == "fatal"
    ]


# The reader's interface languages: English (no prefix) and Arabic under /ar/, which
# skips while it does not exist.
@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_public_page_is_valid_html(client, tmp_path, language):
    if language != settings.LANGUAGE_CODE and client.get(f"/{language}/").status_code == 404:
        pytest.skip(f"the {language} interface does not exist yet (/{language}/ is 404)")
    site = build_sample_site()
    for name, url in site.pages(language).items():
        response = client.get(url)
        assert response.status_code == (404 if name == "not-found" else 200), url
        (tmp_path / f"{name}.html").write_bytes(response.content)

    errors = vnu_errors(tmp_path)
    assert not errors, "vnu found errors:\n" + "\n".join(errors)


def test_an_invalid_page_is_reported_with_its_file_and_line(tmp_path):
    (tmp_path / "broken.html").write_text(
        '<!DOCTYPE html><html lang="en"><title>x</title><p><div>block in p</p></html>'
    )
    errors = vnu_errors(tmp_path)
    assert errors and all(error.startswith("broken.html:1: ") for error in errors)
