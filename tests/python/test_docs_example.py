"""docs/python.md's pandas example: in the doc verbatim, with the output the doc shows."""

import os
import subprocess
import sys
import unittest

SOURCE_DIR = os.environ["USEGATE_SOURCE_DIR"]
EXAMPLES = os.path.join(SOURCE_DIR, "docs", "examples")


def read(path):
    with open(path, encoding="utf-8") as file:
        return file.read()


class DocsExample(unittest.TestCase):
    def test_pandas_example_is_in_the_doc_and_prints_what_it_shows(self):
        doc = read(os.path.join(SOURCE_DIR, "docs", "python.md"))
        example = read(os.path.join(EXAMPLES, "pandas_example.py"))
        expected = read(os.path.join(EXAMPLES, "pandas_example.expected"))
        self.assertIn("```python\n" + example + "```\n", doc)
        self.assertIn("```text\n" + expected + "```\n", doc)
        result = subprocess.run([sys.executable, os.path.join(EXAMPLES, "pandas_example.py")], cwd=SOURCE_DIR,
                                capture_output=True, text=True)
        self.assertEqual(result.stderr, "")
        self.assertEqual(result.stdout, expected)


if __name__ == "__main__":
    unittest.main()
