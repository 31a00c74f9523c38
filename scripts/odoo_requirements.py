"""Print Odoo's requirements.txt as pins for this interpreter.

Odoo 18's pins for Python < 3.12 are old releases that no longer build on a
current toolchain, while its Python 3.12 pins ship wheels for 3.10 and 3.11
too. So markers are evaluated as if the interpreter were at least 3.12.
python-ldap is left out: only ``auth_ldap`` needs it and it needs LDAP headers.
"""
import sys

from pip._vendor.packaging.requirements import Requirement

SKIP = {"python-ldap"}


def main(path):
    actual = sys.version_info[:2]
    assumed = max(actual, (3, 12))
    env = {
        "python_version": "%d.%d" % assumed,
        "python_full_version": "%d.%d.0" % assumed,
        "sys_platform": sys.platform,
    }
    for raw in open(path, encoding="utf-8"):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        if req.name.lower() in SKIP:
            continue
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        req.marker = None
        print(req)


if __name__ == "__main__":
    main(sys.argv[1])
