"""`cmake --install` puts the package under the prefix, where the interpreter imports it."""

import os
import subprocess
import sys
import unittest

from support import SOURCE_DIR, TemporaryDirectory


class Install(unittest.TestCase):
    def test_installed_package_imports_and_decides(self):
        with TemporaryDirectory() as prefix:
            subprocess.run([os.environ["CMAKE_COMMAND"], "--install", os.environ["USEGATE_BINARY_DIR"], "--prefix",
                            prefix, "--component", "python"], check=True, capture_output=True)
            package = os.path.join(prefix, "lib", "python3", "dist-packages", "usegate")
            names = sorted(name for name in os.listdir(package) if not name.startswith("_usegate"))
            self.assertEqual(names, ["__init__.py", "__init__.pyi", "py.typed"])
            self.assertEqual(len([name for name in os.listdir(package) if name.startswith("_usegate")]), 1)
            script = ("import usegate; p = usegate.compile('policies/x-grok-2024-08.policy'); "
                      "print(usegate.__file__); print(p.decide({'category': 'direct_message'}, now=0))")
            environment = dict(os.environ, PYTHONPATH=os.path.dirname(package))
            result = subprocess.run([sys.executable, "-c", script], cwd=SOURCE_DIR, env=environment,
                                    capture_output=True, text=True, check=True)
        self.assertEqual(result.stdout, f"{package}/__init__.py\n"
                                        "Decision(allowed=False, decision='deny', reason='direct_messages')\n")


if __name__ == "__main__":
    unittest.main()
