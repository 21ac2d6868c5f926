#!/usr/bin/env python3
"""Open one value of a Hush vault with Python's `cryptography`, from docs/vault-format.md alone.

Usage: vault_open.py VAULT NAME   (passphrase in $HUSH_PASSPHRASE; the vault must have a passphrase recipient)
Prints the value to stdout. Exits 1 if the store MAC or the value does not verify.
"""
import base64
import hashlib
import hmac
import os
import re
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt


def hkdf(ikm, salt, info, length=32):
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt or None, info=info).derive(ikm)


def b64raw(text):
    return base64.b64decode(text + "=" * (-len(text) % 4))


def unquote(text):
    assert text.startswith('"') and text.endswith('"'), text
    return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")


def age_decrypt_scrypt(armored, passphrase):
    lines = armored.strip().splitlines()
    assert lines[0] == "-----BEGIN AGE ENCRYPTED FILE-----" and lines[-1] == "-----END AGE ENCRYPTED FILE-----"
    data = base64.b64decode("".join(lines[1:-1]))
    header_end = data.index(b"\n---") + 4  # up to and including "---"
    header, rest = data[:header_end], data[header_end:]
    mac_line, payload = rest.split(b"\n", 1)
    hlines = header.split(b"\n")
    assert hlines[0] == b"age-encryption.org/v1"
    args = hlines[1].decode().split(" ")
    assert args[:2] == ["->", "scrypt"], args
    salt, log_n = b64raw(args[2]), int(args[3])
    body = b64raw(hlines[2].decode())
    wrap = Scrypt(salt=b"age-encryption.org/v1/scrypt" + salt, length=32, n=2**log_n, r=8, p=1).derive(passphrase)
    file_key = ChaCha20Poly1305(wrap).decrypt(b"\x00" * 12, body, None)
    mac_key = hkdf(file_key, b"", b"header")
    assert hmac.compare_digest(hmac.new(mac_key, header, hashlib.sha256).digest(), b64raw(mac_line.decode().strip())), "header MAC"
    nonce, ciphertext = payload[:16], payload[16:]
    payload_key = hkdf(file_key, nonce, b"payload")
    assert len(ciphertext) <= 64 * 1024 + 16
    return ChaCha20Poly1305(payload_key).decrypt(b"\x00" * 11 + b"\x01", ciphertext, None)


def main():
    path, wanted = sys.argv[1], sys.argv[2]
    raw = open(path, "rb").read()
    text = raw.decode("utf-8")
    mac_at = text.rindex("\nmac: ") + 1
    mac_input, mac_line = raw[:mac_at], text[mac_at:]
    store_id = unquote(re.search(r'^store-id: (".*")$', text, re.M).group(1))
    # Recipient items: recipient, label, envelope block (6-space indent).
    envelopes = re.findall(r'^  - recipient: "passphrase"\n    label: .*\n    envelope: \|\n((?:      .*\n)+)', text, re.M)
    armored = "".join(line[6:] + "\n" for line in envelopes[0].splitlines())
    data_key = age_decrypt_scrypt(armored, os.environ["HUSH_PASSPHRASE"].encode())
    assert len(data_key) == 32
    value_key = hkdf(data_key, b"", b"hush-vault/v1 value")
    mac_key = hkdf(data_key, b"", b"hush-vault/v1 mac")
    expected = unquote(mac_line.split(": ", 1)[1].strip())
    if not hmac.compare_digest(hmac.new(mac_key, mac_input, hashlib.sha256).hexdigest(), expected):
        print("store MAC mismatch", file=sys.stderr)
        sys.exit(1)
    for name, value in re.findall(r'^  - name: (".*")\n(?:    .*\n)*?    value: (".*")$', text, re.M):
        if unquote(name) != wanted:
            continue
        sealed = base64.b64decode(unquote(value))
        aad = b"hush-vault/v1\x00" + store_id.encode() + b"\x00" + wanted.encode()
        try:
            plain = AESGCM(value_key).decrypt(sealed[:12], sealed[12:], aad)
        except Exception:
            print("value failed authentication", file=sys.stderr)
            sys.exit(1)
        sys.stdout.buffer.write(plain)
        return
    print("no such entry", file=sys.stderr)
    sys.exit(2)


if __name__ == "__main__":
    main()
