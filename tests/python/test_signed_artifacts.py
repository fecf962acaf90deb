"""Loading with a public key (`verify_key`): only an artifact that key signed loads, with the
messages `usegate eval --verify-key` prints; everything else raises."""

import os
import unittest

import usegate
from support import BUNDLED, CAPI_DATA, TemporaryDirectory, run

SIGNING_KEY = os.path.join(CAPI_DATA, "test-signing.key")
SIGNING_PUB = os.path.join(CAPI_DATA, "test-signing.pub")
OTHER_PUB = os.path.join(CAPI_DATA, "test-other.pub")
X_AUGUST = next(path for path in BUNDLED if path.endswith("x-grok-2024-08.policy"))
RECORD = {"purpose": "training", "category": "post", "visibility": "public", "region": "US",
          "ts": "2024-08-20T00:00:00Z"}


def refusal(arguments):
    """What `usegate eval --verify-key` prints when it refuses, without the `PATH: error: `."""
    result = run(["eval", *arguments], check=False)
    assert result.returncode == 3, result
    return result.stderr.decode().split(": error: ", 1)[1]


class SignedArtifacts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = TemporaryDirectory()
        path = cls.directory.__enter__()
        cls.signed_path = os.path.join(path, "signed.ugt")
        cls.unsigned_path = os.path.join(path, "unsigned.ugt")
        run(["build", X_AUGUST, "--sign", SIGNING_KEY, "-o", cls.signed_path])
        run(["build", X_AUGUST, "-o", cls.unsigned_path])
        with open(cls.signed_path, "rb") as file:
            cls.signed = file.read()
        with open(cls.unsigned_path, "rb") as file:
            cls.unsigned = file.read()
        with open(SIGNING_PUB) as file:
            hex_key = next(line.split()[2] for line in file if line.startswith("usegate-public-key"))
        cls.key_bytes = bytes.fromhex(hex_key)

    @classmethod
    def tearDownClass(cls):
        cls.directory.__exit__(None, None, None)

    def test_signed_artifact_loads_with_its_key_as_bytes_or_file_and_decides_as_unsigned(self):
        plain = usegate.load(self.unsigned)
        for key in (self.key_bytes, SIGNING_PUB):
            for artifact in (self.signed, self.signed_path):
                policy = usegate.load(artifact, verify_key=key)
                self.assertEqual(policy.decide(RECORD, now="2024-09-01"), plain.decide(RECORD, now="2024-09-01"))
            self.assertEqual(usegate.compile(self.signed_path, verify_key=key).name, "x_grok")
        # Without a key, a signed artifact loads as an unsigned one does.
        self.assertEqual(usegate.load(self.signed).decide(RECORD, now="2024-09-01").reason, "train_on_posts")

    def assert_refused(self, artifact, key, expected_message):
        with self.assertRaises(usegate.PolicyError) as raised:
            usegate.load(artifact, verify_key=key)
        self.assertEqual(raised.exception.diagnostics[0].message, expected_message)

    def test_unsigned_artifact_is_refused_with_the_message_of_eval(self):
        expected = refusal(["--verify-key", SIGNING_PUB, "--policy", self.unsigned_path, os.devnull])
        self.assert_refused(self.unsigned, SIGNING_PUB, expected.rstrip("\n"))

    def test_another_key_is_refused(self):
        expected = refusal(["--verify-key", OTHER_PUB, "--policy", self.signed_path, os.devnull])
        self.assert_refused(self.signed, OTHER_PUB, expected.rstrip("\n"))

    def test_every_changed_byte_of_the_body_is_refused(self):
        # The artifact's own bytes (the trailer's 84 bytes follow them); a sample across the body.
        body = len(self.signed) - 84
        for offset in list(range(0, 64)) + list(range(64, body, max(1, body // 200))):
            damaged = bytearray(self.signed)
            damaged[offset] ^= 0x01
            with self.assertRaises(usegate.PolicyError, msg=f"byte {offset}"):
                usegate.load(bytes(damaged), verify_key=self.key_bytes)

    def test_signature_taken_from_another_artifact_is_refused(self):
        with TemporaryDirectory() as directory:
            july = os.path.join(directory, "july.ugt")
            run(["build", X_AUGUST.replace("2024-08", "2024-07"), "--sign", SIGNING_KEY, "-o", july])
            with open(july, "rb") as file:
                other = file.read()
        swapped = self.signed[:-84] + other[-84:]
        with self.assertRaises(usegate.PolicyError) as raised:
            usegate.load(swapped, verify_key=self.key_bytes)
        self.assertIn("signature does not match the artifact", str(raised.exception))

    def test_policy_source_with_a_key_is_refused(self):
        with self.assertRaises(usegate.PolicyError) as raised:
            usegate.compile(X_AUGUST, verify_key=self.key_bytes)
        self.assertIn("a policy source cannot be verified", str(raised.exception))

    def test_bad_keys_raise_value_error(self):
        with self.assertRaises(ValueError) as raised:
            usegate.load(self.signed, verify_key=b"\0" * 31)
        self.assertEqual(str(raised.exception), "verify_key: a public key is 32 bytes, not 31")
        with self.assertRaises(ValueError) as raised:
            usegate.load(self.signed, verify_key=SIGNING_KEY)  # the secret key's file
        self.assertIn(SIGNING_KEY, str(raised.exception))


if __name__ == "__main__":
    unittest.main()
