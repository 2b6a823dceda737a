"""Phone screenshots of a story page, in English and in Arabic: ``make screenshots``.

The site is served as in production (``tools/production_site.py``); Debian's Chromium
takes each shot through Playwright at a phone's size, and Pillow reduces it to a small
palette PNG for the README, in ``docs/screenshots/``.

    .venv/bin/python tools/screenshots.py [--out docs/screenshots]
"""

import argparse
import io
import os
import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.production_site import ROOT, production_site

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# (file name, sample page, interface language)
SHOTS = [
    ("story-phone-en.png", "story", "en"),
    ("story-phone-ar.png", "arabic-story", "ar"),
]


def small_png(png: bytes) -> bytes:
    """The screenshot as a 256-colour PNG: text and flat colours survive, bytes do not."""
    picture = Image.open(io.BytesIO(png)).convert("RGB")
    reduced = picture.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    reduced.save(out, "PNG", optimize=True)
    return out.getvalue()


def has_interface(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=10).close()
    except urllib.error.HTTPError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs/screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("NEWSROOM_CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        print("No Chromium found: install Debian's chromium package.", file=sys.stderr)
        return 2

    with production_site() as site, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(**PHONE)
        page = context.new_page()
        for name, sample, language in SHOTS:
            if not has_interface(site.url + site.pages[language]["home"]):
                language = "en"
            page.goto(site.url + site.pages[language][sample], wait_until="networkidle")
            png = small_png(page.screenshot())
            (args.out / name).write_bytes(png)
            print(f"{args.out / name}: {len(png) // 1024} KB ({language} interface)")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
