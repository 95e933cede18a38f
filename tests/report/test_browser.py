"""out/report/index.html as a reader gets it: bench-report on the recorded
fixtures into a temporary folder, the page opened in headless Chromium; no
JS error, every image shown, every link's target there. The screenshot is
kept in $NAPILAB_OUT/report-check/screenshot.png (out/ of the checkout),
the page beside it in report-check/report/."""
import os
import shutil
import sys
import tempfile
import unittest

import common
import page_check

if not page_check.CHROMIUM:
    print("SKIP: chromium is not installed (Debian's chromium; make deps installs it)")
    sys.exit(77)

OUT = os.environ.get("NAPILAB_OUT") or os.path.join(common.HERE, "..", "..", "out")
CHECK = os.path.join(OUT, "report-check")
SHOT = os.path.join(CHECK, "screenshot.png")


class ReportPage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="napilab-report-")
        cls.report = os.path.join(cls.tmp, "report")
        done = common.report_from_fixtures(cls.report, strategies=True, speed=True)
        if done.returncode != 0:
            raise AssertionError(f"bench-report failed: {done.stderr}")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_page_shows_everything(self):
        # The page checked stays beside its screenshot, to open by hand.
        kept = os.path.join(CHECK, "report")
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(self.report, kept)
        found = page_check.check_page(os.path.join(kept, "index.html"), SHOT)
        self.assertEqual(found["problems"], [])
        self.assertEqual(found["title"], "napilab bench")
        # throughput, livelock, two timelines, poll vs epoll, NAPI strategies, the speed floods
        self.assertEqual(found["images"], 7)
        self.assertGreaterEqual(found["links"], 7)  # each chart's SVG, report.json, raw/
        width, height = common.png_size(SHOT)
        self.assertEqual(width, 1200)
        self.assertGreater(height, 3000)  # the whole page, not the first screen
        print(f"screenshot: {os.path.abspath(SHOT)} ({width}x{height})")

    def test_check_catches_what_a_reader_would_hit(self):
        broken = os.path.join(self.tmp, "broken")
        shutil.copytree(self.report, broken)
        os.unlink(os.path.join(broken, "livelock.png"))
        index = os.path.join(broken, "index.html")
        with open(index, encoding="utf-8") as f:
            page = f.read()
        page = page.replace("</body>", '<a href="nowhere.html">gone</a>'
                                       "<script>napilabUndefinedFunction();</script></body>")
        with open(index, "w", encoding="utf-8") as f:
            f.write(page)
        problems = page_check.check_page(index, os.path.join(self.tmp, "broken.png"))["problems"]
        text = "\n".join(problems)
        self.assertIn("image not shown: livelock.png", text)
        self.assertIn("broken link nowhere.html", text)
        self.assertRegex(text, r"JS error: ReferenceError: napilabUndefinedFunction is not defined")


if __name__ == "__main__":
    unittest.main()
