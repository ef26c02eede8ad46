"""Check the built documentation in a real browser (headless Chromium).

Serves the built HTML on 127.0.0.1, opens a few pages in headless Chromium,
and checks, in the DOM the browser built (after the pages' JavaScript ran):

- each page has the figures it should (``<img>`` elements whose files exist
  and are valid, non-trivial images);
- no ``class="problematic"`` node (an unresolved reference rendered in red)
  and no docutils ``system-message`` (an error rendered into the page);
- the user guide's formulas were typeset by MathJax (served from the site).

It also saves a PNG screenshot of each page, to be looked at.

Usage::

    python docs/check_site.py docs/_build/html --screenshots docs/_build/screenshots

Needs Debian's ``chromium`` (``apt-get install -y chromium``) and Pillow (in
the docs extra). Exits 1 with a list of the problems if any check fails.
"""

import argparse
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

#: page -> (what it is, minimum number of content images)
PAGES = {
    "index.html": ("the home page, with a gallery figure", 1),
    "generated/skregnet.RegMLPClassifier.html": (
        "an API page, with its methods and example thumbnails",
        1,
    ),
    "auto_examples/plot_initialization_deep.html": (
        "a gallery page, with its figures",
        2,
    ),
    "user_guide.html": ("the user guide, with typeset formulas", 0),
    "performance.html": ("the performance page, with its tables", 0),
}

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


class _DOM(HTMLParser):
    """The bits of a page that the checks need."""

    def __init__(self):
        super().__init__()
        self.images = []
        self.problematic = []
        self.system_messages = 0
        self.math = 0
        self.methods = []
        self._in_problematic = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])
        if "problematic" in classes:
            self.problematic.append("")
            self._in_problematic += 1
        if "system-message" in classes:
            self.system_messages += 1
        if tag == "mjx-container":
            self.math += 1
        if tag == "dl" and "method" in classes:
            self.methods.append(attrs)

    def handle_endtag(self, tag):
        if self._in_problematic and tag in ("a", "span"):
            self._in_problematic -= 1

    def handle_data(self, data):
        if self._in_problematic and self.problematic:
            self.problematic[-1] += data


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit(
        "check_site: no chromium found; install it (Debian: apt-get install -y "
        "chromium)"
    )


def _serve(root):
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def _run_chromium(browser, profile, extra, url):
    return subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _check_image(root, page_url, src, problems, page):
    """The file behind ``src`` exists and is a real, non-trivial image."""
    from PIL import Image

    url = urlparse(urljoin(page_url, src))
    if url.scheme == "data":
        return
    if url.hostname not in ("127.0.0.1", None):
        problems.append(f"{page}: image {src} is not served by the site")
        return
    path = root / unquote(url.path).lstrip("/")
    if not path.is_file() or path.stat().st_size == 0:
        problems.append(f"{page}: image {src} is missing or empty ({path})")
        return
    if path.suffix.lower() == ".svg":
        return
    try:
        with Image.open(path) as im:
            im.verify()
        with Image.open(path) as im:
            width, height = im.size
    except Exception as e:  # any decoding failure is the problem to report
        problems.append(f"{page}: image {src} is not a valid image: {e}")
        return
    if width < 50 or height < 50:
        problems.append(f"{page}: image {src} is only {width}x{height} pixels")


def check(root, screenshots):
    root = Path(root).resolve()
    screenshots = Path(screenshots)
    screenshots.mkdir(parents=True, exist_ok=True)
    browser = _chromium()
    server = _serve(root)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    problems = []
    try:
        for page, (what, min_images) in PAGES.items():
            if not (root / page).is_file():
                problems.append(f"{page}: not built")
                continue
            url = base + page
            with tempfile.TemporaryDirectory() as profile:
                dom = _run_chromium(
                    browser,
                    profile,
                    ["--virtual-time-budget=10000", "--dump-dom"],
                    url,
                )
            if dom.returncode != 0 or "<html" not in dom.stdout:
                problems.append(
                    f"{page}: chromium failed ({dom.returncode}): "
                    f"{dom.stderr.strip()[-300:]}"
                )
                continue
            parsed = _DOM()
            parsed.feed(dom.stdout)
            content = [
                src
                for src in parsed.images
                if "logo" not in src and "_static/" not in src
            ]
            if len(content) < min_images:
                problems.append(
                    f"{page} ({what}): {len(content)} images, expected at least "
                    f"{min_images}"
                )
            for src in parsed.images:
                _check_image(root, url, src, problems, page)
            for text in parsed.problematic:
                problems.append(f"{page}: problematic node {text.strip()!r}")
            if parsed.system_messages:
                problems.append(
                    f"{page}: {parsed.system_messages} docutils system message(s)"
                )
            if page.startswith("generated/") and not parsed.methods:
                problems.append(f"{page}: no method documented")
            if page == "user_guide.html" and not parsed.math:
                problems.append(f"{page}: no formula typeset by MathJax")
            shot = screenshots / (Path(page).stem + ".png")
            with tempfile.TemporaryDirectory() as profile:
                result = _run_chromium(
                    browser,
                    profile,
                    [
                        "--virtual-time-budget=10000",
                        "--window-size=1280,2400",
                        f"--screenshot={shot.resolve()}",
                    ],
                    url,
                )
            if result.returncode != 0 or not shot.is_file():
                problems.append(f"{page}: no screenshot ({result.returncode})")
            print(
                f"{page}: {len(content)} images, {len(parsed.methods)} methods, "
                f"{parsed.math} formulas, {len(parsed.problematic)} problematic "
                f"-> {shot}"
            )
    finally:
        server.shutdown()
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", help="the built site, e.g. docs/_build/html")
    parser.add_argument(
        "--screenshots",
        default="docs/_build/screenshots",
        help="where to save the PNG screenshots (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    problems = check(args.html, args.screenshots)
    if problems:
        print("check_site: FAILED", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"check_site: {len(PAGES)} pages OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
