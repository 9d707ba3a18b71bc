"""Writes pip-venv/wheels/greeting-1.0-py3-none-any.whl: a pure-Python wheel (PEP 427) made with the standard
library alone, byte for byte the same on every run (fixed timestamps and order), since PyPI, setuptools' and
wheel's build steps are out of reach of the machines the tests run on. Run: python3 make-greeting-wheel.py"""
import base64
import hashlib
import pathlib
import zipfile

files = {
    "greeting/__init__.py": '__version__ = "1.0"\n\n\ndef hello():\n    return f"hello from greeting {__version__}"\n',
    "greeting-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: greeting\nVersion: 1.0\nSummary: A vendored test package\n",
    "greeting-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: make-greeting-wheel.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}


def record_line(name, text):
    digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(text.encode())}\n"


record = "".join(record_line(n, t) for n, t in files.items()) + "greeting-1.0.dist-info/RECORD,,\n"
files["greeting-1.0.dist-info/RECORD"] = record
out = pathlib.Path(__file__).parent / "pip-venv" / "wheels" / "greeting-1.0-py3-none-any.whl"
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as whl:
    for name, text in files.items():
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        whl.writestr(info, text)
