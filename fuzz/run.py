"""Time-boxed mutation fuzzer over the readers, seeded from the fixtures: `make fuzz SECONDS=60`.

Pure Python (no atheris build needed): each round takes a seed file, applies random byte
flips, truncations, splices and insertions of IPython-ish syntax, and feeds the result to a
target. Any exception is a finding: the input is written to fuzz/findings/ and the run fails.
"""

from __future__ import annotations

import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from targets import TARGETS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TOKENS = [b"%matplotlib inline\n", b"!pip install x \\\n", b"%%bash\n", b"print 'x'\n", b"(" * 150, b"\x00",
          b"\"cells\": [", b"{\"nbformat\": 3}", b"\xef\xbb\xbf", b"from . import *\n", b"import a.b as c\n", b"df?\n"]


def seeds() -> dict[str, list[bytes]]:
    found: dict[str, list[bytes]] = {"notebook": [], "python": [], "magics": [], "posting": []}
    for path in sorted((ROOT / "fixtures").rglob("*")):
        if path.suffix == ".ipynb":
            found["notebook"].append(path.read_bytes())
        elif path.suffix == ".py":
            found["python"].append(path.read_bytes())
            found["magics"].append(path.read_bytes())
    for path in sorted((ROOT / "examples" / "postings").glob("*")):
        found["posting"].append(path.read_bytes())
    return found


def mutate(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(5)
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        elif op == 1:
            del buf[pos : pos + rng.randint(1, 64)]
        elif op == 2:
            buf[pos:pos] = rng.choice(TOKENS)
        elif op == 3 and buf:
            start = rng.randrange(len(buf))
            buf[pos:pos] = buf[start : start + rng.randint(1, 256)]
        else:
            del buf[pos:]
    return bytes(buf)


def main(seconds: float, seed: int = 0) -> int:
    rng = random.Random(seed)
    corpus = seeds()
    deadline = time.monotonic() + seconds
    runs = 0
    findings = ROOT / "fuzz" / "findings"
    while time.monotonic() < deadline:
        name = rng.choice(sorted(TARGETS))
        pool = corpus[name] or [b""]
        data = mutate(rng.choice(pool), rng)
        try:
            TARGETS[name](data)
        except Exception:
            findings.mkdir(exist_ok=True)
            out = findings / f"{name}-{runs}.bin"
            out.write_bytes(data)
            traceback.print_exc()
            print(f"finding: {out}", file=sys.stderr)
            return 1
        runs += 1
    print(f"fuzz: {runs} inputs in {seconds:g} s over {sum(len(v) for v in corpus.values())} seeds, no finding")
    return 0


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1]) if len(sys.argv) > 1 else 60.0))
