"""`python -m mentorship_contracts export|check`: publish new schema versions, or verify nothing broke."""

import sys

from . import schemas


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "export":
        for path in schemas.export():
            print(f"exported {path}")
        return 0
    if command == "check":
        found = schemas.problems()
        for problem in found:
            print(problem)
        print("contracts: ok" if not found else f"contracts: {len(found)} problem(s)")
        return 1 if found else 0
    print("usage: python -m mentorship_contracts export|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
