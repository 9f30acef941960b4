"""Which files are read, and which are Git LFS pointers: all the collector needs of the readers.

Kept apart from the readers so collecting a portfolio (and recalling an unchanged one) never
loads them.
"""

from __future__ import annotations

from proofolio.limits import human_bytes

READABLE_SUFFIXES = (".py", ".ipynb")

# A Git LFS pointer (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md) stands in for a
# file whose content lives on an LFS server: a few `key value` lines, under 1024 bytes, the
# first naming the spec (early pointers named hawser.github.com).
LFS_POINTER_MAX_BYTES = 1024
_LFS_VERSION_LINES = (b"version https://git-lfs.github.com/spec/", b"version https://hawser.github.com/spec/")


def lfs_pointer(data: bytes) -> str | None:
    """The problem reason when ``data`` is a Git LFS pointer rather than content, else None.

    Cheap on purpose (a prefix test first): the collector runs it on the first bytes of small
    data files, the reader on every code file.
    """
    if len(data) >= LFS_POINTER_MAX_BYTES or not data.startswith(_LFS_VERSION_LINES):
        return None
    fields: dict[str, str] = {}
    for line in data.decode("ascii", "replace").splitlines():
        key, _, value = line.strip().partition(" ")
        fields.setdefault(key, value.strip())
    size = fields.get("size", "")
    described = ", ".join(filter(None, (fields.get("oid", "")[:19], human_bytes(int(size)) if size.isdigit() else "")))
    return (f"a Git LFS pointer{f' ({described})' if described else ''}, not the file: its content is on an LFS "
            "server and proofolio never runs git-lfs; not analysed")
