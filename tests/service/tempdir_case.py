"""A unittest.TestCase with a private temporary folder (self.tmp, removed
after the test) and write(name, text) that puts a file in it."""
import os
import tempfile
import unittest


class TempDirCase(unittest.TestCase):
    tmp_prefix = "kzgd-test-"

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix=self.tmp_prefix)
        self.addCleanup(self.tmp.cleanup)

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path
