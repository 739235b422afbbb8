"""The README's configuration table stays true to the code."""

import re
from pathlib import Path

import vendordd.config
from vendordd.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent


def test_readme_lists_every_setting_with_its_default():
    readme = (ROOT / "README.md").read_text()
    for setting in SETTINGS:
        assert f"| `{setting.name}` | {setting.default} |" in readme, setting.name


def test_every_variable_the_config_reads_is_documented():
    source = Path(vendordd.config.__file__).read_text()
    read = set(re.findall(r'env(?:\.get)?\(\s*"(VENDORDD_[A-Z_]+)"', source))
    read |= set(re.findall(r'_int\(env, "(VENDORDD_[A-Z_]+)"', source))
    assert read == {s.name for s in SETTINGS}
